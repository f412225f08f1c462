"""Materials: organisers and speakers upload files and links, everyone downloads what they may see
(one by one, old versions too, or all at once as a ZIP), and bad files change nothing."""

import hashlib
import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import render_template_string
from flask_login import login_user, logout_user
from PIL import Image

from workshop.events.models import EventStatus
from workshop.extensions import db
from workshop.materials.models import Material, MaterialVersion, Visibility
from workshop.registration.states import State

from .conftest import login, make_registration, submit

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML_PAGE = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_WITH_SCRIPT = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def titled(title: str) -> Material:
    """The material with ``title`` (in English): titles are kept in every language, as JSON."""
    return next(m for m in db.session.scalars(db.select(Material)) if m.title.get("en") == title)


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def docx_bytes(text: str = "Labour inspection") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>',
        )
    return out.getvalue()


def pdf_of(size: int) -> bytes:
    return PDF + b"%" + b"x" * max(0, size - len(PDF) - 2) + b"\n"


@pytest.fixture(autouse=True)
def uploads(app) -> Path:
    """The upload directory (UPLOAD_DIR, under the test's own folder)."""
    folder = Path(app.config["UPLOAD_DIR"])
    folder.mkdir(exist_ok=True)
    return folder


def stored(uploads: Path) -> list[str]:
    return sorted(p.name for p in uploads.iterdir())


def counts() -> tuple[int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(db.select(db.func.count()).select_from(Material)),
        db.session.scalar(db.select(db.func.count()).select_from(MaterialVersion)),
    )


def client_of(app, user):
    client = app.test_client()
    login(client, user)
    return client


def manage_url(event) -> str:
    return f"/manage/events/{event.slug}/materials"


def session_upload_url(event, session) -> str:
    return f"/events/{event.slug}/agenda/{session.id}/materials/new"


def add_material(
    client,
    event,
    title="Slides",
    file=(PDF, "slides.pdf"),
    visibility="participants",
    session=None,
    url="",
    description="",
):
    data = {
        "title": title,
        "description": description,
        "visibility": visibility,
        "session_id": str(session.id) if session else "",
        "url": url,
    }
    if file is not None:
        data["file"] = (io.BytesIO(file[0]), file[1])
    return submit(client, manage_url(event), data, content_type="multipart/form-data")


def upload_to_session(
    client, event, session, title="My slides", file=(PDF, "slides.pdf"), visibility="participants", url=""
):
    data = {"title": title, "visibility": visibility, "url": url}
    if file is not None:
        data["file"] = (io.BytesIO(file[0]), file[1])
    return submit(client, session_upload_url(event, session), data, content_type="multipart/form-data")


def only_material() -> Material:
    db.session.expire_all()
    return db.session.scalars(db.select(Material)).one()


def fetched(response):
    """The response with its body read and the file behind it closed."""
    response.get_data()
    response.close()
    return response


def download(client, material, version=None):
    url = f"/materials/{material.id}/download" + (f"?version={version}" if version is not None else "")
    return fetched(client.get(url))


@pytest.fixture
def world(app, make_user, make_event, make_session, make_speaker):
    """An event with an organiser, two sessions, a speaker in the first, a confirmed participant,
    a visitor with a pending registration, and someone confirmed at another event."""

    class World:
        organiser = make_user(full_name="Olga Organiser", can_create_events=True)
        event = make_event(organiser=organiser, title="Labour inspection workshop")
        first = make_session(event, title="Opening plenary")
        second = make_session(event, title="Inspection tools", start=event.starts_at + timedelta(hours=2))
        speaker_user = make_user(full_name="Wang Fang")
        speaker = make_speaker(event, sessions=[first], user=speaker_user)
        participant = make_user(full_name="Li Wei")
        pending = make_user(full_name="Pending Person")
        elsewhere = make_user(full_name="Other Event Person")
        other_event = make_event(title="Another workshop")

    make_registration(World.event, World.participant)
    make_registration(World.event, World.pending, state=State.PENDING)
    make_registration(World.other_event, World.elsewhere)
    return World


# --- adding files and links ---------------------------------------------------------------


