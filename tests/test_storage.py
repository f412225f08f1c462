"""Uploaded files live in one directory (UPLOAD_DIR) that several app servers share: a file uploaded
through one server downloads from another, a file is never seen half-written, and a directory that
cannot take a file gives a clear message by the field and keeps nothing."""

import io
import logging
import re
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from workshop import create_app
from workshop.agenda.models import Speaker
from workshop.certificates import services as certificates
from workshop.certificates.models import CertificateSettings
from workshop.extensions import db
from workshop.letterhead.models import Letterhead
from workshop.letters.models import LetterSettings
from workshop.materials.models import Material, MaterialVersion
from workshop.storage import FileMissing, LocalDirectory, NotStored, upload_storage

from .conftest import IsolatedClient, as_user, make_registration, submit
from .test_certificates import count_images

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
STORE_FAILED = "The file could not be stored; tell the site&#39;s administrator."


def png(colour=(20, 60, 120)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), colour).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def everything_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


# --- the storage itself -----------------------------------------------------------------------


def test_a_file_is_kept_under_a_new_random_key_and_read_back(tmp_path):
    storage = LocalDirectory(tmp_path / "uploads")

    key = storage.save(io.BytesIO(PDF))
    other = storage.save(io.BytesIO(PDF))

    assert re.fullmatch("[0-9a-f]{32}", key) and key != other  # 128 random bits
    assert everything_under(tmp_path / "uploads") == sorted([key, other])
    with storage.open(key) as file:
        assert file.read() == PDF
    assert storage.path(key).read_bytes() == PDF and storage.size(key) == len(PDF) and storage.exists(key)

    storage.delete(key)
    storage.delete(key)  # twice: nothing to do

    assert not storage.exists(key) and everything_under(tmp_path / "uploads") == [other]
    with pytest.raises(FileMissing):
        storage.open(key)
    with pytest.raises(FileMissing):
        storage.path(key)


@pytest.mark.parametrize("key", ["", "../secret_key", "/etc/passwd", "ABCDEF", "0" * 65, ".0123.part"])
def test_a_key_the_storage_never_gave_is_missing_and_reaches_no_other_file(tmp_path, key):
    (tmp_path / "secret_key").write_text("do not read")
    storage = LocalDirectory(tmp_path / "uploads")
    storage.save(io.BytesIO(PDF))

    assert not storage.exists(key)
    for read in (storage.open, storage.path, storage.size):
        with pytest.raises(FileMissing):
            read(key)
    storage.delete(key)
    assert (tmp_path / "secret_key").exists()


class Upload(io.RawIOBase):
    """A stream that hands out ``chunks`` one by one, calling ``watch`` before each, then fails
    with ``error`` if one is given (a browser that went away mid-upload)."""

    def __init__(self, chunks, watch=lambda: None, error: Exception | None = None):
        self.chunks, self.watch, self.error = list(chunks), watch, error

    def read(self, size=-1):
        self.watch()
        if self.chunks:
            return self.chunks.pop(0)
        if self.error is not None:
            raise self.error
        return b""


def test_a_file_being_written_is_not_seen_under_any_key_until_it_is_whole(tmp_path):
    storage = LocalDirectory(tmp_path / "uploads")
    seen = []

    key = storage.save(
        Upload([PDF[:10], PDF[10:20], PDF[20:]], watch=lambda: seen.append([p.name for p in storage.root.iterdir()]))
    )

    assert len(seen) == 4 and all(
        not re.fullmatch("[0-9a-f]+", name) for names in seen for name in names
    )  # a reader finds no key while it is written
    assert storage.path(key).read_bytes() == PDF
    assert everything_under(storage.root) == [key]


def test_an_upload_that_breaks_off_midway_leaves_nothing_behind(tmp_path):
    storage = LocalDirectory(tmp_path / "uploads")

    with pytest.raises(ConnectionResetError):
        storage.save(Upload([PDF[:20], PDF[20:40]], error=ConnectionResetError("the browser went away")))

    assert everything_under(storage.root) == []


