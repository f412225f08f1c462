"""The agenda in every language: organisers write a session's title and description, a speaker's
position, affiliation and biography, and a material's title in English and Chinese side by side;
each reader reads their language, or the other with a mark, on the pages, in the calendars and in
the printable programme."""

import io
import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from pypdf import PdfReader

from workshop.agenda.models import AgendaSession, Speaker
from workshop.extensions import db
from workshop.materials.models import Material
from workshop.translated import Translated

from .conftest import login, make_registration, submit

OPENING = datetime(2030, 3, 12, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
MARK = 'class="fallback-mark"'

SESSION_FORM = {
    "title-en": "Opening",
    "title-zh": "开幕式",
    "kind": "plenary",
    "starts_at": "2030-03-12T09:00",
    "ends_at": "2030-03-12T10:00",
    "room": "Main hall",
    "description-en": "Welcome by the **organisers**.",
    "description-zh": "主办方**致辞**。",
    "counts_for_attendance": "y",
}


@pytest.fixture
def event(make_event):
    return make_event(
        title=Translated({"en": "Labour migration workshop", "zh": "劳动力迁移研讨会"}),
        timezone="Asia/Shanghai",
        starts_at=OPENING,
        ends_at=OPENING + timedelta(days=2),
    )


@pytest.fixture
def organiser(app, event):
    client = app.test_client()
    login(client, event.organisers[0])
    return client


def reader(app, language: str):
    """A visitor whose browser asks for ``language``."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def heading(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)


def manage_url(event) -> str:
    return f"/manage/events/{event.slug}/agenda"


def edit_url(event, session) -> str:
    return f"{manage_url(event)}/{session.id}"


def session_url(event, session) -> str:
    return f"/events/{event.slug}/agenda/{session.id}"


def sessions_of(event) -> list[AgendaSession]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AgendaSession).where(AgendaSession.event_id == event.id)))


def stored(model, row):
    db.session.expire_all()
    return db.session.get(model, row.id)


# --- a session ------------------------------------------------------------------------------------


def test_an_organiser_writes_a_session_in_two_languages_and_each_reader_reads_theirs(app, event, organiser):
    response = submit(organiser, manage_url(event), SESSION_FORM)

    assert response.status_code == 302
    [added] = sessions_of(event)
    assert added.title.texts == {"en": "Opening", "zh": "开幕式"}
    assert added.description.texts == {"en": "Welcome by the **organisers**.", "zh": "主办方**致辞**。"}
    english = page(reader(app, "en"), session_url(event, added))
    assert heading(english) == "Opening"
    assert "Welcome by the <strong>organisers</strong>." in english and "主办方" not in english
    chinese = page(reader(app, "zh"), session_url(event, added))
    assert heading(chinese) == "开幕式"
    assert "主办方<strong>致辞</strong>。" in chinese and "Welcome by" not in chinese
    assert MARK not in english and MARK not in chinese


def test_a_session_written_in_english_only_is_shown_to_a_chinese_reader_with_the_mark(app, event, organiser):
    only_english = SESSION_FORM | {"title-zh": "", "description-zh": ""}
    submit(organiser, manage_url(event), only_english)
    [added] = sessions_of(event)

    chinese = page(reader(app, "zh"), session_url(event, added))

    assert '<span lang="en">Opening</span>' in heading(chinese) and MARK in heading(chinese)
    description = re.search(r'<div class="description"([^>]*)>(.*?)</div>', chinese, re.S)
    assert description.group(1) == ' lang="en"' and description.group(2).lstrip().startswith(f"<span {MARK}")
    assert "Welcome by the <strong>organisers</strong>." in description.group(2)
    assert MARK not in page(reader(app, "en"), session_url(event, added))


def test_the_edit_form_shows_each_language_in_its_box_and_keeps_a_change(app, event, organiser, make_session):
    session = make_session(event, title=Translated({"en": "Opening", "zh": "开幕式"}), start=OPENING)

    form = page(organiser, edit_url(event, session))
    assert 'name="title-en"' in form and 'value="Opening"' in form
    assert 'name="title-zh"' in form and 'value="开幕式"' in form and 'lang="zh"' in form

    submit(organiser, edit_url(event, session), SESSION_FORM | {"title-zh": "开幕"})
    assert stored(AgendaSession, session).title.texts == {"en": "Opening", "zh": "开幕"}


def test_a_session_without_a_title_in_any_language_is_refused_and_nothing_is_saved(app, event, organiser, make_session):
    html = submit(organiser, manage_url(event), SESSION_FORM | {"title-en": " ", "title-zh": ""}).get_data(as_text=True)
    assert "Write this in at least one language." in html
    assert 'value="Main hall"' in html  # what was typed stays
    assert sessions_of(event) == []

    session = make_session(event, title="Kept", start=OPENING)
    response = submit(organiser, edit_url(event, session), SESSION_FORM | {"title-en": "", "title-zh": ""})
    assert "Write this in at least one language." in response.get_data(as_text=True)
    assert stored(AgendaSession, session).title.texts == {"en": "Kept"}


def test_a_title_too_long_in_one_language_is_refused_and_nothing_is_saved(app, event, organiser, make_session):
    long_chinese = "开" * 301
    html = submit(organiser, manage_url(event), SESSION_FORM | {"title-zh": long_chinese}).get_data(as_text=True)
    assert "The Chinese text is longer than 300 characters." in html
    assert sessions_of(event) == []

    session = make_session(event, title="Kept", start=OPENING)
    html = submit(organiser, edit_url(event, session), SESSION_FORM | {"description-en": "x" * 20001}).get_data(
        as_text=True
    )
    assert "The English text is longer than 20000 characters." in html
    assert stored(AgendaSession, session).title.texts == {"en": "Kept"}


def test_a_participant_or_another_events_organiser_cannot_write_the_sessions(
    app, event, make_event, make_user, make_session
):
    session = make_session(event, title="Kept", start=OPENING)
    participant = make_user()
    make_registration(event, participant)
    other_organiser = make_event().organisers[0]
    for person in (participant, other_organiser):
        client = app.test_client()
        login(client, person)
        for url in (manage_url(event), edit_url(event, session)):
            response = submit(client, url, SESSION_FORM, form_url=f"/events/{event.slug}")  # a token of theirs
            assert response.status_code in (403, 404), (person.email, url, response.status_code)
    assert [s.title.texts for s in sessions_of(event)] == [{"en": "Kept"}]


# --- speakers ---------------------------------------------------------------------------------------


PROFILE = {
    "full_name": "Wang Fang",
    "native_name": "王芳",
    "title-en": "Director",
    "title-zh": "司长",
    "affiliation-en": "Ministry of Human Resources and Social Security",
    "affiliation-zh": "人力资源和社会保障部",
    "biography-en": "Works on **labour inspection**.",
    "biography-zh": "从事**劳动监察**工作。",
    "email": "wang.fang@example.cn",
}


def speaker_url(event, speaker) -> str:
    return f"/events/{event.slug}/speakers/{speaker.id}"


def test_a_speakers_position_affiliation_and_biography_are_read_in_each_language(app, event, organiser):
    response = submit(organiser, f"/manage/events/{event.slug}/speakers", PROFILE)
    assert response.status_code == 302
    speaker = db.session.scalars(db.select(Speaker).where(Speaker.event_id == event.id)).one()
    assert (speaker.title.texts, speaker.biography.texts) == (
        {"en": "Director", "zh": "司长"},
        {"en": "Works on **labour inspection**.", "zh": "从事**劳动监察**工作。"},
    )

    english = page(reader(app, "en"), speaker_url(event, speaker))
    assert "Director" in english and "Ministry of Human Resources" in english
    assert "Works on <strong>labour inspection</strong>." in english and "劳动监察" not in english
    chinese = page(reader(app, "zh"), speaker_url(event, speaker))
    assert "司长" in chinese and "人力资源和社会保障部" in chinese and "Director" not in chinese
    assert "从事<strong>劳动监察</strong>工作。" in chinese and "labour inspection" not in chinese
    assert MARK not in english and MARK not in chinese
    assert "司长" in page(reader(app, "zh"), f"/events/{event.slug}/speakers")


def test_a_biography_in_one_language_is_shown_to_the_other_reader_with_the_mark(app, event, make_user, make_speaker):
    person = make_user(full_name="Wang Fang")
    speaker = make_speaker(event, user=person)
    own = app.test_client()
    login(own, person)
    own_url = f"/account/speaker-profiles/{speaker.id}"

    response = submit(own, own_url, {"full_name": "Wang Fang", "biography-zh": "从事劳动监察工作。"})

    assert response.status_code == 302
    assert stored(Speaker, speaker).biography.texts == {"zh": "从事劳动监察工作。"}
    english = page(reader(app, "en"), speaker_url(event, speaker))
    biography = re.search(r'<div class="description mb-4" data-testid="biography"([^>]*)>(.*?)</div>', english, re.S)
    assert (
        biography.group(1) == ' lang="zh"' and MARK in biography.group(2) and "从事劳动监察工作。" in biography.group(2)
    )
    assert MARK not in page(reader(app, "zh"), speaker_url(event, speaker))


def test_a_biography_too_long_in_one_language_is_refused_and_nothing_is_saved(app, event, organiser, make_speaker):
    speaker = make_speaker(event, biography="Kept.")
    response = submit(
        organiser, f"/manage/events/{event.slug}/speakers/{speaker.id}", PROFILE | {"biography-zh": "长" * 20001}
    )
    assert "The Chinese text is longer than 20000 characters." in response.get_data(as_text=True)
    assert stored(Speaker, speaker).biography.texts == {"en": "Kept."}


def test_another_events_organiser_cannot_write_a_speakers_biography(app, event, make_event, make_speaker):
    speaker = make_speaker(event, biography="Kept.")
    stranger = app.test_client()
    login(stranger, make_event().organisers[0])
    url = f"/manage/events/{event.slug}/speakers/{speaker.id}"
    response = submit(stranger, url, PROFILE, form_url=f"/events/{event.slug}")
    assert response.status_code in (403, 404)
    assert stored(Speaker, speaker).biography.texts == {"en": "Kept."}


# --- materials --------------------------------------------------------------------------------------


def test_a_material_titled_in_two_languages_is_listed_in_each_readers(app, event, organiser):
    data = {
        "title-en": "Programme",
        "title-zh": "议程",
        "description-en": "The final version.",
        "visibility": "public",
        "session_id": "",
        "url": "https://example.org/programme",
    }
    response = submit(organiser, f"/manage/events/{event.slug}/materials", data, content_type="multipart/form-data")
    assert response.status_code == 302
    material = db.session.scalars(db.select(Material)).one()
    assert (material.title.texts, material.description.texts) == (
        {"en": "Programme", "zh": "议程"},
        {"en": "The final version."},
    )
    url = f"/events/{event.slug}/materials"
    english, chinese = page(reader(app, "en"), url), page(reader(app, "zh"), url)
    assert "Programme" in english and "议程" not in english and MARK not in english
    assert "议程" in chinese and '<span lang="en">The final version.</span>' in chinese and MARK in chinese

    edit = f"/events/{event.slug}/materials/{material.id}/edit"
    assert 'value="议程"' in page(organiser, edit)
    response = submit(organiser, edit, {"title-en": "", "title-zh": "", "visibility": "public", "url": data["url"]})
    assert "Give the material a title." in response.get_data(as_text=True)
    assert stored(Material, material).title.texts == {"en": "Programme", "zh": "议程"}


# --- calendars and the programme --------------------------------------------------------------------


@pytest.fixture
def bilingual_agenda(event, make_session):
    make_session(event, title=Translated({"en": "Opening", "zh": "开幕式"}), start=OPENING)
    make_session(event, title="Coffee break", start=OPENING + timedelta(hours=2), minutes=30)
    return event


def summaries(body: bytes) -> list[str]:
    return [str(vevent["SUMMARY"]) for vevent in icalendar.Calendar.from_ical(body).walk("VEVENT")]


def test_the_agenda_calendar_is_in_the_readers_language_falling_back_to_the_other(app, bilingual_agenda):
    url = f"/events/{bilingual_agenda.slug}/agenda.ics"

    english = reader(app, "en").get(url)
    assert summaries(english.get_data()) == ["Opening", "Coffee break"]
    assert b"SUMMARY:Opening\r\n" in english.get_data()
    chinese = reader(app, "zh").get(url, headers={"If-None-Match": english.headers["ETag"]})
    assert chinese.status_code == 200  # a copy kept in English is not the Chinese reader's
    assert summaries(chinese.get_data()) == ["开幕式", "Coffee break"]


def test_a_signed_in_chinese_reader_gets_the_session_calendar_in_chinese(app, bilingual_agenda, make_user):
    opening = next(s for s in sessions_of(bilingual_agenda) if s.title.get("zh"))
    client = app.test_client()
    login(client, make_user(locale="zh"))

    body = client.get(f"/events/{bilingual_agenda.slug}/agenda/{opening.id}.ics").get_data()

    assert summaries(body) == ["开幕式"]
    assert summaries(reader(app, "en").get(f"/events/{bilingual_agenda.slug}/agenda/{opening.id}.ics").get_data()) == [
        "Opening"
    ]


def test_the_personal_feed_is_in_its_owners_language_whoever_fetches_it(app, bilingual_agenda, make_user):
    person = make_user(locale="zh")
    make_registration(bilingual_agenda, person)
    client = app.test_client()
    login(client, person)
    submit(client, "/account/calendar", {"action": "create"})
    token = re.search(r"/calendar/([\w-]+)\.ics", page(client, "/account/calendar")).group(1)

    body = reader(app, "en").get(f"/calendar/{token}.ics").get_data()

    assert summaries(body) == ["开幕式", "Coffee break"]


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_the_programme_is_in_the_readers_language_falling_back_to_the_other(app, bilingual_agenda):
    url = f"/events/{bilingual_agenda.slug}/programme.pdf"

    english = pdf_text(reader(app, "en").get(url).get_data())
    chinese = pdf_text(reader(app, "zh").get(url).get_data())

    assert "Opening" in english and "开幕式" not in english and "Coffee break" in english
    assert "开幕式" in chinese and "Opening" not in chinese and "Coffee break" in chinese


def test_the_agenda_page_is_kept_apart_for_each_language(app, bilingual_agenda):
    url = f"/events/{bilingual_agenda.slug}/agenda"

    english = page(reader(app, "en"), url)
    chinese = page(reader(app, "zh"), url)  # after the English one was made and kept

    assert "Opening" in english and "开幕式" not in english
    assert "开幕式" in chinese and ">Opening<" not in chinese
    assert '<span lang="en">Coffee break</span>' in chinese and MARK in chinese
