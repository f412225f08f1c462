"""Publishing the outcomes of an event: the workshop report compiled now in every language, press
releases, and materials (one version of each); withdrawing and publishing again.

Every file a publication offers is a copy in the upload storage made when it is published, so
later edits of the report or the materials do not change it. A copy that a change replaces is
deleted once the change is committed; a copy made for a change that fails is deleted at once.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session

from .. import security
from ..agenda import revision
from ..database import lock_for_update
from ..errors import DomainError, Forbidden, NotFound
from ..events.models import Event
from ..events.services import slugify
from ..extensions import db
from ..fragments import kept_or_made
from ..jobs import services as jobs
from ..jobs.models import Job
from ..materials.models import Material, Visibility
from ..storage import FileMissing, NotStored, upload_storage
from ..timeutil import utcnow
from ..translated import DEFAULT_LANGUAGE, LANGUAGES, Translated, too_long
from .models import Audience, Publication, PublicationFile, PublicationKind

TITLE_MAX = 300
REPLACED_FILES = "publishing_replaced_files"
BODY_MAX = 50_000


class PublicationNotFound(NotFound):
    pass


@dataclass(frozen=True)
class PressReleaseData:
    title: Translated
    body: Translated
    dated: date | None
    audience: Audience


def slug_of(publication: Publication | Outcome) -> str:
    """The readable part of its address (the id is what finds it)."""
    return slugify(publication.title.in_language(DEFAULT_LANGUAGE))[:60].rstrip("-") or "resource"


def search_text_of(title: Translated) -> str:
    return "\n".join(title.texts.values()).casefold()


def padded(languages) -> str:
    """Languages as kept: each between spaces, so one is found by ``LIKE '% zh %'``."""
    return f" {' '.join(languages)} " if languages else ""


# --- looking up -----------------------------------------------------------------------------


def publications_of(event: Event) -> list[Publication]:
    """All of the event's publications, live and withdrawn, for its organisers."""
    return list(
        db.session.scalars(
            db.select(Publication)
            .where(Publication.event_id == event.id)
            .order_by(Publication.dated.desc(), Publication.id)
        )
    )


@dataclass(frozen=True)
class Outcome:
    """What the event's page shows of one of its live publications."""

    id: int
    kind: PublicationKind
    audience: Audience
    title: Translated
    dated: date


def live_outcomes(event: Event) -> tuple[Outcome, ...]:
    """The event's live publications, newest first, kept under the event's revision, which every
    change to a publication raises (``agenda.revision.raises_the_revision``)."""
    return kept_or_made(("outcomes", event.id, event.agenda_revision), lambda: _read_live_outcomes(event.id))


def _read_live_outcomes(event_id: int) -> tuple[Outcome, ...]:
    rows = db.session.execute(
        db.select(Publication.id, Publication.kind, Publication.audience, Publication.title, Publication.dated)
        .where(Publication.event_id == event_id, Publication.withdrawn_at.is_(None))
        .order_by(Publication.dated.desc(), Publication.id.desc())
    )
    return tuple(Outcome(*row) for row in rows)


revision.raises_the_revision(Publication)


def visible_publications(viewer, event: Event) -> list[Outcome]:
    """What ``viewer`` may read of the event's outcomes: the report first, then the newest."""
    if not event.is_public:
        return []
    live = live_outcomes(event)
    if not live:
        return []
    participant = any(p.audience is Audience.PARTICIPANTS for p in live) and (
        security.can_manage_event(viewer, event)
        or security.is_confirmed_participant(viewer, event)
        or security.is_speaker_at(viewer, event)
    )
    shown = [p for p in live if p.audience is Audience.PUBLIC or participant]
    return sorted(shown, key=lambda p: p.kind is not PublicationKind.REPORT)


def publication_of(event: Event, publication_id: int) -> Publication:
    publication = db.session.get(Publication, publication_id)
    if publication is None or publication.event_id != event.id:
        raise PublicationNotFound()
    return publication


def report_publication(event: Event) -> Publication | None:
    return db.session.scalar(
        db.select(Publication).where(Publication.event_id == event.id, Publication.kind == PublicationKind.REPORT)
    )


def publishable_materials(event: Event) -> list[Material]:
    """The event's materials with something to publish: a link, or a file with its versions."""
    materials = db.session.scalars(
        db.select(Material).where(Material.event_id == event.id).order_by(Material.created_at, Material.id)
    ).all()
    return [m for m in materials if m.is_link or m.versions]


