"""The certificate as a PDF: A4 landscape; the names in both scripts, the event, the figures and the
code can be extracted as text (Chinese too, in the shipped CJK font or a configured one, embedded); the QR
code, decoded by a real decoder (zxing-cpp), holds the address of the verification page. A thousand
of them are drawn in about a second (``make bench``): the QR code by zxing-cpp's writer, the PDF's
streams without ASCII85, the registrations read in one query."""

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import zxingcpp
from pypdf import PdfReader
from reportlab import rl_config
from sqlalchemy import event as sa_event

from workshop.attendance import recording
from workshop.attendance.models import CertificateRule, Method
from workshop.certificates import pdf, services
from workshop.events.models import Event
from workshop.extensions import db
from workshop.pdf import fonts
from workshop.pdf.qr import QR_MASK, fast_qr_operators

from .conftest import login, make_registration
from .qr_codes import decoded, drawn_qr

SHIPPED_CJK = Path(fonts.__file__).parent / "fonts" / "WenQuanYiMicroHei.ttf"


@pytest.fixture
def issued(make_event, make_session, make_user):
    """A certificate of Wang Fang (王芳), who uses the site in Chinese, at a workshop in Beijing."""
    event = make_event(
        title="Skills for Green Jobs",
        timezone="Asia/Shanghai",
        venue="Friendship Hotel",
        city="Beijing",
        country="CN",
        partners=["International Labour Organization"],
    )
    sessions = [
        make_session(event, f"Session {n}", start=event.starts_at + timedelta(hours=2 * n), minutes=90)
        for n in range(3)
    ]
    db.session.add(CertificateRule(event_id=event.id, min_percent=60))
    db.session.commit()
    registration = make_registration(event, make_user(full_name="Wang Fang", native_name="王芳", locale="zh"))
    for session in sessions[:2]:
        recording.mark_present(event, registration, session, Method.ROSTER, event.organisers[0])
    return services.issue(event.organisers[0], event, registration.id, before_the_end=True)


def rendered(certificate) -> PdfReader:
    [sheet] = pdf.sheets_for([certificate])
    return PdfReader(io.BytesIO(pdf.render_certificate(sheet)))


def test_the_certificate_is_a_landscape_a4_page_with_names_event_figures_and_code(app, issued):
    reader = rendered(issued)

    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    text = page.extract_text()
    for expected in (
        "CERTIFICATE OF ATTENDANCE",
        "Wang Fang",
        "王芳",
        "Skills for Green Jobs",
        "Friendship Hotel, Beijing, China",
        "International Labour Organization",
        "present at 2 of 3 sessions, 3 hours in all",
        issued.code_for_reading,
    ):
        assert expected in text, expected


def test_a_participant_who_reads_chinese_gets_the_certificate_in_english_and_chinese(app, issued):
    assert issued.bilingual

    text = rendered(issued).pages[0].extract_text()

    assert "出席证明" in text and "兹证明" in text and "北京" not in text  # the wording, not a translation of the venue
    assert "中国" in text  # the country, named in Chinese


def font_names(page) -> set[str]:
    return {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}


def test_without_a_font_file_chinese_is_in_the_shipped_font_embedded(app, issued):
    page = rendered(issued).pages[0]

    names = font_names(page)
    assert "/AAAAAA+WenQuanYiMicroHei" in names and "/AAAAAA+NotoSans-Bold" in names
    assert not {"/STSong-Light", "/Helvetica", "/Helvetica-Bold"} & names


def test_with_a_truetype_font_configured_chinese_is_embedded_and_extractable(app, issued):
    app.config["CJK_FONT_PATH"] = str(SHIPPED_CJK)  # the same file, configured: registered under a name of its own
    assert fonts.cjk_font().startswith("CJK-")

    reader = rendered(issued)

    assert "王芳" in reader.pages[0].extract_text()
    assert "/STSong-Light" not in font_names(reader.pages[0])


def test_the_qr_code_decodes_to_the_verification_page(app, issued, client):
    app.config["PUBLIC_URL"] = "https://workshops.example.org"
    page = rendered(issued).pages[0]

    code = decoded(drawn_qr(page))

    assert code.format == zxingcpp.BarcodeFormat.QRCode
    assert code.text == f"https://workshops.example.org/certificates/verify/{issued.code}"
    path = re.sub(r"^https?://[^/]+", "", code.text)
    assert client.get(path).status_code == 200


