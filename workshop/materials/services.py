"""Materials: files (with versions) and links for an event or one of its sessions.

Who may add, change and see a material is decided in ``security``; here the rules are applied.
A file is kept in the upload storage (``uploads.store_upload``) only after every other check has
passed, and removed again if the database refuses the row; the files of a deleted material are
removed once the deletion is committed. A file that has gone missing from the storage is an error
(``MissingFile``) that names the material, never a download or ZIP without it.
"""

from __future__ import annotations

import logging
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from .. import security, uploads
from ..accounts.models import User
from ..agenda.models import AgendaSession, SessionSpeaker, Speaker
from ..database import lock_for_update
from ..errors import DomainError, Forbidden, MissingFile, NotFound
from ..events.models import Event
from ..extensions import db
from ..storage import FileMissing, upload_storage
from ..timeutil import utc_to_local, utcnow
from ..translated import Translated
from .models import Material, MaterialVersion, Visibility

log = logging.getLogger(__name__)

TITLE_MAX = 300
DESCRIPTION_MAX = 2000
URL_MAX = 2000
LINK_SCHEMES = ("http", "https")


class MaterialNotFound(NotFound):
    def __init__(self):
        super().__init__(_l("This material does not exist (any more)."))


@dataclass
class MaterialData:
    """A material as typed into the form. ``session_id`` None: for the whole event. The title and the
    description are written in every language (a plain text is one language's)."""

    title: Translated | str
    description: Translated | str = ""
    visibility: Visibility | str = Visibility.PARTICIPANTS
    session_id: int | None = None
    url: str = ""


# --- reading ------------------------------------------------------------------------


def _with_details(query):
    return query.options(
        selectinload(Material.versions),
        selectinload(Material.session),
        selectinload(Material.event),
        selectinload(Material.created_by),
    )


def event_materials(event_id: int) -> list[Material]:
    """Every material of the event: the event's own first, then by session, in upload order."""
    query = (
        db.select(Material)
        .outerjoin(AgendaSession, Material.session_id == AgendaSession.id)
        .where(Material.event_id == event_id)
        .order_by(
            Material.session_id.is_not(None),
            AgendaSession.starts_at,
            AgendaSession.title,
            AgendaSession.id,
            Material.created_at,
            Material.id,
        )
    )
    return list(db.session.scalars(_with_details(query)))


def visible_materials(viewer, event: Event) -> list[Material]:
    """What ``viewer`` (a user, the anonymous user or None) may see of the event's materials."""
    audience = security.material_audience(viewer, event)
    signed_in = security.is_signed_in(viewer)
    if not audience and not signed_in:
        return []
    return [m for m in event_materials(event.id) if security.can_see_material(viewer, m, audience)]


def visible_session_materials(viewer, session: AgendaSession) -> list[Material]:
    """What ``viewer`` may see of one session's materials."""
    event = session.event
    audience = security.material_audience(viewer, event)
    if not audience and not security.is_signed_in(viewer):
        return []
    query = db.select(Material).where(Material.session_id == session.id).order_by(Material.created_at, Material.id)
    return [m for m in db.session.scalars(_with_details(query)) if security.can_see_material(viewer, m, audience)]


def by_session(materials: list[Material]) -> list[tuple[AgendaSession | None, list[Material]]]:
    """The materials in groups: the event's own (session None) first, then each session's, in agenda order."""
    groups: dict[int | None, tuple[AgendaSession | None, list[Material]]] = {}
    for material in materials:
        groups.setdefault(material.session_id, (material.session, []))[1].append(material)
    return sorted(
        groups.values(),
        key=lambda group: (
            group[0] is not None,
            *((group[0].starts_at, group[0].title, group[0].id) if group[0] else ()),
        ),
    )


