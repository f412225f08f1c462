"""Names in every script a participant may write, in every kind of PDF: badges, certificates, the visa
letter, the programme and the workshop report. Each PDF embeds every font it uses (pypdf reads the
font files; poppler's pdffonts and MuPDF agree where they are installed), says its title, author,
subject and language, renders in poppler, and gives the names back as text. Bad input (mixed scripts,
Arabic inside a Latin line, emoji and characters beyond the Basic Multilingual Plane, a name of 200
characters) renders, extracts and stays inside its box."""

import io
import os
import shutil
import subprocess
import tempfile
import unicodedata

import pytest
from pypdf import PdfReader

from workshop.agenda.models import AgendaSession, SpeakerRole
from workshop.attendance import recording
from workshop.attendance.models import CertificateRule, Method
from workshop.certificates import pdf as certificate_pdf
from workshop.certificates import services as certificates
from workshop.extensions import db
from workshop.letterhead.models import Letterhead
from workshop.pdf import fitting, fonts
from workshop.reports.pdf import render_report

from .conftest import login, make_registration
from .test_letters import enter, letter_of, organiser_post, with_visa

NAMES = {
    "Vietnamese": "Nguyễn Thị Lan",
    "Chinese": "王芳",
    "Japanese": "山田はなこ ヤマダ",
    "Korean": "김민준",
    "Thai": "สมชาย ใจดี",
    "Khmer": "សុខ ចាន់",
    "Lao": "ສົມພອນ ແກ້ວ",
    "Myanmar": "အောင်ဆန်း",
    "Bengali": "রহিম উদ্দিন",
    "Devanagari": "अमित शर्मा",
    "Arabic": "محمد علي",
    "Mongolian Cyrillic": "Өлзийбаяр Сүхбаатар",
    "Greek": "Γιώργος Παπαδόπουλος",
}
LONG = {  # 200 characters each
    "Latin": ("Maria Fernanda Guadalupe de los Ángeles " * 6)[:200],
    "Chinese": ("欧阳明月司马长风诸葛清扬" * 20)[:200],
    "Thai": ("สมชายใจดีมีสุขสวัสดิ์" * 12)[:200],
    "Vietnamese": ("Nguyễn Thị Phương Thảo " * 10)[:200],
    "Arabic": ("عبد الرحمن بن محمد " * 12)[:200],
}
EMOJI = "Lan 😀👍🏽 Nguyễn"  # two emoji, the second with a skin tone
BEYOND_BMP = "𠮷田 Yoshida"  # U+20BB7: no shipped font has it
RTL_IN_LTR = "Dr. محمد علي (Cairo)"
MIXED = "Wang Fang 王芳 · Ivanov Иван · สมชาย"

ORGANISATION = "International Labour Organization"
POPPLER = all(shutil.which(tool) for tool in ("pdffonts", "pdftoppm", "pdftotext"))
MUPDF = shutil.which("mutool") is not None
needs_poppler = pytest.mark.skipif(
    not POPPLER and not os.environ.get("CI"), reason="needs poppler-utils (pdftotext -bbox); CI installs it"
)


def flat(text: str) -> str:
    """Spaces and line breaks made single spaces; Arabic presentation forms (letters joined as written)
    made the letters again."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).split())


def squeezed(text: str) -> str:
    """Without any space: pypdf moves a space at the edge of right-to-left text to its other side."""
    return "".join(flat(text).split())


def text_of(data: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def fonts_of(resources, seen=None) -> dict[str, dict]:
    """Every font a page uses, by its /BaseFont, forms' fonts too."""
    seen = {} if seen is None else seen
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        seen[str(font["/BaseFont"])] = font
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            fonts_of(xobject["/Resources"], seen)
    return seen


def not_embedded(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    used: dict[str, dict] = {}
    for page in reader.pages:
        fonts_of(page.get("/Resources"), used)
    assert used, "the PDF uses no font"
    missing = []
    for name, font in used.items():
        descriptor_of = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descriptor_of.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor is not None else {}
        if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            missing.append(name)
    return missing


def check_pdf(data: bytes, title: str, author: str, subject: str, lang: str) -> str:
    """The checks every PDF passes; answers its text."""
    assert not_embedded(data) == []
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == title
    assert reader.metadata.author == author
    assert reader.metadata.subject == subject
    assert str(reader.trailer["/Root"]["/Lang"]) == lang
    poppler_agrees(data)
    mupdf_agrees(data)
    return text_of(data)


def poppler_agrees(data: bytes) -> None:
    """pdffonts says "yes" in the column emb for every font, and pdftoppm draws the first page without
    a complaint (not checked where poppler-utils is not installed, except in CI, which installs it)."""
    if not POPPLER and not os.environ.get("CI"):
        return
    listing = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()
    rows = listing.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), listing
    drawn = subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-png"], input=data, capture_output=True)
    assert drawn.returncode == 0 and drawn.stdout.startswith(b"\x89PNG")
    assert b"font" not in drawn.stderr.lower(), drawn.stderr


