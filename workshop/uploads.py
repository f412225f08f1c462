"""Uploaded files: the type is read from the content, the size is capped, and each file is kept
under ``instance/uploads/`` by a random name with its SHA-256, size and type recorded.

A file is accepted only when its content is one of the kinds below *and* its name ends as that
kind does, so an HTML or SVG page renamed ``.pdf`` is refused. Files are never served inline.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l

from .errors import DomainError

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
_LEGACY_OFFICE_TYPES = {"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint"}
_OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF_TYPES = {ODT.content_type: ODT, ODS.content_type: ODS, ODP.content_type: ODP}


@dataclass(frozen=True)
class StoredFile:
    key: str
    filename: str
    content_type: str
    size: int
    sha256: str


def upload_folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(key: str) -> Path:
    if not key or not all(c in "0123456789abcdef" for c in key):
        raise FileNotFoundError(key)
    return upload_folder() / key


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


def sniff(path: Path) -> FileKind | None:
    """What the content is, from its first bytes (and, for zip-based formats, its parts)."""
    with path.open("rb") as f:
        head = f.read(16)
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
        return sniff_zip(path)
    return None


def sniff_zip(path: Path) -> FileKind | None:
    try:
        with zipfile.ZipFile(path) as archive:
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


def allowed_names(kinds: tuple[FileKind, ...]) -> str:
    return ", ".join(sorted({ext.upper() for kind in kinds for ext in kind.extensions}))


def store_upload(stream: BinaryIO, filename: str, kinds: tuple[FileKind, ...], field: str = "file", max_bytes: int | None = None) -> StoredFile:
    """Copy ``stream`` into the upload folder, or raise DomainError (by ``field``) and keep nothing."""
    limit = max_bytes or max_upload_bytes()
    name = safe_filename(filename)
    folder = upload_folder()
    key = secrets.token_hex(16)
    partial = folder / f"{key}.part"
    digest, size = hashlib.sha256(), 0
    try:
        with partial.open("wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise DomainError(_l("The file is larger than the limit of %(limit)s.", limit=size_label(limit)), field=field)
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise DomainError(_l("The file is empty."), field=field)
        kind = sniff(partial)
        if kind is None or kind not in kinds:
            raise DomainError(_l("This type of file is not accepted here. Accepted: %(kinds)s.", kinds=allowed_names(kinds)), field=field)
        if extension_of(name) not in kind.extensions:
            raise DomainError(
                _l("The file's name does not match its content: it should end in .%(extension)s.", extension=kind.extensions[0]), field=field
            )
        os.replace(partial, folder / key)
    finally:
        partial.unlink(missing_ok=True)
    content_type = _LEGACY_OFFICE_TYPES.get(extension_of(name), kind.content_type) if kind is MS_OFFICE else kind.content_type
    return StoredFile(key=key, filename=name, content_type=content_type, size=size, sha256=digest.hexdigest())


def delete_stored(key: str) -> None:
    try:
        stored_path(key).unlink(missing_ok=True)
    except FileNotFoundError:
        pass