def uploadable_sessions(user, event: Event) -> list[AgendaSession]:
    """The sessions ``user`` may add materials to: all for organisers, their own for speakers."""
    query = (
        db.select(AgendaSession)
        .where(AgendaSession.event_id == event.id)
        .order_by(AgendaSession.starts_at, AgendaSession.title, AgendaSession.id)
    )
    if not security.can_manage_event(user, event):
        if not security.is_signed_in(user):
            return []
        query = query.where(
            AgendaSession.id.in_(
                db.select(SessionSpeaker.session_id)
                .join(Speaker, SessionSpeaker.speaker_id == Speaker.id)
                .where(Speaker.user_id == user.id)
            )
        )
    return list(db.session.scalars(query))


def material_of(event_id: int, material_id: int) -> Material:
    material = db.session.scalar(
        _with_details(db.select(Material).where(Material.id == material_id, Material.event_id == event_id))
    )
    if material is None:
        raise MaterialNotFound()
    return material


def file_to_download(viewer, material_id: int, number: int | None = None) -> tuple[Material, MaterialVersion | None]:
    """The material and the version to send (None for a link): the current one, or ``number``.

    MaterialNotFound for an unknown material or version and for a draft event that ``viewer``
    does not manage; Forbidden when the viewer may not see it.
    """
    material = db.session.scalar(_with_details(db.select(Material).where(Material.id == material_id)))
    if material is None or not security.can_view_event(viewer, material.event):
        raise MaterialNotFound()
    if not security.can_see_material(viewer, material):
        if material.visibility is Visibility.ORGANISERS:
            raise Forbidden(_l("This material is for the event's organisers only."))
        raise Forbidden(_l("This material is for the event's confirmed participants and speakers only."))
    if material.is_link:
        if number is not None:
            raise MaterialNotFound()
        return material, None
    version = material.current if number is None else next((v for v in material.versions if v.number == number), None)
    if version is None:
        raise MaterialNotFound()
    return material, version


def stored_file(material: Material, version: MaterialVersion) -> Path:
    """Where the version's file is, to send it; MissingFile when it is gone from the upload storage."""
    try:
        return upload_storage().path(version.storage_key)
    except FileMissing:
        _log_missing(material, version)
        raise MissingFile(
            _l(
                "The file “%(filename)s” of “%(title)s” (version %(number)d) is missing on the server. Upload it "
                "again as a new version: choose Change.",
                filename=version.filename,
                title=material.title,
                number=version.number,
            ),
            _l(
                "The file of “%(title)s” is missing on the server. The event's organisers need to upload it again.",
                title=material.title,
            ),
            status=404,
        ) from None


def materials_with_missing_files(materials: list[Material]) -> set[int]:
    """The ids of those whose current file is missing from the upload storage (for the organisers' list)."""
    storage = upload_storage()
    return {m.id for m in materials if m.current is not None and not storage.exists(m.current.storage_key)}


def _log_missing(material: Material, version: MaterialVersion) -> None:
    log.error(
        "material %s version %s: upload %s is missing from %s",
        material.id,
        version.number,
        version.storage_key,
        upload_storage().root,
    )


# --- checks -------------------------------------------------------------------------


def _visibility(value: Visibility | str) -> Visibility:
    if isinstance(value, Visibility):
        return value
    try:
        return Visibility(value)
    except ValueError:
        raise DomainError(_l("Choose who may see it from the list."), field="visibility") from None


