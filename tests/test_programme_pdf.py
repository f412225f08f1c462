"""The printable programme: a PDF of the agenda, day by day in the event's time zone, with Chinese names."""

import io
import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import reportlab
from pypdf import PdfReader
from reportlab.platypus import SimpleDocTemplate

from workshop.agenda.models import SessionKind, SpeakerRole
from workshop.events.models import EventStatus
from workshop.pdf import fonts, styles

from .conftest import login, submit
from .test_calendars import agenda_with, statements_for

UTC = UTC
OPENING = datetime(2030, 3, 12, 1, 0, tzinfo=UTC)  # Tuesday 12 March 2030, 09:00 in Shanghai
VERA = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # a TrueType font that ships with ReportLab
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # a collection: Debian's fonts-wqy-microhei


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


def fetch_pdf(client, event) -> bytes:
    response = client.get(f"/events/{event.slug}/programme.pdf")
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == f"inline; filename=programme-{event.slug}.pdf"
    return response.get_data()


@pytest.fixture
def workshop_in_beijing(make_event, make_session, make_speaker):
    event = make_event(
        title="Labour migration workshop",
        timezone="Asia/Shanghai",
        venue="ILO Office for China and Mongolia",
        city="Beijing",
        country="CN",
        starts_at=OPENING,
        ends_at=OPENING + timedelta(days=2),
    )
    opening = make_session(event, title="Opening plenary", start=OPENING, minutes=90, room="Main hall")
    make_session(
        event,
        title="Visit to a job centre",
        kind=SessionKind.SITE_VISIT,
        start=OPENING + timedelta(days=1, hours=5),
        address="88 Chaoyang Road",
        city="Beijing",
        directions="The bus leaves the hotel at 13:30.",
    )
    make_session(event, title="Gala dinner", kind=SessionKind.MEAL, start=OPENING + timedelta(hours=10), cancelled=True)
    make_speaker(event, "Wang Fang", "王芳", sessions=[opening], role=SpeakerRole.CHAIR)
    make_speaker(event, "Anna Schmidt", "", sessions=[opening])
    return event


def test_the_programme_lists_each_day_with_times_in_the_events_zone_and_chinese_names(client, workshop_in_beijing):
    data = fetch_pdf(client, workshop_in_beijing)

    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "Labour migration workshop"
    text = pdf_text(data)
    assert "Labour migration workshop" in text
    assert "ILO Office for China and Mongolia, Beijing, China" in text
    assert "Asia/Shanghai (UTC+08:00)" in text
    assert "Day 1 · Tuesday, March 12, 2030" in text and "Day 2 · Wednesday, March 13, 2030" in text
    assert "9:00 AM – 10:30 AM" in text  # in Shanghai; 1:00 AM in UTC
    assert "1:00 AM" not in text
    assert "Opening plenary" in text and "Plenary" in text and "Main hall" in text
    assert "Wang Fang 王芳 (Chair)" in text
    assert "Anna Schmidt (Speaker)" in text
    assert "88 Chaoyang Road," in text and "Site visit" in text and "The bus leaves the hotel" in " ".join(text.split())
    assert "Gala dinner" in text and "Cancelled" in text
    assert "Page 1" in text


def test_the_chinese_name_is_set_in_the_cjk_font_and_latin_text_in_noto_sans(client, workshop_in_beijing):
    reader = PdfReader(io.BytesIO(fetch_pdf(client, workshop_in_beijing)))
    used = {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}

    assert "/AAAAAA+WenQuanYiMicroHei" in used  # subsets of the shipped fonts, embedded
    assert "/AAAAAA+NotoSans-Regular" in used and "/AAAAAA+NotoSans-Bold" in used
    assert not {"/STSong-Light", "/Helvetica", "/Helvetica-Bold"} & used


def test_a_long_programme_runs_over_several_numbered_pages(client, make_event, make_session):
    event = make_event(timezone="Asia/Shanghai", starts_at=OPENING, ends_at=OPENING + timedelta(days=5))
    for i in range(80):
        make_session(event, title=f"Session number {i}", start=OPENING + timedelta(hours=i), minutes=45)

    data = fetch_pdf(client, event)

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    assert "Page 2" in reader.pages[1].extract_text()
    assert "Session number 79" in pdf_text(data)