def test_an_organiser_uploads_a_pdf_and_a_participant_downloads_it_as_an_attachment(app, world, uploads):
    organiser = client_of(app, world.organiser)
    response = add_material(organiser, world.event, title="Programme and logistics", file=(PDF, "programme.pdf"))
    assert response.status_code == 302

    material = only_material()
    version = material.current
    assert (material.title, material.visibility, material.session_id, material.created_by_id) == (
        "Programme and logistics",
        Visibility.PARTICIPANTS,
        None,
        world.organiser.id,
    )
    assert (version.number, version.filename, version.content_type, version.size) == (
        1,
        "programme.pdf",
        "application/pdf",
        len(PDF),
    )
    assert version.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored(uploads) == [version.storage_key]  # a random name, not the uploader's
    assert re.fullmatch(r"[0-9a-f]{32}", version.storage_key)
    assert (uploads / version.storage_key).read_bytes() == PDF

    response = download(client_of(app, world.participant), material)
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=programme.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in response.headers["Cache-Control"]


def test_a_chinese_file_name_survives_the_download(app, world):
    organiser = client_of(app, world.organiser)
    add_material(organiser, world.event, title="讲义", file=(PDF, "劳动监察 讲义.pdf"))
    material = only_material()
    assert material.current.filename == "劳动监察 讲义.pdf"

    response = download(organiser, material)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename=material-{material.id}.pdf" in disposition  # for browsers that only read the plain name
    assert "filename*=UTF-8''%E5%8A%B3%E5%8A%A8%E7%9B%91%E5%AF%9F%20%E8%AE%B2%E4%B9%89.pdf" in disposition