def clean_url(url: str) -> str:
    """A web address people can open: http or https and a host; never ``javascript:``, ``data:`` or a file path."""
    url = (url or "").strip()
    if any(unicodedata.category(c)[0] in "CZ" for c in url):  # control characters, spaces, line breaks
        raise DomainError(_l("A web address has no spaces or line breaks."), field="url")
    if len(url) > URL_MAX:
        raise DomainError(_l("The address is too long (at most %(max)d characters).", max=URL_MAX), field="url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises for a port that is not a number)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in LINK_SCHEMES or not parts.hostname:
        raise DomainError(_l("Enter a web address that starts with https:// or http://."), field="url")
    return url


def _longest(text: Translated) -> int:
    """The length of the longest language's text: each language is held to the same limit."""
    return max(map(len, text.texts.values()), default=0)


def _check(data: MaterialData, event: Event) -> tuple[Translated, Translated, Visibility, AgendaSession | None]:
    title = Translated.of(data.title).strip()
    if not title:
        raise DomainError(_l("Give the material a title."), field="title")
    if _longest(title) > TITLE_MAX:
        raise DomainError(_l("The title is too long (at most %(max)d characters).", max=TITLE_MAX), field="title")
    description = Translated.of(data.description).strip()
    if _longest(description) > DESCRIPTION_MAX:
        raise DomainError(
            _l("The description is too long (at most %(max)d characters).", max=DESCRIPTION_MAX), field="description"
        )
    visibility = _visibility(data.visibility)
    session = None
    if data.session_id is not None:
        session = db.session.get(AgendaSession, data.session_id)
        if session is None or session.event_id != event.id:
            raise DomainError(_l("Choose a session of this event from the list."), field="session_id")
    return title, description, visibility, session


def _require_may_add(actor: User, event: Event, session: AgendaSession | None) -> None:
    allowed = (
        security.can_upload_to_session(actor, session)
        if session is not None
        else security.can_manage_event(actor, event)
    )
    if not allowed or not security.can_view_event(actor, event):
        raise Forbidden(_l("You may add materials only to the sessions you speak in."))


def _require_may_change(actor: User, material: Material) -> None:
    if not security.can_view_event(actor, material.event) or not security.can_change_material(actor, material):
        raise Forbidden(_l("Only the event's organisers and the speaker who uploaded it may change this material."))


def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise MaterialNotFound()
    return event


# --- changes ------------------------------------------------------------------------


def add_file(actor: User, event_id: int, data: MaterialData, stream: BinaryIO | None, filename: str) -> Material:
    """A new material with its first version. Nothing is kept when anything is wrong."""
    material = _new_material(actor, event_id, data)
    if stream is None or not filename:
        raise DomainError(_l("Choose a file, or give a link instead."), field="file")
    stored = uploads.store_upload(stream, filename, uploads.DOCUMENTS)
    with uploads.kept_if_committed([stored]):
        material.versions = [_version(actor, stored, 1)]
        db.session.add(material)
        db.session.commit()
    return material


def add_link(actor: User, event_id: int, data: MaterialData) -> Material:
    material = _new_material(actor, event_id, data)
    material.url = clean_url(data.url)
    db.session.add(material)
    db.session.commit()
    return material


def _new_material(actor: User, event_id: int, data: MaterialData) -> Material:
    """The material ``data`` describes, checked and allowed for ``actor``; not yet added to the session."""
    event = _event(event_id)
    title, description, visibility, session = _check(data, event)
    _require_may_add(actor, event, session)
    return Material(
        event_id=event.id,
        session_id=session.id if session else None,
        title=title,
        description=description,
        visibility=visibility,
        created_by_id=actor.id,
    )


def add_version(
    actor: User, event_id: int, material_id: int, stream: BinaryIO | None, filename: str
) -> MaterialVersion:
    """A new current version; the earlier ones stay and can still be downloaded."""
    material = material_of(event_id, material_id)
    _require_may_change(actor, material)
    if material.is_link:
        raise DomainError(_l("A link has no versions: change its address instead."), field="file")
    if stream is None or not filename:
        raise DomainError(_l("Choose the new version of the file."), field="file")
    stored = uploads.store_upload(stream, filename, uploads.DOCUMENTS)
    with uploads.kept_if_committed([stored]):
        material = lock_for_update(Material, material_id)  # two new versions at once get 2 and 3, not 2 twice
        if material is None:
            raise MaterialNotFound()
        last = (
            db.session.scalar(
                db.select(func.max(MaterialVersion.number)).where(MaterialVersion.material_id == material.id)
            )
            or 0
        )
        version = _version(actor, stored, last + 1)
        version.material_id = material.id
        db.session.add(version)
        material.updated_at = utcnow()
        db.session.commit()
    return version


def _version(actor: User, stored: uploads.StoredFile, number: int) -> MaterialVersion:
    return MaterialVersion(
        number=number,
        storage_key=stored.key,
        filename=stored.filename,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by_id=actor.id,
    )


def update_material(actor: User, event_id: int, material_id: int, data: MaterialData) -> Material:
    """Title, description, visibility, and (a link's) address. Where it is attached stays."""
    material = material_of(event_id, material_id)
    _require_may_change(actor, material)
    data.session_id = material.session_id
    title, description, visibility, _session = _check(data, material.event)
    url = clean_url(data.url) if material.is_link else ""
    material.title, material.description, material.visibility = title, description, visibility
    if material.is_link:
        material.url = url
    db.session.commit()
    return material


def delete_material(actor: User, event_id: int, material_id: int) -> Translated:
    """Delete the material with every version; the files go once the deletion is committed. Returns its title."""
    material = material_of(event_id, material_id)
    _require_may_change(actor, material)
    title = material.title
    keys = [version.storage_key for version in material.versions]
    db.session.delete(material)
    db.session.commit()
    for key in keys:
        uploads.delete_stored(key)
    return title


# --- everything in one ZIP -----------------------------------------------------------

_NOT_IN_NAMES = '<>:"/\\|?*'


def zip_name(name: str, fallback: str = "file") -> str:
    """A file or folder name that every system accepts: no folders, no reserved characters, not too long."""
    name = uploads.safe_filename(name)
    name = "".join("_" if c in _NOT_IN_NAMES else c for c in name).strip().rstrip(". ")
    if len(name) > 120:
        stem, dot, extension = name.rpartition(".")
        name = (stem[:110] + dot + extension) if dot and len(extension) <= 8 else name[:120]
    return name or fallback


def _unique(name: str, taken: set[str]) -> str:
    """``slides.pdf``, then ``slides (2).pdf``: names compared without case, as Windows and macOS do."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, dot, extension = name, "", ""
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem} ({n}){dot}{extension}"
    taken.add(candidate.lower())
    return candidate


def session_folder(session: AgendaSession, zone: str) -> str:
    start = utc_to_local(session.starts_at, zone)
    return zip_name(f"{start:%Y-%m-%d %H.%M} {session.title}", fallback=f"{start:%Y-%m-%d %H.%M}")


def materials_zip(viewer, event: Event, event_folder: str, links_heading: str) -> tuple[IO[bytes], int] | None:
    """Every file ``viewer`` may see (current versions) in a folder per session plus ``event_folder``,
    and the links in ``links.txt``; None when there is nothing to put in it.

    The ZIP is written to a temporary file (gone once it is closed) and returned with its size.
    MissingFile, naming them, when files are missing from the upload storage.
    """
    groups = by_session(visible_materials(viewer, event))
    if not groups:
        return None
    storage = upload_storage()
    out = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the response, which closes it)
    try:
        folders: set[str] = set()
        links: list[str] = []
        missing: list[Material] = []
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
            for session, materials in groups:
                folder = _unique(
                    zip_name(event_folder) if session is None else session_folder(session, event.timezone), folders
                )
                names: set[str] = set()
                folder_links = []
                for material in materials:
                    if material.is_link:
                        folder_links.append(f"{material.title}\n{material.url}\n")
                        continue
                    version = material.current
                    if version is None:
                        continue
                    try:
                        path = storage.path(version.storage_key)
                    except FileMissing:
                        _log_missing(material, version)
                        missing.append(material)
                        continue
                    archive.write(path, arcname=f"{folder}/{_unique(zip_name(version.filename), names)}")
                if folder_links:
                    links.append(f"== {folder} ==\n\n" + "\n".join(folder_links))
            if links:
                archive.writestr(
                    "links.txt", f"{links_heading}\n\n" + "\n".join(links), compress_type=zipfile.ZIP_DEFLATED
                )
        if missing:
            titles = "”, “".join(str(material.title) for material in missing)
            raise MissingFile(
                _l(
                    "The ZIP cannot be made: the file of “%(titles)s” is missing on the server. Upload it again as a "
                    "new version: choose Change.",
                    titles=titles,
                ),
                _l(
                    "The ZIP cannot be made: the file of “%(titles)s” is missing on the server. The event's "
                    "organisers need to upload it again; the other materials can be downloaded one by one.",
                    titles=titles,
                ),
                status=404,
            )
        size = out.tell()
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return out, size
