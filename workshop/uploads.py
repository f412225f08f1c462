"""Uploaded files: what is accepted, then kept in the storage (``storage.py``).

The checks run on a private temporary copy before anything reaches the upload directory: the type is
read from the content, the size is capped, and a file is accepted only when its content is one of the
kinds below *and* its name ends as that kind does, so an HTML or SVG page renamed ``.pdf`` is refused.
An accepted file is kept by a random key with its SHA-256, size and type recorded. Files are never
served inline.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l

from .errors import DomainError
from .extensions import db
from .storage import NotStored, upload_storage

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    name: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("pdf", "application/pdf", ("pdf",))
PNG = FileKind("png", "image/png", ("png",))
JPEG = FileKind("jpeg", "image/jpeg", ("jpg", "jpeg"))
GIF = FileKind("gif", "image/gif", ("gif",))
WEBP = FileKind("webp", "image/webp", ("webp",))
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",))
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
PPTX = FileKind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",))
ODT = FileKind("odt", "application/vnd.oasis.opendocument.text", ("odt",))
ODS = FileKind("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",))
ODP = FileKind("odp", "application/vnd.oasis.opendocument.presentation", ("odp",))
MS_OFFICE = FileKind("ms-office", "application/octet-stream", ("doc", "xls", "ppt"))  # the old binary formats

IMAGES = (PNG, JPEG, GIF, WEBP)
PHOTOS = (PNG, JPEG, WEBP)
DOCUMENTS = (PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, MS_OFFICE, *IMAGES)

# The old binary Office formats share one container: the name says which it is.
_LEGACY_OFFICE_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
_OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF_TYPES = {ODT.content_type: ODT, ODS.content_type: ODS, ODP.content_type: ODP}


@dataclass(frozen=True)
class StoredFile:
    key: str
    filename: str
    content_type: str
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return int(current_app.config["UPLOAD_MAX_BYTES"])


def size_label(size: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value >= 10 or value == int(value) else f"{value:.1f} {unit}"
    return f"{size} B"


def safe_filename(name: str) -> str:
    """The last part of what the browser sent, without folders or control characters; Chinese stays."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").split("/")[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    if len(name) > 200:  # shortened, but still ending as its content does
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: 199 - len(extension)]}.{extension}" if dot and len(extension) <= 10 else name[:200]
    return name or "file"


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def sniff(file: BinaryIO) -> FileKind | None:
    """What the content is, from its first bytes (and, for zip-based formats, its parts)."""
    file.seek(0)
    head = file.read(16)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return MS_OFFICE
    if head.startswith(b"PK\x03\x04"):
        return sniff_zip(file)
    return None


def sniff_zip(file: BinaryIO) -> FileKind | None:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                return _ODF_TYPES.get(archive.read("mimetype").decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                for prefix, kind in _OOXML_PARTS.items():
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def readable_image(file: BinaryIO) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        file.seek(0)
        with Image.open(file) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return True


def allowed_names(kinds: tuple[FileKind, ...]) -> str:
    return ", ".join(sorted({ext.upper() for kind in kinds for ext in kind.extensions}))


@dataclass(frozen=True)
class Accepted:
    filename: str
    content_type: str
    size: int
    sha256: str


def check_upload(
    stream: BinaryIO,
    copy: BinaryIO,
    filename: str,
    kinds: tuple[FileKind, ...],
    field: str,
    limit: int,
    image: bool = False,
) -> Accepted:
    """Copy ``stream`` into ``copy`` and check it; DomainError (by ``field``) when it is not accepted.
    ``image``: the file must also be an image that can be read, not only start like one."""
    name = safe_filename(filename)
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise DomainError(
                _l("The file is larger than the limit of %(limit)s.", limit=size_label(limit)), field=field
            )
        digest.update(chunk)
        copy.write(chunk)
    if size == 0:
        raise DomainError(_l("The file is empty."), field=field)
    kind = sniff(copy)
    if kind is None or kind not in kinds:
        raise DomainError(
            _l("This type of file is not accepted here. Accepted: %(kinds)s.", kinds=allowed_names(kinds)), field=field
        )
    if extension_of(name) not in kind.extensions:
        raise DomainError(
            _l(
                "The file's name does not match its content: it should end in .%(extension)s.",
                extension=kind.extensions[0],
            ),
            field=field,
        )
    if image and not readable_image(copy):
        raise DomainError(_l("This image cannot be read. Save it again as PNG or JPEG."), field=field)
    content_type = (
        _LEGACY_OFFICE_TYPES.get(extension_of(name), kind.content_type) if kind is MS_OFFICE else kind.content_type
    )
    return Accepted(filename=name, content_type=content_type, size=size, sha256=digest.hexdigest())


def store_upload(
    stream: BinaryIO,
    filename: str,
    kinds: tuple[FileKind, ...],
    field: str = "file",
    max_bytes: int | None = None,
    image: bool = False,
) -> StoredFile:
    """Check ``stream`` and keep it in the upload storage, or raise DomainError (by ``field``) and keep nothing."""
    with tempfile.TemporaryFile() as copy:
        accepted = check_upload(stream, copy, filename, kinds, field, max_bytes or max_upload_bytes(), image)
        copy.seek(0)
        try:
            key = upload_storage().save(copy)
        except NotStored as error:
            log.error("an upload (%s, %d bytes) could not be stored: %s", accepted.filename, accepted.size, error)
            raise DomainError(
                _l("The file could not be stored; tell the site's administrator."), field=field
            ) from error
    return StoredFile(
        key=key,
        filename=accepted.filename,
        content_type=accepted.content_type,
        size=accepted.size,
        sha256=accepted.sha256,
    )


def delete_stored(key: str) -> None:
    upload_storage().delete(key)


@contextmanager
def kept_if_committed(stored: Iterable[StoredFile], replaced: Iterable[str] = ()):
    """Around the changes that refer to newly ``stored`` files, up to their commit: when anything in
    the block fails, the transaction is rolled back and the new files go; when it succeeds, the
    files with the ``replaced`` keys go (empty keys are skipped)."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        for file in stored:
            delete_stored(file.key)
        raise
    for key in replaced:
        if key:
            delete_stored(key)
