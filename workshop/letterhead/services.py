"""Reading and saving an event's letterhead, and reading its images for drawing.

Who may change it is the caller's to check (certificates and letters each say it in their words);
saving owns the transaction, so the caller's own settings are saved with it (``also``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from .. import uploads
from ..database import lock_for_update
from ..errors import DomainError
from ..events.models import Event
from ..extensions import db
from ..images import LETTERHEAD_SIDE, TooManyPixels, Unreadable, fitted
from ..storage import FileMissing, upload_storage
from ..timeutil import utcnow
from ..translated import Translated, text_in
from ..translated_lines import lines_of, lines_text, longest_line
from .models import IMAGE_SLOTS, Letterhead, SignedImage

log = logging.getLogger(__name__)

ISSUERS_MAX = 2000
ADDRESS_MAX = 1000
PLACE_MAX = 200

EMPTY = dict.fromkeys(
    (
        "issuers",
        "address",
        "place_of_signature",
        "signatory_1_name",
        "signatory_1_title",
        "signatory_2_name",
        "signatory_2_title",
        *IMAGE_SLOTS,
    ),
    "",
)

IMAGE_NAMES = {
    "logo_1": _l("the first logo"),
    "logo_2": _l("the second logo"),
    "logo_3": _l("the third logo"),
    "signature_1": _l("the first signature"),
    "signature_2": _l("the second signature"),
}


@dataclass(frozen=True)
class Signatory:
    name: str = ""
    title: Translated | str = ""  # in every language, or one told by its script


@dataclass(frozen=True)
class LetterheadData:
    issuers: Translated | str = ""  # one organisation a line, in every language
    address: str = ""
    signatories: tuple[Signatory, Signatory] = (Signatory(), Signatory())
    place_of_signature: str = ""  # e.g. Geneva


@dataclass(frozen=True)
class ImageUpload:
    stream: BinaryIO
    filename: str


class ImageMissing(LookupError):
    """An image is set but its file is gone from the upload directory."""

    def __init__(self, slot: str):
        super().__init__(slot)
        self.slot = slot
        self.name = IMAGE_NAMES[slot]


def letterhead_of(event: Event) -> Letterhead:
    """The event's letterhead; a new, empty one (not added to the session) when none is saved."""
    row = db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id))
    return row if row is not None else Letterhead(event_id=event.id, **EMPTY)


def issuers_of(event: Event, letterhead: Letterhead) -> list[Translated]:
    """The organisations that issue the event's documents, each in every language it is named in: as
    set, else the event's partners."""
    return letterhead.issuer_list or [Translated.of(partner.name) for partner in event.partners]


def author_of(event: Event) -> str:
    """Who a PDF of the event names as its author: the organisations that issue its documents (the
    letterhead's, else the partners, in English), else the site's name."""
    return " · ".join(text_in(issuer, "en") for issuer in issuers_of(event, letterhead_of(event))) or str(
        _l("Workshop Manager")
    )


def save(
    event: Event,
    data: LetterheadData,
    images: dict[str, ImageUpload | None] | None = None,
    remove: set[str] = frozenset(),
    also: Callable[[], None] | None = None,
) -> Letterhead:
    """Save the letterhead, and whatever ``also`` changes, in one transaction. ``images`` by slot
    (logo_1..3, signature_1..2) replace the stored ones, ``remove`` names the slots to empty. A file
    that is not an image (PNG, JPEG, WebP) raises DomainError by its field and nothing is kept."""
    check(data)
    stored = store_images(images or {})
    lock_for_update(Event, event.id)  # two organisers saving at once: one after the other
    row = db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id))
    if row is None:
        row = Letterhead(event_id=event.id)
        db.session.add(row)
    row.issuers = lines_text(lines_of(data.issuers))
    row.address = "\n".join(clean_lines(data.address))
    row.place_of_signature = " ".join(data.place_of_signature.split())
    first, second = data.signatories
    row.signatory_1_name, row.signatory_1_title = first.name.strip(), Translated.of(first.title).strip()
    row.signatory_2_name, row.signatory_2_title = second.name.strip(), Translated.of(second.title).strip()
    replaced = []
    for slot in IMAGE_SLOTS:
        if slot in stored or slot in remove:
            replaced.append(getattr(row, slot) or "")
            setattr(row, slot, stored[slot].key if slot in stored else "")
    if also is not None:
        also()
    with uploads.kept_if_committed(stored.values(), replaced):
        db.session.commit()
    return row


def check(data: LetterheadData) -> None:
    if longest_line(data.issuers) > ISSUERS_MAX:
        raise DomainError(
            _l("Keep the list of issuers under %(count)d characters.", count=ISSUERS_MAX), field="issuers"
        )
    if len(data.address) > ADDRESS_MAX:
        raise DomainError(_l("Keep this under %(count)d characters.", count=ADDRESS_MAX), field="address")
    if len(data.place_of_signature.strip()) > PLACE_MAX:
        raise DomainError(_l("Keep this under %(count)d characters.", count=PLACE_MAX), field="place_of_signature")
    first, second = data.signatories
    for number, person in enumerate(data.signatories, start=1):
        for part in ("name", "title"):
            if longest_line(getattr(person, part)) > 200:
                raise DomainError(
                    _l("Keep this under %(count)d characters.", count=200), field=f"signatory_{number}_{part}"
                )
    if not first.name.strip() and second.name.strip():
        raise DomainError(_l("Name the first signatory before the second."), field="signatory_1_name")