def mupdf_agrees(data: bytes) -> None:
    """MuPDF draws the first page without a complaint about a font (not checked where mupdf-tools is not
    installed, except in CI, which installs it)."""
    if not MUPDF and not os.environ.get("CI"):
        return
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        drawn = subprocess.run(
            ["mutool", "draw", "-q", "-r", "30", "-F", "png", "-o", "/dev/null", file.name, "1"], capture_output=True
        )
    assert drawn.returncode == 0, drawn.stderr
    assert b"font" not in drawn.stderr.lower(), drawn.stderr


def words_outside(data: bytes, left: float, right: float) -> list[str]:
    """The words that poppler finds outside ``left``..``right`` (points) on any page."""
    html = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True).stdout
    outside = []
    for line in html.decode().splitlines():
        if "<word " not in line:
            continue
        x_min = float(line.split('xMin="')[1].split('"')[0])
        x_max = float(line.split('xMax="')[1].split('"')[0])
        if x_min < left - 0.5 or x_max > right + 0.5:
            outside.append(line)
    return outside


# --- each kind of PDF -------------------------------------------------------------------------


EVENT = {"title": "Skills for Green Jobs 绿色就业技能", "timezone": "Asia/Shanghai", "city": "Bangkok", "country": "TH"}


@pytest.fixture
def event(make_event, make_session):
    event = make_event(partners=[ORGANISATION], **EVENT)
    make_session(event, title="Opening plenary")
    db.session.add(CertificateRule(event_id=event.id, min_percent=50))
    db.session.commit()
    return event


def people(make_user, event, names: dict[str, str]) -> list:
    """A confirmed participant, present at the session and listed in the report, for each name."""
    registrations = []
    for n, name in enumerate(names.values()):
        registration = make_registration(event, make_user(full_name=f"Participant {n}", native_name=name))
        registration.listed_publicly = True
        registrations.append(registration)
    db.session.commit()
    session = db.session.scalar(db.select(AgendaSession).where(AgendaSession.event_id == event.id))
    for registration in registrations:
        recording.mark_present(event, registration, session, Method.ROSTER, event.organisers[0])
    return registrations


@pytest.fixture
def organiser(app, event):
    client = app.test_client()
    login(client, event.organisers[0])
    return client


def badges(organiser, event, layout="a6") -> bytes:
    response = organiser.get(f"/manage/events/{event.slug}/badges.pdf?layout={layout}")
    assert response.status_code == 200, response.status_code
    return response.get_data()


def certificate_of(event, registration) -> bytes:
    certificate = certificates.issue(event.organisers[0], event, registration.id, before_the_end=True)
    [sheet] = certificate_pdf.sheets_for([certificate])
    return certificate_pdf.render_certificate(sheet)


def report(app, event, language="en") -> bytes:
    with app.test_request_context("/", headers={"Accept-Language": language}):
        return render_report(db.session.get(type(event), event.id))


def programme(app, event) -> bytes:
    response = app.test_client().get(f"/events/{event.slug}/programme.pdf")
    assert response.status_code == 200, response.status_code
    return response.get_data()


def test_badges_print_names_in_every_script_embedded(organiser, event, make_user):
    people(make_user, event, NAMES)

    for layout in ("a6", "a4"):
        text = check_pdf(badges(organiser, event, layout), f"Badges: {event.title}", ORGANISATION, "Badges", "en")

        for script, name in NAMES.items():
            assert flat(name) in text, script


def test_certificates_print_names_in_every_script_embedded(app, event, make_user):
    for registration, (script, name) in zip(people(make_user, event, NAMES), NAMES.items(), strict=True):
        data = certificate_of(event, registration)

        text = check_pdf(
            data,
            f"Certificate of attendance: {registration.full_name}",
            ORGANISATION,
            "Certificate of attendance",
            "en",
        )
        assert flat(name) in text, script


def test_the_certificate_reads_from_top_to_bottom(app, event, make_user):
    [registration] = people(make_user, event, {"Chinese": "王芳"})

    text = text_of(certificate_of(event, registration))

    order = [ORGANISATION, "CERTIFICATE OF ATTENDANCE", "This is to certify that", "Participant 0", "王芳"]
    order += ["attended", "Skills for Green Jobs", "present at"]
    positions = [text.index(line) for line in order]
    assert positions == sorted(positions), text


def test_the_programme_prints_speakers_in_every_script_embedded(app, event, make_session, make_speaker):
    session = make_session(event, title="Opening plenary")
    for n, name in enumerate(NAMES.values()):
        make_speaker(event, full_name=f"Speaker {n}", native_name=name, sessions=[session], role=SpeakerRole.SPEAKER)

    text = check_pdf(programme(app, event), event.title, ORGANISATION, "Programme", "en")

    for script, name in NAMES.items():
        assert flat(name) in text, script


def test_the_report_lists_participants_in_every_script_embedded_in_reading_order(app, event, make_user):
    people(make_user, event, NAMES)

    text = check_pdf(report(app, event), event.title, ORGANISATION, "Workshop report", "en")

    for script, name in NAMES.items():
        assert flat(name) in text, script
    order = [event.title, "Contents", "Agenda", "List of participants", "Participant 0", NAMES["Vietnamese"]]
    positions = [text.index(flat(line)) for line in order]
    assert positions == sorted(positions)