# --- publishing -----------------------------------------------------------------------------


def _event_to_publish(actor, event_id: int) -> Event:
    event = lock_for_update(Event, event_id)
    if event is None:
        raise NotFound()
    if not security.can_publish_outcomes(actor, event):
        raise Forbidden(_l("Only the event's organisers publish its outcomes."))
    return event


def _audience(value: Audience | str) -> Audience:
    try:
        return Audience(value.value if isinstance(value, Audience) else value)
    except ValueError:
        raise DomainError(_l("Choose who may read it."), field="audience") from None


@contextmanager
def _new_files() -> Iterator[list[str]]:
    """Keys of files stored for a change: deleted again when the change fails."""
    keys: list[str] = []
    try:
        yield keys
    except BaseException:
        for key in keys:
            upload_storage().delete(key)
        raise


def _store(data: bytes, keys: list[str]) -> PublicationFile:
    try:
        key = upload_storage().save(io.BytesIO(data))
    except NotStored as error:
        raise DomainError(_l("The file could not be stored; tell the site's administrator.")) from error
    keys.append(key)
    return PublicationFile(storage_key=key, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def _replace_files(publication: Publication, files: list[PublicationFile]) -> None:
    """Put ``files`` in place of the publication's; the replaced ones are deleted from the storage
    once the change is committed (and kept if it is not)."""
    db.session.info.setdefault(REPLACED_FILES, []).extend(file.storage_key for file in publication.files)
    publication.files = files


@sqlalchemy_event.listens_for(Session, "after_commit")
def _delete_replaced_files(session: Session) -> None:
    for key in session.info.pop(REPLACED_FILES, []):
        upload_storage().delete(key)


@sqlalchemy_event.listens_for(Session, "after_soft_rollback")
def _keep_replaced_files(session: Session, previous_transaction) -> None:
    # Even a savepoint's: a file left behind costs some space, a file deleted too early a publication.
    session.info.pop(REPLACED_FILES, None)


def _stamp(publication: Publication, actor_id: int | None, replacing: bool) -> None:
    if replacing:
        publication.version += 1
    publication.published_at = utcnow()
    publication.published_by_id = actor_id
    publication.withdrawn_at = None


def compiled_report(event: Event) -> dict[str, bytes]:
    """The report as compiled now, in every language, by language."""
    from ..reports.pdf import render_report

    compiled = {}
    for language in LANGUAGES:
        with force_locale(language):
            compiled[language] = render_report(event)
    return compiled


def start_publishing_report(
    actor, event_id: int, audience: Audience | str, before_the_end_confirmed: bool
) -> jobs.Started:
    """Publish the report, compiled by the worker in every language from the data as it is then; it
    replaces what was published before. Before the event ends only when the organiser confirmed it."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound()
    if not security.can_publish_outcomes(actor, event):
        raise Forbidden(_l("Only the event's organisers publish its outcomes."))
    chosen = _audience(audience)
    if utcnow() < event.ends_at and not before_the_end_confirmed:
        raise DomainError(
            _l("The event has not ended yet. Tick the box to confirm that the report is final before it ends."),
            field="confirm_early",
        )
    return jobs.start(publish_report, event, actor, audience=chosen.value)


def _the_event(job: Job) -> list[int]:
    return [job.event_id]


@jobs.kind(_l("Publishing the workshop report"), _the_event, page="publishing.manage")
def publish_report(job: Job, event_id: int) -> None:
    event = db.session.get(Event, event_id)
    compiled = compiled_report(event)
    with _new_files() as keys:
        files = []
        for language, data in compiled.items():
            file = _store(data, keys)
            file.language = language
            file.filename = f"{event.slug}-report-{language}.pdf"
            file.content_type = "application/pdf"
            files.append(file)
        publication = report_publication(event)
        replacing = publication is not None
        if publication is None:
            publication = Publication(event_id=event.id, kind=PublicationKind.REPORT)
            db.session.add(publication)
        publication.title = event.title
        publication.search_text = search_text_of(event.title)
        publication.audience = Audience(job.params["audience"])
        publication.dated = utcnow().date()
        publication.languages = padded(compiled)
        _stamp(publication, job.created_by_id, replacing)
        _replace_files(publication, files)
        db.session.flush()


def _check_press_release(data: PressReleaseData) -> tuple[Translated, Translated]:
    title, body = Translated.of(data.title).strip(), Translated.of(data.body).strip()
    if not title:
        raise DomainError(_l("Write this in at least one language."), field="title")
    if message := too_long(title, TITLE_MAX):
        raise DomainError(message, field="title")
    if not body:
        raise DomainError(_l("Write this in at least one language."), field="body")
    if message := too_long(body, BODY_MAX):
        raise DomainError(message, field="body")
    return title, body


def save_press_release(actor, event_id: int, data: PressReleaseData, publication_id: int | None = None) -> Publication:
    """A new press release, published at once; or a published one replaced by its new text."""
    event = _event_to_publish(actor, event_id)
    title, body = _check_press_release(data)
    audience = _audience(data.audience)
    if publication_id is None:
        publication = Publication(event_id=event.id, kind=PublicationKind.PRESS_RELEASE)
        db.session.add(publication)
        replacing = False
    else:
        publication = publication_of(event, publication_id)
        if publication.kind is not PublicationKind.PRESS_RELEASE:
            raise PublicationNotFound()
        replacing = True
    publication.title = title
    publication.body = body
    publication.search_text = search_text_of(title)
    publication.audience = audience
    publication.dated = data.dated or utcnow().date()
    publication.languages = padded(language for language in LANGUAGES if body.get(language))
    _stamp(publication, actor.id, replacing)
    db.session.commit()
    return publication


def publish_material(
    actor, event_id: int, material_id: int, version_number: int | None, audience: Audience | str
) -> Publication:
    """A copy of one version of a material (its current one unless ``version_number``), or the
    material's link, published; it replaces what was published of the same material before."""
    event = _event_to_publish(actor, event_id)
    material = db.session.get(Material, material_id)
    if material is None or material.event_id != event.id:
        raise DomainError(_l("Choose one of the event's materials."), field="material")
    chosen = _audience(audience)
    with _new_files() as keys:
        files: list[PublicationFile] = []
        number = None
        if not material.is_link:
            version = _version_of(material, version_number)
            number = version.number
            file = _store(_read_version(version.storage_key), keys)
            file.filename = version.filename
            file.content_type = version.content_type
            files.append(file)
        publication = db.session.scalar(
            db.select(Publication).where(Publication.event_id == event.id, Publication.material_id == material.id)
        )
        replacing = publication is not None
        if publication is None:
            publication = Publication(event_id=event.id, kind=PublicationKind.MATERIAL, material_id=material.id)
            db.session.add(publication)
        publication.title = material.title
        publication.body = material.description
        publication.search_text = search_text_of(material.title)
        publication.url = material.url
        publication.material_version = number
        publication.audience = chosen
        publication.dated = utcnow().date()
        publication.languages = padded(language for language in LANGUAGES if material.title.get(language))
        _stamp(publication, actor.id, replacing)
        _replace_files(publication, files)
        db.session.commit()
    return publication


def _version_of(material: Material, number: int | None):
    if not material.versions:
        raise DomainError(_l("This material has no file to publish."), field="material")
    if number is None:
        return material.versions[0]
    version = next((v for v in material.versions if v.number == number), None)
    if version is None:
        raise DomainError(_l("Choose one of the material's versions."), field="material")
    return version


def _read_version(key: str) -> bytes:
    try:
        with upload_storage().open(key) as stream:
            return stream.read()
    except FileMissing:
        raise DomainError(
            _l("The file of this version is missing on the server: upload it again, then publish it."),
            field="material",
        ) from None


def default_audience(material: Material) -> Audience:
    return Audience.PUBLIC if material.visibility is Visibility.PUBLIC else Audience.PARTICIPANTS


def withdraw(actor, event_id: int, publication_id: int) -> Publication:
    """No longer offered: its address then says it was withdrawn. Its files are kept, so that it can
    be published again as it was."""
    event = _event_to_publish(actor, event_id)
    publication = publication_of(event, publication_id)
    if publication.withdrawn_at is None:
        publication.withdrawn_at = utcnow()
    db.session.commit()
    return publication


def publish_again(actor, event_id: int, publication_id: int) -> Publication:
    """A withdrawn publication offered again, as it was when withdrawn."""
    event = _event_to_publish(actor, event_id)
    publication = publication_of(event, publication_id)
    publication.withdrawn_at = None
    db.session.commit()
    return publication