def test_many_certificates_render_into_one_pdf_sharing_the_events_drawing(app, issued, make_user):
    event = issued.registration.event
    others = [make_registration(event, make_user(full_name=f"Person {n}")) for n in range(4)]
    certificates = [issued] + [
        services.issue(event.organisers[0], event, r.id, "exception", before_the_end=True) for r in others
    ]

    reader = PdfReader(io.BytesIO(pdf.render_certificates(pdf.sheets_for(certificates))))

    assert len(reader.pages) == 5
    assert [f"Person {n}" in reader.pages[n + 1].extract_text() for n in range(4)] == [True] * 4
    shared = {str(list(p["/Resources"]["/XObject"].keys())) for p in reader.pages}
    assert len(shared) == 2  # the bilingual page and the English ones each place their own drawing


def test_the_qr_code_keeps_error_correction_m_and_the_fixed_mask(app, issued):
    code = decoded(drawn_qr(rendered(issued).pages[0]))

    assert code.ec_level == "M"  # a scratched or folded certificate still scans
    assert code.extra["DataMask"] == QR_MASK


@pytest.mark.parametrize("error", ["l", "m", "q", "h"])
def test_qr_codes_of_any_length_decode_at_every_error_correction_level(error):
    for text in ("A", "https://workshops.example.org/certificates/verify/3F9A0C1B77D2E845B0A6", "王芳 " + "x" * 300):
        operators, count = fast_qr_operators(text, error)
        runs = [tuple(int(n) for n in line.split()[:3]) for line in operators.splitlines()]
        matrix = [[0] * count for _ in range(count)]
        for column, row, width in runs:
            assert column + width <= count  # no run spills into the next row
            matrix[row][column : column + width] = [1] * width

        code = decoded(matrix, scale=4)

        assert (code.text, code.ec_level) == (text, error.upper())


def test_every_pdf_in_the_zip_is_one_certificate_with_its_own_qr_code(app, issued, make_user):
    app.config["PUBLIC_URL"] = "https://workshops.example.org"
    event = issued.registration.event
    others = [
        services.issue(
            event.organisers[0],
            event,
            make_registration(event, make_user(full_name=f"Person {n}")).id,
            "exception",
            before_the_end=True,
        )
        for n in range(2)
    ]
    certificates = [issued, *others]

    with zipfile.ZipFile(io.BytesIO(pdf.zip_of(pdf.sheets_for(certificates)))) as archive:
        readers = {name: PdfReader(io.BytesIO(archive.read(name))) for name in archive.namelist()}

    assert len(readers) == 3
    for certificate in certificates:
        [reader] = [reader for name, reader in readers.items() if certificate.code[:8] in name]
        [page] = reader.pages
        assert certificate.holder_name in page.extract_text() and "CERTIFICATE OF ATTENDANCE" in page.extract_text()
        assert decoded(drawn_qr(page)).text == f"https://workshops.example.org/certificates/verify/{certificate.code}"


def test_pdf_streams_are_compressed_without_ascii85_and_other_pdfs_are_left_alone(app, issued):
    [sheet] = pdf.sheets_for([issued])

    data = pdf.render_certificate(sheet)

    assert b"/FlateDecode" in data and b"/ASCII85Decode" not in data
    assert rl_config.useA85  # ReportLab's default, for every other PDF of the application


def count_queries(action) -> int:
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_the_pdf_of_all_certificates_takes_as_many_queries_for_many_as_for_few(app, issued, make_user, client):
    event_id, slug = issued.registration.event_id, issued.registration.event.slug
    login(client, issued.registration.event.organisers[0])

    def pages() -> int:
        db.session.remove()  # as in a new request: nothing loaded yet
        response = client.get(f"/manage/events/{slug}/certificates.pdf")
        assert response.status_code == 200
        return len(PdfReader(io.BytesIO(response.data)).pages)

    few = count_queries(pages)
    event = db.session.get(Event, event_id)
    for n in range(6):
        services.issue(
            event.organisers[0],
            event,
            make_registration(event, make_user(full_name=f"Person {n}")).id,
            "exception",
            before_the_end=True,
        )
    many = count_queries(pages)

    assert many == few
    assert pages() == 7