def test_the_report_in_chinese_says_so_in_its_language(app, event, make_user):
    people(make_user, event, {"Thai": NAMES["Thai"]})

    data = report(app, event, "zh")

    assert str(PdfReader(io.BytesIO(data)).trailer["/Root"]["/Lang"]) == "zh"
    assert NAMES["Thai"] in text_of(data)


@pytest.fixture
def approved_letter(app, organiser, event, make_user):
    """A letter approved for a participant with ``native_name``, downloaded by the organiser."""
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"  # each participant logs in to ask for their letter

    def approve(native_name: str, organisation: str = "Ministry of Labour") -> bytes:
        registration = make_registration(event, make_user(full_name="Li Wei", native_name=native_name))
        registration.organisation = organisation
        with_visa(registration)
        enter(app, registration)
        client = organiser
        organiser_post(client, event, f"/{letter_of(registration).id}/approve")
        response = client.get(f"/visa-letters/{letter_of(registration).id}.pdf")
        assert response.status_code == 200, response.status_code
        return response.get_data()

    return approve


def test_the_visa_letter_prints_names_in_every_script_embedded(app, event, approved_letter):
    db.session.add(Letterhead(event_id=event.id, issuers="Ministry of Labour of Thailand"))
    db.session.commit()
    for script, name in NAMES.items():
        data = approved_letter(name)

        text = check_pdf(data, title_of(data), "Ministry of Labour of Thailand", "Letter of invitation", "en")
        assert title_of(data).startswith("Letter of invitation ")
        assert flat(name) in text, script


def title_of(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).metadata.title


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [EMOJI, BEYOND_BMP, RTL_IN_LTR, MIXED], ids=["emoji", "beyond-bmp", "rtl", "mixed"])
def test_names_with_emoji_rare_characters_and_mixed_scripts_render_and_extract(app, organiser, event, make_user, name):
    [registration] = people(make_user, event, {"bad": name})
    shown = fonts.visible(name)

    for data in (badges(organiser, event), certificate_of(event, registration), report(app, event)):
        assert not_embedded(data) == []
        assert squeezed(shown) in squeezed(text_of(data))
        poppler_agrees(data)


def test_a_character_without_a_font_becomes_one_visible_placeholder():
    assert fonts.visible(EMOJI) == "Lan \ufffd\ufffd Nguyễn"  # 👍🏽 is one placeholder, not two
    assert fonts.visible(BEYOND_BMP) == "\ufffd田 Yoshida"
    assert fonts.visible("👨\u200d👩\u200d👧 family") == "\ufffd family"  # emoji joined into one: one placeholder
    assert fonts.visible(RTL_IN_LTR) == RTL_IN_LTR  # as written: copied out in the order it was typed
    latin, cjk = fonts.register_fonts()[:2]
    assert [(run, face) for run, face in fonts.runs("Wang 王芳 (Chair) · 3")] == [
        ("Wang ", latin),
        ("王芳 ", cjk),
        ("(Chair) · 3", latin),  # Latin runs in a Chinese line in the Latin font, "·" drawn
    ]


@pytest.mark.parametrize("script", LONG)
def test_a_name_of_200_characters_is_fitted_smaller_then_on_more_lines(script):
    name = LONG[script]
    assert len(name) == 200

    fitted = fitting.fit(name, 500, 28, 10, lines=3, bold=True)

    assert 10 <= fitted.size < 28 and 1 <= len(fitted.lines) <= 3
    assert all(fonts.string_width(line, fitted.size, True) <= 500 for line in fitted.lines)
    assert "".join(fitted.lines).replace(" ", "").startswith(name[:20].replace(" ", ""))


@needs_poppler
def test_long_names_stay_inside_the_certificate_and_the_badges(organiser, event, make_user):
    registrations = people(make_user, event, LONG)

    for registration in registrations:
        data = certificate_of(event, registration)
        assert words_outside(data, 12.5 * 72 / 25.4, (297 - 12.5) * 72 / 25.4) == []
        assert squeezed(registration.native_name)[:12] in squeezed(text_of(data))
    a6 = badges(organiser, event, "a6")
    assert words_outside(a6, 0, 105 * 72 / 25.4) == []
    a4 = badges(organiser, event, "a4")
    assert words_outside(a4, 10 * 72 / 25.4, 200 * 72 / 25.4) == []
    for name in LONG.values():
        assert squeezed(name)[:12] in squeezed(text_of(a6))


@needs_poppler
def test_long_names_wrap_inside_the_reports_table(app, event, make_user):
    people(make_user, event, LONG)

    data = report(app, event)

    assert words_outside(data, 18 * 72 / 25.4 - 1, (210 - 18) * 72 / 25.4 + 1) == []
    for name in LONG.values():
        assert squeezed(name)[:40] in squeezed(text_of(data))  # wrapped, never shortened