def test_a_directory_that_cannot_be_created_is_refused_and_nothing_is_written(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    storage = LocalDirectory(tmp_path / "a-file" / "uploads")

    with pytest.raises(NotStored, match="Not a directory"):
        storage.save(io.BytesIO(PDF))
    with pytest.raises(NotStored, match="No such file or directory"):
        LocalDirectory(tmp_path / "not-mounted" / "uploads").save(io.BytesIO(PDF))  # its parent must exist

    assert everything_under(tmp_path) == ["a-file"]


# --- the setting ------------------------------------------------------------------------------


def test_the_upload_directory_is_the_setting_and_by_default_the_instance_folders_uploads(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    database = f"sqlite:///{tmp_path / 'db.sqlite'}"
    (tmp_path / "instance" / "uploads").mkdir(parents=True)
    (tmp_path / "instance" / "uploads" / "0123abcd").write_bytes(PDF)  # uploaded before the setting existed

    default = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database})
    with default.app_context():
        assert upload_storage().path("0123abcd").read_bytes() == PDF
    assert default.config["UPLOAD_DIR"] == str(tmp_path / "instance" / "uploads")
    assert create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database, "UPLOAD_DIR": "files"}).config[
        "UPLOAD_DIR"
    ] == str(tmp_path / "instance" / "files")

    monkeypatch.setenv("WORKSHOP_UPLOAD_DIR", str(tmp_path / "share" / "workshop"))
    monkeypatch.setenv("WORKSHOP_SECRET_KEY", "x")
    monkeypatch.setenv("DATABASE_URL", database)
    assert create_app().config["UPLOAD_DIR"] == str(tmp_path / "share" / "workshop")
    assert not (tmp_path / "share").exists()  # made by the first upload, not when a server starts


# --- several servers, one directory -----------------------------------------------------------


