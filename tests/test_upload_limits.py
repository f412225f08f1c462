"""Uploads are checked within bounded memory: office documents that unpack to far more than they
weigh, images of far more pixels than their file suggests; and images are kept, and drawn, no
larger than they are shown."""

import io
import struct
import tracemalloc
import zipfile
import zlib
from functools import cache
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from workshop.certificates import services as certificates
from workshop.extensions import db
from workshop.letterhead.models import Letterhead
from workshop.materials.models import Material
from workshop.storage import upload_storage

from .conftest import login, submit
from .test_certificates import SETTINGS, count_images
from .test_certificates import workshop as workshop  # the fixture
from .test_speakers import PROFILE, errors_on, page_text, speakers_of

ODT_TYPE = b"application/vnd.oasis.opendocument.text"
MB = 1024 * 1024


def client_of(app, user):
    client = app.test_client()
    login(client, user)
    return client


def stored_files(app) -> list[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


def odt(mimetype_padding: int = 0, content_padding: int = 0) -> bytes:
    """An OpenDocument text whose ``mimetype`` member is the type followed by ``mimetype_padding``
    spaces (a few hundred megabytes of them pack into a few hundred kilobytes), with
    ``content_padding`` spaces at the end of its content."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        mimetype = zipfile.ZipInfo("mimetype")
        mimetype.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(mimetype, "w") as member:
            member.write(ODT_TYPE)
            spaces = b" " * MB
            for start in range(0, mimetype_padding, MB):
                member.write(spaces[: min(MB, mimetype_padding - start)])
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>' + " " * content_padding)
    return out.getvalue()


def declaring(archive: bytes, name: bytes, size: int) -> bytes:
    """``archive`` with the unpacked size of its first member, ``name``, stated as ``size`` in its headers."""
    data = bytearray(archive)
    local, central = 0, data.index(b"PK\x01\x02")  # the headers of the first member
    assert data[local + 30 : local + 30 + len(name)] == name and data[central + 46 : central + 46 + len(name)] == name
    struct.pack_into("<I", data, local + 22, size)
    struct.pack_into("<I", data, central + 24, size)
    return bytes(data)


def declaring_members(archive: bytes, count: int) -> bytes:
    """``archive`` with its end record saying it holds ``count`` members."""
    data = bytearray(archive)
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, count, count)
    return bytes(data)


@cache
def odt_bomb() -> bytes:
    """The type, then 400 MB of spaces: 400 KB."""
    return odt(400 * MB)


@pytest.fixture
def organiser_and_event(app, make_user, make_event):
    organiser = make_user(full_name="Olga Organiser", can_create_events=True)
    return client_of(app, organiser), make_event(organiser=organiser)


def add_document(client, event, content: bytes, name: str):
    return submit(
        client,
        f"/manage/events/{event.slug}/materials",
        {"title": "Report", "visibility": "participants", "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def materials() -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(Material))


def peak_memory_of(call):
    """What ``call`` returns, and the most memory Python held during it beyond what it held before."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = call()
        return result, tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


# --- office documents ----------------------------------------------------------------------------


def test_an_opendocument_text_is_accepted_as_one(app, organiser_and_event):
    client, event = organiser_and_event
    assert add_document(client, event, odt(), "report.odt").status_code == 302
    assert materials() == 1


def test_an_opendocument_whose_type_unpacks_to_400_mb_is_refused_without_unpacking_it(app, organiser_and_event):
    client, event = organiser_and_event
    bomb = odt_bomb()
    assert len(bomb) < MB

    response, peak = peak_memory_of(lambda: add_document(client, event, bomb, "report.odt"))

    assert response.status_code == 200
    assert "This type of file is not accepted here." in page_text(response)
    assert materials() == 0 and stored_files(app) == []
    assert peak < 16 * MB


def test_an_opendocument_whose_headers_understate_its_type_is_refused_without_unpacking_it(app, organiser_and_event):
    client, event = organiser_and_event
    liar = declaring(odt_bomb(), b"mimetype", len(ODT_TYPE))  # says 39 bytes, unpacks to 400 MB

    response, peak = peak_memory_of(lambda: add_document(client, event, liar, "report.odt"))

    assert response.status_code == 200
    assert "This type of file is not accepted here." in page_text(response)
    assert materials() == 0 and stored_files(app) == []
    assert peak < 16 * MB


def test_a_document_whose_parts_declare_more_than_the_limit_is_refused_with_the_limit(app, organiser_and_event):
    app.config["UPLOAD_MAX_UNPACKED_BYTES"] = 2 * MB
    client, event = organiser_and_event
    declared_big = declaring(odt(), b"mimetype", 3 * MB)

    response = add_document(client, event, declared_big, "report.odt")

    assert response.status_code == 200
    assert errors_on(page_text(response)) == [
        "This document unpacks to more than 2 MB, or holds too many parts: it is not accepted."
    ]
    assert materials() == 0 and stored_files(app) == []
    assert add_document(client, event, odt(content_padding=MB), "report.odt").status_code == 302  # under the limit


def test_a_document_of_too_many_parts_is_refused(app, organiser_and_event):
    client, event = organiser_and_event
    response = add_document(client, event, declaring_members(odt(), 10_001), "report.odt")
    assert errors_on(page_text(response)) == [
        "This document unpacks to more than 500 MB, or holds too many parts: it is not accepted."
    ]
    assert materials() == 0 and stored_files(app) == []


# --- images ---------------------------------------------------------------------------------------


def png_of(width: int, height: int) -> bytes:
    """A valid black-and-white PNG of ``width`` × ``height`` pixels, all white: a small file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def picture(kind: str, size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def size_of(data: bytes) -> tuple[str, tuple[int, int]]:
    with Image.open(io.BytesIO(data)) as image:
        return image.format, image.size


@cache
def huge_png() -> bytes:
    return png_of(20_000, 20_000)


def save_letterhead(client, event, **files):
    return submit(
        client,
        f"/manage/events/{event.slug}/certificates/settings",
        {
            **SETTINGS,
            **{
                slot: (io.BytesIO(data), f"{slot}.{'png' if data.startswith(b'\x89PNG') else 'jpg'}")
                for slot, data in files.items()
            },
        },
        content_type="multipart/form-data",
    )


def letterhead_of(event) -> Letterhead | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id))


@pytest.mark.parametrize("slot", ["logo_1", "signature_2"])
def test_a_logo_or_signature_of_400_million_pixels_gets_a_message_by_its_field(app, workshop, slot):
    event, _li, _bob = workshop
    assert len(huge_png()) < 200 * 1024
    response = save_letterhead(client_of(app, event.organisers[0]), event, **{slot: huge_png()})

    assert response.status_code == 200
    assert errors_on(page_text(response)) == [
        "This image is too large: at most 40 million pixels are accepted. Save it smaller and upload it again."
    ]
    assert 'value="Chang-Hee Lee"' in response.get_data(as_text=True)  # what was typed comes back
    assert letterhead_of(event) is None and stored_files(app) == []


def test_a_large_logo_is_kept_at_the_size_a_document_draws_it(app, workshop):
    event, li, _bob = workshop
    organiser = client_of(app, event.organisers[0])
    assert save_letterhead(organiser, event, logo_1=picture("PNG", (4800, 1200))).status_code == 302

    key = letterhead_of(event).logo_1
    assert size_of((upload_storage().root / key).read_bytes()) == ("PNG", (1200, 300))
    certificate = certificates.issue(event.organisers[0], event, li.id, before_the_end=True)
    document = PdfReader(io.BytesIO(organiser.get(f"/certificates/{certificate.id}.pdf").data))
    assert count_images(document) == 1


def image_widths(document) -> list[int]:
    """The widths in pixels of the images the first page draws (inside its shared drawings)."""
    widths = []
    for xobject in document.pages[0]["/Resources"]["/XObject"].values():
        for inner in xobject.get_object().get("/Resources", {}).get("/XObject", {}).values():
            if inner.get_object()["/Subtype"] == "/Image":
                widths.append(int(inner.get_object()["/Width"]))
    return widths


def test_a_large_logo_kept_before_uploads_were_re_encoded_is_drawn_at_the_size_it_needs(app, workshop):
    event, li, _bob = workshop
    organiser = client_of(app, event.organisers[0])
    assert save_letterhead(organiser, event, logo_1=picture("PNG", (100, 40))).status_code == 302
    old_logo = upload_storage().save(io.BytesIO(picture("JPEG", (6000, 1500))))
    letterhead = letterhead_of(event)
    letterhead.logo_1 = old_logo
    db.session.commit()

    certificate = certificates.issue(event.organisers[0], event, li.id, before_the_end=True)
    response = organiser.get(f"/certificates/{certificate.id}.pdf")

    assert response.status_code == 200
    assert image_widths(PdfReader(io.BytesIO(response.data))) == [1200]


def test_a_speaker_photo_of_400_million_pixels_gets_a_message_by_its_field(app, make_event):
    event = make_event()
    organiser = client_of(app, event.organisers[0])
    response = submit(
        organiser, f"/manage/events/{event.slug}/speakers", {**PROFILE, "photo": (io.BytesIO(huge_png()), "me.png")}
    )
    assert response.status_code == 200
    assert errors_on(page_text(response)) == [
        "This image is too large: at most 40 million pixels are accepted. Save it smaller and upload it again."
    ]
    assert speakers_of(event) == [] and stored_files(app) == []


def test_a_large_speaker_photo_is_kept_downsized_and_upright_without_its_metadata(app, make_event):
    event = make_event()
    organiser = client_of(app, event.organisers[0])
    camera = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show it turned a quarter clockwise
    exif[0x010F] = "Phone maker"
    Image.new("RGB", (4000, 3000), (200, 30, 30)).save(camera, "JPEG", exif=exif)

    response = submit(
        organiser,
        f"/manage/events/{event.slug}/speakers",
        {**PROFILE, "photo": (io.BytesIO(camera.getvalue()), "portrait.jpg")},
    )

    assert response.status_code == 302
    (speaker,) = speakers_of(event)
    with organiser.get(f"/events/{event.slug}/speakers/{speaker.id}/photo") as photo:
        assert speaker.photo_type == "image/jpeg" and size_of(photo.data) == ("JPEG", (450, 600))
        with Image.open(io.BytesIO(photo.data)) as image:
            assert 0x010F not in image.getexif()


def test_an_ordinary_photo_keeps_its_size(app, make_event):
    event = make_event()
    organiser = client_of(app, event.organisers[0])
    response = submit(
        organiser,
        f"/manage/events/{event.slug}/speakers",
        {**PROFILE, "photo": (io.BytesIO(picture("WEBP", (300, 400))), "me.webp")},
    )
    assert response.status_code == 302
    (speaker,) = speakers_of(event)
    assert size_of((upload_storage().root / speaker.photo_key).read_bytes()) == ("WEBP", (300, 400))


def test_a_participant_downloads_a_certificate_with_a_re_encoded_logo(app, workshop):
    event, li, _bob = workshop
    organiser = client_of(app, event.organisers[0])
    assert save_letterhead(organiser, event, logo_1=picture("JPEG", (2400, 600))).status_code == 302
    certificate = certificates.issue(event.organisers[0], event, li.id, before_the_end=True)
    response = client_of(app, li.user).get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 200 and image_widths(PdfReader(io.BytesIO(response.data))) == [1200]