def test_the_programme_in_chinese_has_chinese_dates(app, client, workshop_in_beijing):
    submit(client, "/language", {"lang": "zh"}, form_url="/")

    text = pdf_text(fetch_pdf(client, workshop_in_beijing))

    assert "2030年3月12日" in text and "王芳" in text


def test_an_event_without_sessions_gets_a_programme_that_says_so(client, make_event):
    event = make_event(title="Workshop still being planned")
    text = pdf_text(fetch_pdf(client, event))
    assert "Workshop still being planned" in text and "no sessions yet" in text


def test_a_drafts_programme_is_for_its_organisers_only(app, client, make_event, make_session, make_user):
    organiser = make_user(can_create_events=True)
    draft = make_event(status=EventStatus.DRAFT, organiser=organiser)
    make_session(draft)

    assert client.get(f"/events/{draft.slug}/programme.pdf").status_code == 404
    assert client.get("/events/no-such-event/programme.pdf").status_code == 404
    login(client, make_user())
    assert client.get(f"/events/{draft.slug}/programme.pdf").status_code == 404

    as_organiser = app.test_client()
    login(as_organiser, organiser)
    assert as_organiser.get(f"/events/{draft.slug}/programme.pdf").status_code == 200


def test_the_programme_takes_as_many_queries_for_50_sessions_as_for_5(client, make_event, make_session, make_speaker):
    small = f"/events/{agenda_with(make_event, make_session, make_speaker, 5).slug}/programme.pdf"
    large = f"/events/{agenda_with(make_event, make_session, make_speaker, 50).slug}/programme.pdf"

    assert statements_for(client, small) == statements_for(client, large)


# --- fonts ----------------------------------------------------------------------------------------------


def test_markup_keeps_latin_in_noto_sans_and_puts_chinese_in_the_cjk_font(app):
    assert fonts.markup("Wang Fang & co <b>") == "Wang Fang &amp; co &lt;b&gt;"
    assert fonts.markup("Wang Fang 王芳 (Chair)") == 'Wang Fang <font face="WenQuanYiMicroHei">王芳 </font>(Chair)'
    assert fonts.font_for("Café") == "NotoSans" and fonts.font_for("王芳") == "WenQuanYiMicroHei"
    assert fonts.font_for("Café", bold=True) == "NotoSans-Bold"


def test_a_configured_truetype_font_is_embedded_as_a_subset(app):
    app.config["CJK_FONT_PATH"] = str(VERA)  # a font without Chinese: what it lacks comes from the shipped one
    name = fonts.cjk_font()
    assert name.startswith("CJK-")

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, initialFontName=fonts.LATIN).build(
        [styles.para("Wang Fang 王芳 ∂", styles.stylesheet()["body"])]
    )  # ∂: not in Noto Sans, in Vera

    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    font = next(
        f.get_object()
        for f in reader.pages[0]["/Resources"]["/Font"].values()
        if "Vera" in str(f.get_object()["/BaseFont"])
    )
    assert str(font["/BaseFont"]).startswith("/") and "+" in str(
        font["/BaseFont"]
    )  # a subset: AAAAAA+BitstreamVeraSans
    assert "/FontFile2" in font["/FontDescriptor"]  # embedded
    assert "Wang Fang 王芳 ∂" in reader.pages[0].extract_text()


def test_a_font_file_that_cannot_be_read_falls_back_to_the_shipped_font_with_a_warning(app, tmp_path, caplog):
    broken = tmp_path / "not-a-font.ttf"
    broken.write_bytes(b"this is not a font")
    app.config["CJK_FONT_PATH"] = str(broken)

    with caplog.at_level(logging.WARNING, logger="workshop.pdf.fonts"):
        assert fonts.cjk_font() == "WenQuanYiMicroHei"
    assert "cannot be used" in caplog.text


@pytest.mark.skipif(
    not WQY.exists() and not os.environ.get("CI"),
    reason="needs Debian's fonts-wqy-microhei, a font collection (CI installs it)",
)
def test_chinese_in_a_configured_truetype_collection_is_extractable(app, client, workshop_in_beijing):
    app.config["CJK_FONT_PATH"] = str(WQY)

    text = pdf_text(fetch_pdf(client, workshop_in_beijing))

    assert "Wang Fang 王芳 (Chair)" in text