@pytest.fixture
def second_server(app, tmp_path, monkeypatch):
    """Another app server on the same database, with the given upload directory (the share, or its own)."""
    servers = []

    def start(upload_dir: Path):
        monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / f"server-{len(servers) + 2}"))
        shared = (
            "TESTING",
            "SECRET_KEY",
            "SQLALCHEMY_DATABASE_URI",
            "MAIL_SERVER",
            "MAIL_PORT",
            "SERVER_NAME",
            "TRUSTED_HOSTS",
            "RATELIMIT_STORAGE_URI",
            "PASSWORD_HASH_METHOD",
        )
        server = create_app({**{name: app.config[name] for name in shared}, "UPLOAD_DIR": str(upload_dir)})
        server.test_client_class = IsolatedClient
        servers.append(server)
        return server

    yield start
    for server in servers:
        with server.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def certified(app, make_event, make_session, make_user):
    """A workshop whose organiser set a logo on the first server, and Li Wei's certificate."""
    event = make_event(title="Social Dialogue Workshop", partners=["International Labour Organization"])
    registration = make_registration(event, make_user(full_name="Li Wei"))
    response = submit(
        as_user(app, event.organisers[0]),
        f"/manage/events/{event.slug}/certificates/settings",
        {"logo_1": (png(), "ilo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    certificate = certificates.issue(
        event.organisers[0], event, registration.id, "attended the whole workshop", before_the_end=True
    )
    return event, registration, certificate


def test_a_material_uploaded_through_one_server_downloads_from_the_other(app, second_server, make_event, make_user):
    event = make_event(title="Labour inspection workshop")
    participant = make_user(full_name="Li Wei")
    make_registration(event, participant)
    other = second_server(app.config["UPLOAD_DIR"])

    response = submit(
        as_user(app, event.organisers[0]),
        f"/manage/events/{event.slug}/materials",
        {
            "title": "Programme",
            "visibility": "participants",
            "session_id": "",
            "url": "",
            "file": (io.BytesIO(PDF), "programme.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    material = db.session.scalars(db.select(Material)).one()

    with as_user(other, participant).get(f"/materials/{material.id}/download") as download:
        assert download.status_code == 200 and download.data == PDF
    assert everything_under(Path(app.config["UPLOAD_DIR"])) == [material.current.storage_key]
    assert everything_under(Path(app.instance_path) / "uploads") == []  # the setting, not the instance folder


def test_a_certificate_drawn_by_the_other_server_has_the_logo_uploaded_through_the_first(app, second_server, certified):
    event, registration, certificate = certified
    other = second_server(app.config["UPLOAD_DIR"])

    response = as_user(other, registration.user).get(f"/certificates/{certificate.id}.pdf")

    assert response.mimetype == "application/pdf"
    assert count_images(PdfReader(io.BytesIO(response.data))) == 1


def test_a_server_without_the_share_draws_issued_certificates_and_issues_none_without_the_logo(
    app, second_server, certified, tmp_path, caplog
):
    event, registration, certificate = certified
    other = second_server(tmp_path / "a-local-folder")

    participant = as_user(other, registration.user).get(f"/certificates/{certificate.id}.pdf")
    organiser = as_user(other, event.organisers[0])
    url = f"/manage/events/{event.slug}/certificates"
    refused = submit(organiser, f"{url}/{certificate.id}/reissue", {}, form_url=url, follow_redirects=True)

    # an issued certificate carries its logo with it; a new one would need the file
    assert participant.mimetype == "application/pdf" and count_images(PdfReader(io.BytesIO(participant.data))) == 1
    assert "the file of the first logo is missing on the server" in refused.get_data(as_text=True)
    assert certificates.certificate_to_download(registration.user, certificate.id).valid
    assert (
        f"the letterhead's logo_1 (upload {db.session.scalar(db.select(Letterhead.logo_1))}) is missing from "
        f"{tmp_path / 'a-local-folder'}" in caplog.text
    )


# --- an upload directory that cannot take files -----------------------------------------------


@pytest.fixture
def unwritable(app, tmp_path, caplog):
    """UPLOAD_DIR below a regular file: it can be neither created nor written (as root too).
    Returns the folder holding that file, where nothing else may appear."""
    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "blocker").write_text("a file, not a folder")
    app.config["UPLOAD_DIR"] = str(folder / "blocker" / "uploads")
    caplog.set_level(logging.ERROR)
    return folder


def refused_by(response, field: str) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(
        rf'<input[^>]*class="form-control is-invalid"[^>]*name="{field}"[^>]*>\s*(<div '
        r'class="form-text"[^>]*>[^<]*</div>\s*)?'
        rf'<div id="{field}-error"><div class="invalid-feedback d-block">{re.escape(STORE_FAILED)}</div>',
        page,
    ), page
    return page


def assert_logged_with_the_reason(caplog, filename: str):
    assert (
        f"an upload ({filename}, " in caplog.text
        and "could not be stored" in caplog.text
        and "Not a directory" in caplog.text
    )


def test_a_material_that_cannot_be_stored_gets_a_message_by_the_file_field_and_nothing_is_kept(
    app, unwritable, make_event, caplog
):
    event = make_event()

    response = submit(
        as_user(app, event.organisers[0]),
        f"/manage/events/{event.slug}/materials",
        {
            "title": "Programme",
            "visibility": "public",
            "session_id": "",
            "url": "",
            "file": (io.BytesIO(PDF), "programme.pdf"),
        },
        content_type="multipart/form-data",
    )

    assert 'value="Programme"' in refused_by(response, "file")  # what was typed stays
    assert db.session.scalar(db.select(db.func.count()).select_from(Material)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(MaterialVersion)) == 0
    assert everything_under(unwritable) == ["blocker"]
    assert_logged_with_the_reason(caplog, "programme.pdf")


def test_a_speakers_photo_that_cannot_be_stored_gets_a_message_and_the_profile_is_unchanged(
    app, unwritable, make_event, make_speaker, caplog
):
    event = make_event()
    speaker = make_speaker(event, full_name="Wang Fang")

    response = submit(
        as_user(app, event.organisers[0]),
        f"/manage/events/{event.slug}/speakers/{speaker.id}",
        {"full_name": "Wang Fang", "affiliation": "Shanghai Labour Bureau", "photo": (png(), "wang.png")},
    )

    refused_by(response, "photo")
    db.session.expire_all()
    assert (db.session.get(Speaker, speaker.id).photo_key, db.session.get(Speaker, speaker.id).affiliation) == ("", "")
    assert everything_under(unwritable) == ["blocker"]
    assert_logged_with_the_reason(caplog, "wang.png")


@pytest.mark.parametrize("slot", ["logo_1", "signature_1"])
def test_a_certificate_logo_or_signature_that_cannot_be_stored_gets_a_message_and_no_settings_are_saved(
    app, unwritable, make_event, slot, caplog
):
    event = make_event()

    response = submit(
        as_user(app, event.organisers[0]),
        f"/manage/events/{event.slug}/certificates/settings",
        {"signatory_1_name": "Chang-Hee Lee", slot: (png(), f"{slot}.png")},
        content_type="multipart/form-data",
    )

    assert 'value="Chang-Hee Lee"' in refused_by(response, slot)
    assert db.session.scalar(db.select(CertificateSettings).where(CertificateSettings.event_id == event.id)) is None
    assert db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id)) is None
    assert everything_under(unwritable) == ["blocker"]
    assert_logged_with_the_reason(caplog, f"{slot}.png")


@pytest.mark.parametrize("slot", ["logo_1", "signature_1"])
def test_a_letterhead_logo_or_signature_that_cannot_be_stored_gets_a_message_and_no_letterhead_is_saved(
    app, unwritable, make_event, slot, caplog
):
    event = make_event()

    response = submit(
        as_user(app, event.organisers[0]),
        f"/manage/events/{event.slug}/visa-letters/settings",
        {"signatory_1_name": "ILO", slot: (png(), f"{slot}.png")},
        content_type="multipart/form-data",
    )

    assert 'value="ILO"' in refused_by(response, slot)
    assert db.session.scalar(db.select(LetterSettings).where(LetterSettings.event_id == event.id)) is None
    assert db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id)) is None
    assert everything_under(unwritable) == ["blocker"]
    assert_logged_with_the_reason(caplog, f"{slot}.png")


def test_only_the_events_organisers_reach_the_upload_forms_whatever_the_directory(
    app, unwritable, make_event, make_user
):
    event = make_event()
    stranger = as_user(app, make_user())

    for path in ("materials", "certificates/settings", "visa-letters/settings"):
        assert stranger.get(f"/manage/events/{event.slug}/{path}").status_code == 403, path
    assert everything_under(unwritable) == ["blocker"]