def test_documents_spreadsheets_and_images_are_accepted_with_their_real_type(app, world):
    organiser = client_of(app, world.organiser)
    add_material(organiser, world.event, title="Report", file=(docx_bytes(), "report.docx"))
    add_material(organiser, world.event, title="Group photo", file=(png_bytes(), "photo.PNG"))

    types = dict(db.session.execute(db.select(MaterialVersion.filename, MaterialVersion.content_type)).all())
    assert types == {
        "report.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "photo.PNG": "image/png",
    }
    material = titled("Group photo")
    response = download(organiser, material)
    assert (response.headers["Content-Type"], response.data) == ("image/png", png_bytes())
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_an_organiser_adds_a_link_for_a_session(app, world, uploads):
    organiser = client_of(app, world.organiser)
    response = add_material(
        organiser,
        world.event,
        title="Recording",
        file=None,
        url="https://video.example.org/watch?v=42",
        session=world.second,
        visibility="public",
    )
    assert response.status_code == 302
    material = only_material()
    assert (material.url, material.session_id, material.versions, material.visibility) == (
        "https://video.example.org/watch?v=42",
        world.second.id,
        [],
        Visibility.PUBLIC,
    )
    assert stored(uploads) == []

    page = app.test_client().get(f"/events/{world.event.slug}/materials").get_data(as_text=True)
    assert 'href="https://video.example.org/watch?v=42"' in page and "Inspection tools" in page
    assert download(app.test_client(), material).headers["Location"] == "https://video.example.org/watch?v=42"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.org/a.pdf",
        "//example.org/x",
        "https://",
        "https://exa mple.org/",
    ],
)
def test_a_link_that_is_not_a_web_address_is_refused(app, world, url):
    organiser = client_of(app, world.organiser)
    response = add_material(organiser, world.event, title="Sneaky link", file=None, url=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "starts with https://" in page or "no spaces" in page
    assert 'value="Sneaky link"' in page
    assert counts() == (0, 0)


def test_a_file_and_a_link_at_once_are_refused(app, world, uploads):
    response = add_material(client_of(app, world.organiser), world.event, url="https://example.org/slides")
    assert "Give a file or a link, not both." in response.get_data(as_text=True)
    assert counts() == (0, 0) and stored(uploads) == []


def test_a_material_needs_a_title_and_a_file_or_link(app, world, uploads):
    organiser = client_of(app, world.organiser)
    page = add_material(organiser, world.event, title="  ").get_data(as_text=True)
    assert "Give the material a title." in page
    page = add_material(organiser, world.event, title="Nothing attached", file=None).get_data(as_text=True)
    assert "Choose a file, or give a link instead." in page
    assert counts() == (0, 0) and stored(uploads) == []


def test_a_session_of_another_event_cannot_be_chosen(app, world, make_session, uploads):
    foreign = make_session(world.other_event, title="Not ours")
    response = add_material(client_of(app, world.organiser), world.event, session=foreign)
    assert "Choose a session of this event from the list." in response.get_data(as_text=True)
    assert counts() == (0, 0) and stored(uploads) == []


# --- bad files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, filename, message",
    [
        (HTML_PAGE, "slides.pdf", "This type of file is not accepted here."),
        (SVG_WITH_SCRIPT, "diagram.pdf", "This type of file is not accepted here."),
        (SVG_WITH_SCRIPT, "diagram.svg", "This type of file is not accepted here."),
        (b"", "empty.pdf", "The file is empty."),
        (PDF, "../../x", "The file&#39;s name does not match its content: it should end in .pdf."),
        (PDF, "slides.docx", "The file&#39;s name does not match its content: it should end in .pdf."),
        (b"MZ\x90\x00" + b"\x00" * 60, "setup.exe", "This type of file is not accepted here."),
    ],
)
def test_a_bad_file_gets_a_message_by_the_field_and_nothing_is_kept(app, world, uploads, content, filename, message):
    response = add_material(
        client_of(app, world.organiser), world.event, title="Day one slides", file=(content, filename)
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert re.search(
        r'<input[^>]*class="form-control is-invalid"[^>]*name="file"', page
    )  # the message is by the file field
    assert 'value="Day one slides"' in page  # what was typed stays
    assert counts() == (0, 0)
    assert stored(uploads) == []


def test_a_path_in_the_file_name_is_dropped_and_nothing_is_written_outside_the_upload_folder(
    app, world, uploads, tmp_path
):
    add_material(client_of(app, world.organiser), world.event, file=(PDF, "../../evil.pdf"))
    add_material(client_of(app, world.organiser), world.event, file=(PDF, "/tmp/report.pdf"))
    names = sorted(db.session.scalars(db.select(MaterialVersion.filename)))
    assert names == ["evil.pdf", "report.pdf"]
    assert len(stored(uploads)) == 2
    assert not list(tmp_path.rglob("evil.pdf")) and not list(tmp_path.rglob("report.pdf"))


def test_a_very_long_file_name_is_shortened_but_keeps_its_ending(app, world):
    response = add_material(client_of(app, world.organiser), world.event, file=(PDF, "劳动" * 200 + ".pdf"))
    assert response.status_code == 302
    filename = only_material().current.filename
    assert len(filename) == 200 and filename.endswith("劳动.pdf")


def test_a_file_just_over_the_limit_gets_a_message_and_the_form_keeps_what_was_typed(app, world, uploads):
    app.config.update(UPLOAD_MAX_BYTES=4096, MAX_CONTENT_LENGTH=64 * 1024)
    response = add_material(
        client_of(app, world.organiser),
        world.event,
        title="Big deck",
        description="All the slides",
        file=(pdf_of(5000), "deck.pdf"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The file is larger than the limit of 4 KB." in page
    assert 'value="Big deck"' in page and "All the slides" in page
    assert counts() == (0, 0) and stored(uploads) == []

    # exactly at the limit is fine
    assert (
        add_material(client_of(app, world.organiser), world.event, file=(pdf_of(4096), "deck.pdf")).status_code == 302
    )


def test_a_file_far_over_the_limit_gets_the_413_page_with_the_limit(app, world, uploads):
    app.config.update(UPLOAD_MAX_BYTES=4096, MAX_CONTENT_LENGTH=64 * 1024)
    response = add_material(client_of(app, world.organiser), world.event, file=(pdf_of(200 * 1024), "huge.pdf"))
    assert response.status_code == 413
    assert "The file is larger than the limit of 4 KB." in response.get_data(as_text=True)
    assert counts() == (0, 0) and stored(uploads) == []


def test_the_limit_is_shown_next_to_the_file_field(app, world):
    app.config.update(UPLOAD_MAX_BYTES=50 * 1024 * 1024)
    page = client_of(app, world.organiser).get(manage_url(world.event)).get_data(as_text=True)
    assert "up to 50 MB" in page and "PDF" in page and "DOCX" in page
    assert 'enctype="multipart/form-data"' in page


# --- speakers -----------------------------------------------------------------------------


def test_a_speaker_uploads_to_their_own_session(app, world, uploads):
    speaker = client_of(app, world.speaker_user)
    page = speaker.get(f"/events/{world.event.slug}/materials").get_data(as_text=True)
    assert session_upload_url(world.event, world.first) in page  # found from the materials page
    assert session_upload_url(world.event, world.second) not in page

    response = upload_to_session(speaker, world.event, world.first, title="Wang Fang's slides", visibility="organisers")
    assert response.status_code == 302
    material = only_material()
    assert (material.session_id, material.created_by_id, material.current.uploaded_by_id) == (
        world.first.id,
        world.speaker_user.id,
        world.speaker_user.id,
    )
    assert download(speaker, material).status_code == 200  # the uploader sees their own, even organisers-only
    assert download(client_of(app, world.participant), material).status_code == 403


def test_a_speaker_uploading_to_someone_elses_session_is_refused_and_nothing_is_kept(app, world, uploads):
    speaker = client_of(app, world.speaker_user)
    token_page = session_upload_url(world.event, world.first)
    response = submit(
        speaker,
        session_upload_url(world.event, world.second),
        {"title": "Not mine", "visibility": "public", "file": (io.BytesIO(PDF), "x.pdf")},
        form_url=token_page,
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert speaker.get(session_upload_url(world.event, world.second)).status_code == 403
    assert speaker.get(manage_url(world.event)).status_code == 403
    response = submit(
        speaker,
        manage_url(world.event),
        {"title": "Not mine", "session_id": str(world.first.id), "file": (io.BytesIO(PDF), "x.pdf")},
        form_url=token_page,
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert counts() == (0, 0) and stored(uploads) == []


def test_only_speakers_and_organisers_reach_the_upload_page(app, world, make_user):
    url = session_upload_url(world.event, world.first)
    assert app.test_client().get(url).status_code == 302  # to the login page
    assert client_of(app, world.participant).get(url).status_code == 403
    assert client_of(app, world.organiser).get(url).status_code == 200
    assert (
        client_of(app, world.organiser).get(f"/events/{world.event.slug}/agenda/999999/materials/new").status_code
        == 404
    )
    assert (
        client_of(app, world.organiser)
        .get(f"/events/{world.other_event.slug}/agenda/{world.first.id}/materials/new")
        .status_code
        == 404
    )


def test_a_speaker_changes_their_own_material_but_not_the_organisers(app, world):
    upload_to_session(client_of(app, world.speaker_user), world.event, world.first, title="Mine")
    add_material(client_of(app, world.organiser), world.event, title="Theirs", session=world.first)
    mine = titled("Mine")
    theirs = titled("Theirs")
    speaker = client_of(app, world.speaker_user)

    response = submit(
        speaker,
        f"/events/{world.event.slug}/materials/{mine.id}/edit",
        {"title": "Mine, corrected", "visibility": "public"},
    )
    assert response.status_code == 302
    assert speaker.get(f"/events/{world.event.slug}/materials/{theirs.id}/edit").status_code == 403
    response = submit(
        speaker,
        f"/events/{world.event.slug}/materials/{theirs.id}/delete",
        {},
        form_url=f"/events/{world.event.slug}/materials/{mine.id}/edit",
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert (db.session.get(Material, mine.id).title, db.session.get(Material, theirs.id).title) == (
        "Mine, corrected",
        "Theirs",
    )


def test_a_speaker_of_a_draft_event_finds_nothing(app, world, make_event, make_session, make_speaker):
    draft = make_event(status=EventStatus.DRAFT)
    session = make_session(draft)
    make_speaker(draft, sessions=[session], user=world.speaker_user)
    assert client_of(app, world.speaker_user).get(session_upload_url(draft, session)).status_code == 404


# --- who downloads what -------------------------------------------------------------------


def materials_of_each_visibility(app, world) -> dict[str, Material]:
    organiser = client_of(app, world.organiser)
    for visibility in ("public", "participants", "organisers"):
        add_material(
            organiser, world.event, title=f"For {visibility}", visibility=visibility, file=(PDF, f"{visibility}.pdf")
        )
    return {m.visibility.value: m for m in db.session.scalars(db.select(Material))}


def test_each_person_downloads_only_what_they_may_see(app, world):
    materials = materials_of_each_visibility(app, world)
    expected = {
        "organiser": (world.organiser, {"public": 200, "participants": 200, "organisers": 200}),
        "participant": (world.participant, {"public": 200, "participants": 200, "organisers": 403}),
        "speaker": (world.speaker_user, {"public": 200, "participants": 200, "organisers": 403}),
        "pending": (world.pending, {"public": 200, "participants": 403, "organisers": 403}),
        "another event's participant": (world.elsewhere, {"public": 200, "participants": 403, "organisers": 403}),
    }
    for who, (user, codes) in expected.items():
        client = client_of(app, user)
        for visibility, code in codes.items():
            response = download(client, materials[visibility])
            assert response.status_code == code, (who, visibility)
            assert (response.data == PDF) is (code == 200), (who, visibility)


def test_a_participant_fetching_an_organisers_file_by_its_url_gets_403_with_a_message(app, world):
    materials = materials_of_each_visibility(app, world)
    response = download(client_of(app, world.participant), materials["organisers"])
    assert response.status_code == 403
    assert "This material is for the event&#39;s organisers only." in response.get_data(as_text=True)
    assert "attachment" not in response.headers.get("Content-Disposition", "")


def test_a_visitor_fetching_a_participants_file_is_sent_to_log_in_and_never_gets_it(app, world):
    materials = materials_of_each_visibility(app, world)
    visitor = app.test_client()
    for visibility in ("participants", "organisers"):
        response = download(visitor, materials[visibility])
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
        assert PDF not in response.data
    assert download(visitor, materials["public"]).data == PDF


def test_the_materials_of_a_draft_event_are_not_found(app, world, make_event):
    draft = make_event(organiser=world.organiser, status=EventStatus.DRAFT)
    make_registration(draft, world.participant)
    add_material(client_of(app, world.organiser), draft, title="Draft notes", visibility="public")
    material = only_material()
    assert download(client_of(app, world.organiser), material).status_code == 200
    assert download(client_of(app, world.participant), material).status_code == 404
    assert download(app.test_client(), material).status_code == 404
    assert app.test_client().get(f"/events/{draft.slug}/materials").status_code == 404
    assert app.test_client().get(f"/events/{draft.slug}/materials.zip").status_code == 404


def test_unknown_materials_and_versions_are_not_found(app, world):
    add_material(client_of(app, world.organiser), world.event, visibility="public")
    material = only_material()
    visitor = app.test_client()
    assert visitor.get("/materials/999999/download").status_code == 404
    assert download(visitor, material, version=2).status_code == 404
    assert visitor.get(f"/materials/{material.id}/download?version=abc").status_code == 404
    assert download(visitor, material, version=1).status_code == 200


def test_the_materials_page_lists_what_the_viewer_may_see_by_event_and_session(app, world):
    organiser = client_of(app, world.organiser)
    add_material(organiser, world.event, title="Welcome pack", visibility="public")
    add_material(organiser, world.event, title="Participant list", visibility="participants", session=world.first)
    add_material(organiser, world.event, title="Budget", visibility="organisers", session=world.second)
    url = f"/events/{world.event.slug}/materials"

    visitor_page = app.test_client().get(url).get_data(as_text=True)
    assert "Welcome pack" in visitor_page
    assert "Participant list" not in visitor_page and "Budget" not in visitor_page
    assert "log in to see them" in visitor_page

    participant_page = client_of(app, world.participant).get(url).get_data(as_text=True)
    assert "For the whole event" in participant_page and "Opening plenary" in participant_page
    assert participant_page.index("Welcome pack") < participant_page.index("Participant list")
    assert "Budget" not in participant_page and "Inspection tools" not in participant_page

    organiser_page = organiser.get(url).get_data(as_text=True)
    assert "Budget" in organiser_page and "Organisers only" in organiser_page
    assert manage_url(world.event) in organiser_page


def test_the_session_page_piece_lists_the_sessions_visible_materials(app, world):
    organiser = client_of(app, world.organiser)
    add_material(organiser, world.event, title="Opening slides", visibility="participants", session=world.first)
    add_material(organiser, world.event, title="Speaker notes", visibility="organisers", session=world.first)
    add_material(organiser, world.event, title="Other session", visibility="public", session=world.second)
    template = '{% include "materials/_for_session.html" %}'

    def render_for(user):
        with app.test_request_context(f"/events/{world.event.slug}/agenda/{world.first.id}"):
            logout_user()
            if user is not None:
                login_user(user)
            return render_template_string(template, session=world.first, event=world.event)

    participant = render_for(world.participant)
    assert "Opening slides" in participant and "Speaker notes" not in participant and "Other session" not in participant
    assert "/materials/new" not in participant
    speaker = render_for(world.speaker_user)
    assert "Opening slides" in speaker and session_upload_url(world.event, world.first) in speaker
    assert "Opening slides" not in render_for(None)


# --- versions -----------------------------------------------------------------------------


def test_a_new_version_keeps_the_old_ones(app, world, uploads):
    organiser = client_of(app, world.organiser)
    add_material(organiser, world.event, title="Slides", file=(PDF, "slides-v1.pdf"))
    material = only_material()
    second = pdf_of(300)
    edit_url = f"/events/{world.event.slug}/materials/{material.id}/edit"
    response = submit(
        organiser,
        f"/events/{world.event.slug}/materials/{material.id}/versions",
        {"file": (io.BytesIO(second), "slides-v2.pdf")},
        form_url=edit_url,
        content_type="multipart/form-data",
    )
    assert response.status_code == 302

    material = only_material()
    assert [(v.number, v.filename) for v in material.versions] == [(2, "slides-v2.pdf"), (1, "slides-v1.pdf")]
    assert len(stored(uploads)) == 2
    participant = client_of(app, world.participant)
    assert download(participant, material).data == second
    assert download(participant, material, version=1).data == PDF
    assert download(participant, material, version=2).data == second
    assert download(client_of(app, world.pending), material, version=1).status_code == 403

    page = participant.get(f"/events/{world.event.slug}/materials").get_data(as_text=True)
    assert (
        "version 2" in page
        and "Earlier versions (1)" in page
        and f"/materials/{material.id}/download?version=1" in page
    )
    history = organiser.get(edit_url).get_data(as_text=True)
    assert "slides-v1.pdf" in history and "slides-v2.pdf" in history and material.versions[1].sha256[:12] in history


def test_a_bad_new_version_changes_nothing(app, world, uploads):
    organiser = client_of(app, world.organiser)
    add_material(organiser, world.event, title="Slides")
    material = only_material()
    edit_url = f"/events/{world.event.slug}/materials/{material.id}/edit"
    response = submit(
        organiser,
        f"/events/{world.event.slug}/materials/{material.id}/versions",
        {"file": (io.BytesIO(HTML_PAGE), "slides.pdf")},
        form_url=edit_url,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "This type of file is not accepted here." in response.get_data(as_text=True)
    assert counts() == (1, 1) and len(stored(uploads)) == 1


def test_only_those_who_may_change_it_upload_a_new_version(app, world, uploads):
    add_material(client_of(app, world.organiser), world.event, title="Slides", session=world.first)
    material = only_material()
    speaker = client_of(app, world.speaker_user)  # speaks in the session, but did not upload this
    response = submit(
        speaker,
        f"/events/{world.event.slug}/materials/{material.id}/versions",
        {"file": (io.BytesIO(PDF), "mine.pdf")},
        form_url=session_upload_url(world.event, world.first),
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert counts() == (1, 1) and len(stored(uploads)) == 1


# --- changing and deleting ----------------------------------------------------------------


def test_an_organiser_changes_the_title_and_visibility(app, world):
    organiser = client_of(app, world.organiser)
    add_material(organiser, world.event, title="Draft agenda", visibility="organisers")
    material = only_material()
    url = f"/events/{world.event.slug}/materials/{material.id}/edit"
    response = submit(
        organiser, url, {"title": "Final agenda", "description": "Version for print", "visibility": "public"}
    )
    assert response.status_code == 302 and response.headers["Location"] == manage_url(world.event)
    material = only_material()
    assert (material.title, material.description, material.visibility) == (
        "Final agenda",
        "Version for print",
        Visibility.PUBLIC,
    )
    assert download(app.test_client(), material).status_code == 200

    page = submit(organiser, url, {"title": "", "visibility": "public"}).get_data(as_text=True)
    assert "Give the material a title." in page
    assert only_material().title == "Final agenda"
    assert client_of(app, world.participant).get(url).status_code == 403


def test_an_organiser_deletes_a_material_with_all_its_files(app, world, uploads):
    organiser = client_of(app, world.organiser)
    add_material(organiser, world.event, title="Slides")
    material = only_material()
    edit_url = f"/events/{world.event.slug}/materials/{material.id}/edit"
    submit(
        organiser,
        f"/events/{world.event.slug}/materials/{material.id}/versions",
        {"file": (io.BytesIO(pdf_of(200)), "v2.pdf")},
        form_url=edit_url,
        content_type="multipart/form-data",
    )
    assert counts() == (1, 2) and len(stored(uploads)) == 2

    delete_url = f"/events/{world.event.slug}/materials/{material.id}/delete"
    assert organiser.post(delete_url).status_code == 400  # no CSRF token
    assert (
        submit(
            client_of(app, world.participant), delete_url, {}, form_url=f"/events/{world.event.slug}/materials"
        ).status_code
        == 403
    )
    assert counts() == (1, 2) and len(stored(uploads)) == 2

    material_id = material.id
    response = submit(organiser, delete_url, {}, form_url=edit_url)
    assert response.status_code == 302
    assert counts() == (0, 0)
    assert stored(uploads) == []
    assert organiser.get(f"/materials/{material_id}/download").status_code == 404


# --- a file gone from the upload directory ---------------------------------------------------


def upload_new_version(client, world, material, content, filename):
    return submit(
        client,
        f"/events/{world.event.slug}/materials/{material.id}/versions",
        {"file": (io.BytesIO(content), filename)},
        form_url=f"/events/{world.event.slug}/materials/{material.id}/edit",
        content_type="multipart/form-data",
    )


def test_a_participant_downloading_a_file_that_is_gone_gets_a_page_saying_it_is_missing(app, world, uploads):
    add_material(client_of(app, world.organiser), world.event, title="Programme", file=(PDF, "programme.pdf"))
    material = only_material()
    (uploads / material.current.storage_key).unlink()

    response = download(client_of(app, world.participant), material)

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert (
        "The file of “Programme” is missing on the server. The event&#39;s organisers need to upload it again."
        in response.get_data(as_text=True)
    )


def test_an_organiser_downloading_a_file_that_is_gone_is_told_which_and_what_to_do_on_the_materials_page(
    app, world, uploads
):
    organiser = client_of(app, world.organiser)
    add_material(organiser, world.event, title="Programme", file=(PDF, "programme.pdf"))
    material = only_material()
    (uploads / material.current.storage_key).unlink()

    response = download(organiser, material)

    assert response.status_code == 302 and response.headers["Location"] == manage_url(world.event)
    page = organiser.get(manage_url(world.event)).get_data(as_text=True)
    assert (
        "The file “programme.pdf” of “Programme” (version 1) is missing on the server. Upload it again as a new "
        "version: choose Change." in page
    )
    assert 'data-testid="missing-file"' in page  # marked in the list too, until it is uploaded again

    assert upload_new_version(organiser, world, material, pdf_of(300), "programme.pdf").status_code == 302
    assert download(client_of(app, world.participant), material).data == pdf_of(300)
    assert 'data-testid="missing-file"' not in organiser.get(manage_url(world.event)).get_data(as_text=True)


def test_an_old_version_that_is_gone_is_named_with_its_number(app, world, uploads):
    organiser = client_of(app, world.organiser)
    add_material(organiser, world.event, title="Slides", file=(PDF, "slides-v1.pdf"))
    material = only_material()
    upload_new_version(organiser, world, material, pdf_of(300), "slides-v2.pdf")
    (uploads / only_material().versions[1].storage_key).unlink()

    download(organiser, material, version=1)

    assert "The file “slides-v1.pdf” of “Slides” (version 1) is missing on the server." in organiser.get(
        manage_url(world.event)
    ).get_data(as_text=True)
    assert download(organiser, material).data == pdf_of(300)  # the current version is still there


def test_a_speaker_whose_own_file_is_gone_is_told_on_the_materials_page(app, world, uploads):
    speaker = client_of(app, world.speaker_user)
    upload_to_session(speaker, world.event, world.first, title="My slides", file=(PDF, "slides.pdf"))
    material = only_material()
    (uploads / material.current.storage_key).unlink()

    response = download(speaker, material)

    assert response.status_code == 302 and response.headers["Location"] == f"/events/{world.event.slug}/materials"
    assert "The file “slides.pdf” of “My slides” (version 1) is missing on the server." in speaker.get(
        response.headers["Location"]
    ).get_data(as_text=True)


def test_a_file_that_is_gone_tells_nothing_to_those_who_may_not_see_it(app, world, uploads):
    add_material(
        client_of(app, world.organiser),
        world.event,
        title="Speaker notes",
        visibility="organisers",
        file=(PDF, "notes.pdf"),
    )
    material = only_material()
    (uploads / material.current.storage_key).unlink()

    assert download(client_of(app, world.participant), material).status_code == 403
    anonymous = download(app.test_client(), material)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


# --- everything as one ZIP ----------------------------------------------------------------


def test_a_participant_downloads_all_they_may_see_as_one_zip(app, world):
    organiser = client_of(app, world.organiser)
    add_material(organiser, world.event, title="Welcome", visibility="public", file=(PDF, "welcome.pdf"))
    add_material(
        organiser, world.event, title="Map", visibility="public", file=None, url="https://maps.example.org/venue"
    )
    report = docx_bytes()
    add_material(
        organiser,
        world.event,
        title="Report",
        visibility="participants",
        session=world.first,
        file=(report, "report.docx"),
    )
    add_material(
        organiser, world.event, title="讲义", visibility="participants", session=world.first, file=(PDF, "讲义.pdf")
    )
    add_material(
        organiser,
        world.event,
        title="Speaker notes",
        visibility="organisers",
        session=world.first,
        file=(pdf_of(400), "notes.pdf"),
    )
    add_material(
        organiser,
        world.event,
        title="Slides A",
        visibility="participants",
        session=world.second,
        file=(PDF, "slides.pdf"),
    )
    add_material(
        organiser,
        world.event,
        title="Slides B",
        visibility="participants",
        session=world.second,
        file=(pdf_of(200), "Slides.pdf"),
    )
    first_folder = f"{world.first.starts_at.astimezone(ZoneInfo(world.event.timezone)):%Y-%m-%d %H.%M} Opening plenary"
    second_folder = (
        f"{world.second.starts_at.astimezone(ZoneInfo(world.event.timezone)):%Y-%m-%d %H.%M} Inspection tools"
    )

    response = fetched(client_of(app, world.participant).get(f"/events/{world.event.slug}/materials.zip"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"] == f"attachment; filename={world.event.slug}-materials.zip"
    assert int(response.headers["Content-Length"]) == len(response.data)
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert archive.testzip() is None
        assert sorted(archive.namelist()) == sorted(
            [
                "Event/welcome.pdf",
                f"{first_folder}/report.docx",
                f"{first_folder}/讲义.pdf",
                f"{second_folder}/slides.pdf",
                f"{second_folder}/Slides (2).pdf",
                "links.txt",
            ]
        )
        assert archive.read(f"{first_folder}/report.docx") == report
        assert archive.read(f"{second_folder}/Slides (2).pdf") == pdf_of(200)
        links = archive.read("links.txt").decode("utf-8")
        assert "Map\nhttps://maps.example.org/venue" in links and "== Event ==" in links

    with zipfile.ZipFile(
        io.BytesIO(fetched(app.test_client().get(f"/events/{world.event.slug}/materials.zip")).data)
    ) as archive:
        assert sorted(archive.namelist()) == ["Event/welcome.pdf", "links.txt"]
    with zipfile.ZipFile(
        io.BytesIO(fetched(organiser.get(f"/events/{world.event.slug}/materials.zip")).data)
    ) as archive:
        assert f"{first_folder}/notes.pdf" in archive.namelist()


def test_a_zip_with_a_file_that_is_gone_is_refused_naming_it(app, world, uploads):
    organiser = client_of(app, world.organiser)
    add_material(organiser, world.event, title="Welcome", visibility="public", file=(PDF, "welcome.pdf"))
    add_material(organiser, world.event, title="Programme", visibility="public", file=(pdf_of(300), "programme.pdf"))
    gone = titled("Programme")
    (uploads / gone.current.storage_key).unlink()
    zip_url = f"/events/{world.event.slug}/materials.zip"

    response = fetched(client_of(app, world.participant).get(zip_url))
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "The ZIP cannot be made: the file of “Programme” is missing on the server." in response.get_data(
        as_text=True
    )

    response = organiser.get(zip_url)
    assert response.status_code == 302 and response.headers["Location"] == manage_url(world.event)
    assert (
        "The ZIP cannot be made: the file of “Programme” is missing on the server. Upload it again as a new version: "
        "choose Change." in organiser.get(manage_url(world.event)).get_data(as_text=True)
    )


def test_the_zip_of_an_event_without_materials_explains_instead(app, world):
    response = client_of(app, world.participant).get(f"/events/{world.event.slug}/materials.zip")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/events/{world.event.slug}/materials"


def test_requests_are_capped_a_little_above_the_upload_limit_by_default(tmp_path, monkeypatch):
    from workshop import create_app

    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(
        {
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}",
            "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
        }
    )
    assert app.config["MAX_CONTENT_LENGTH"] == 11 * 1024 * 1024