def store_images(images: dict[str, ImageUpload | None]) -> dict[str, uploads.StoredFile]:
    """Keep each uploaded image under a new key; a refused one keeps none of them."""
    stored: dict[str, uploads.StoredFile] = {}
    try:
        for slot, image in images.items():
            if slot not in IMAGE_SLOTS or image is None or not image.filename:
                continue
            stored[slot] = uploads.store_upload(
                image.stream,
                image.filename,
                kinds=uploads.PHOTOS,
                field=slot,
                max_bytes=int(current_app.config["PHOTO_MAX_BYTES"]),
                image_side=LETTERHEAD_SIDE,
            )
    except DomainError:
        forget(stored.values())
        raise
    return stored


def forget(stored) -> None:
    for kept in stored:
        uploads.delete_stored(kept.key)


def clean_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def missing_images(letterhead: Letterhead, slots: tuple[str, ...] = IMAGE_SLOTS) -> list[str]:
    """Those of ``slots`` whose image is set but whose file is missing from the upload directory."""
    storage = upload_storage()
    return [slot for slot in slots if getattr(letterhead, slot) and not storage.exists(getattr(letterhead, slot))]


def image_files(letterhead: Letterhead, slots: tuple[str, ...]) -> dict[str, bytes]:
    """The images in ``slots`` (b"" where none is set), no larger than a document draws them;
    ImageMissing when a file is gone, or cannot be drawn within bounds: a document is never drawn
    without a logo or signature its organisers set."""
    return {slot: _image_file(letterhead, slot) for slot in slots}


def _image_file(letterhead: Letterhead, slot: str) -> bytes:
    key = getattr(letterhead, slot)
    if not key:
        return b""
    storage = upload_storage()
    try:
        with storage.open(key) as file:
            return fitted(file.read(), LETTERHEAD_SIDE)
    except FileMissing:
        log.error(
            "event %s: the letterhead's %s (upload %s) is missing from %s", letterhead.event_id, slot, key, storage.root
        )
    except (TooManyPixels, Unreadable):
        # kept before images were checked and re-encoded on upload
        log.error("event %s: the letterhead's %s (upload %s) is too large to draw", letterhead.event_id, slot, key)
    raise ImageMissing(slot)


# --- the images of signed documents -----------------------------------------------------------


def sign_images(letterhead: Letterhead, slots: tuple[str, ...]) -> dict[str, str]:
    """Copy the images in ``slots`` into ``SignedImage`` (within the caller's transaction) and return
    their SHA-256 by slot ("" where none is set). ImageMissing when a file is gone: a document is
    never signed without a logo or signature its organisers set."""
    files = image_files(letterhead, slots)
    signed = {slot: hashlib.sha256(data).hexdigest() if data else "" for slot, data in files.items()}
    wanted = {sha: files[slot] for slot, sha in signed.items() if sha}
    if wanted:
        kept = set(db.session.scalars(db.select(SignedImage.sha256).where(SignedImage.sha256.in_(wanted))))
        for sha, data in wanted.items():
            if sha not in kept:
                _keep_signed_image(sha, data)
    return signed


def _keep_signed_image(sha: str, data: bytes) -> None:
    """Insert unless another transaction just did (two organisers issuing at once)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    row = {"sha256": sha, "data": data, "created_at": utcnow()}
    db.session.execute(dialect.insert(SignedImage).values(row).on_conflict_do_nothing(index_elements=["sha256"]))


def current_signature_of_images(letterhead: Letterhead, slots: tuple[str, ...]) -> dict[str, str]:
    """The SHA-256 of the images in ``slots`` as they are now ("" where none is set, "missing" where the
    file is gone), to tell whether a signed document still shows them; nothing is stored."""
    result = {}
    for slot in slots:
        try:  # hashed as sign_images kept it
            result[slot] = (
                hashlib.sha256(_image_file(letterhead, slot)).hexdigest() if getattr(letterhead, slot) else ""
            )
        except ImageMissing:
            result[slot] = "missing"
    return result


def signed_image_files(shas) -> dict[str, bytes]:
    """The signed images with these SHA-256, by SHA-256; one that is not kept is left out."""
    wanted = {sha for sha in shas if sha}
    if not wanted:
        return {}
    rows = db.session.execute(db.select(SignedImage.sha256, SignedImage.data).where(SignedImage.sha256.in_(wanted)))
    return {sha: drawable for sha, data in rows if (drawable := _drawable(data))}


def _drawable(data: bytes) -> bytes:
    """A signed image no larger than a document draws it; b"" when it cannot be drawn within bounds
    (an image kept from before uploads were re-encoded)."""
    try:
        return fitted(data, LETTERHEAD_SIDE)
    except (TooManyPixels, Unreadable):
        return b""
