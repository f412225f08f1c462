"""The end of an event's life: a draft nobody registered for is deleted, a past event is archived
(still public, closed to registration, out of the organisers' active list)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from ..accounts.models import User
from ..database import lock_for_update
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..security import can_manage_event
from ..timeutil import utcnow
from ..translated import Translated
from ..uploads import delete_stored
from .models import Event, EventStatus


class ManagedList(enum.Enum):
    """The organisers' lists of their events."""

    ACTIVE = "active"
    ARCHIVED = "archived"
    TEMPLATES = "templates"


def managed_events(actor: User, showing: ManagedList = ManagedList.ACTIVE) -> list[Event]:
    query = db.select(Event).order_by(Event.starts_at.desc())
    if not actor.is_admin:
        query = query.where(Event.organisers.any(User.id == actor.id))
    if showing is ManagedList.TEMPLATES:
        return list(db.session.scalars(query.where(Event.is_template.is_(True))))
    query = query.where(Event.is_template.is_(False))
    if showing is ManagedList.ARCHIVED:
        return list(db.session.scalars(query.where(Event.status == EventStatus.ARCHIVED)))
    return list(db.session.scalars(query.where(Event.status != EventStatus.ARCHIVED)))


def registration_count(event_id: int) -> int:
    from ..registration.models import Registration  # registration builds on events, not the reverse

    return db.session.scalar(db.select(func.count()).where(Registration.event_id == event_id))


def deletion_refused(event: Event):
    """Why the event cannot be deleted, or None when it can."""
    if event.status is not EventStatus.DRAFT:
        return _l("Only a draft can be deleted; a past event can be archived instead.")
    if registration_count(event.id):
        return _l("People have registered for this event, so it cannot be deleted.")
    return None


def delete_draft(actor: User, event_id: int) -> Translated:
    """Delete a draft that nobody registered for, with all it holds; returns its title."""
    event = lock_for_update(Event, event_id)
    if event is None or not can_manage_event(actor, event):
        raise Forbidden(_l("You do not organise this event."))
    if refusal := deletion_refused(event):
        raise DomainError(refusal)
    title = event.title
    files = uploaded_files(event.id)
    db.session.delete(event)  # the database deletes the rest with it (ondelete="CASCADE")
    db.session.commit()
    for key in files:
        delete_stored(key)
    return title


def uploaded_files(event_id: int) -> list[str]:
    """The keys of the files an event's rows refer to, to delete once the rows are gone."""
    from ..agenda.models import Speaker
    from ..jobs.models import Job
    from ..letterhead.models import IMAGE_SLOTS, Letterhead
    from ..materials.models import Material, MaterialVersion
    from ..publishing.models import Publication, PublicationFile

    keys = list(db.session.scalars(db.select(Speaker.photo_key).where(Speaker.event_id == event_id)))
    keys += db.session.scalars(
        db.select(MaterialVersion.storage_key).join(Material).where(Material.event_id == event_id)
    )
    keys += db.session.scalars(
        db.select(PublicationFile.storage_key).join(Publication).where(Publication.event_id == event_id)
    )
    keys += db.session.scalars(db.select(Job.result_file).where(Job.event_id == event_id))
    letterhead = db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event_id))
    if letterhead is not None:
        keys += [getattr(letterhead, slot) for slot in IMAGE_SLOTS]
    return [key for key in keys if key]


def archiving_refused(event: Event):
    """Why the event cannot be archived, or None when it can."""
    if event.status not in (EventStatus.PUBLISHED, EventStatus.CLOSED):
        return _l("Only a published or closed event can be archived.")
    if event.ends_at > utcnow():
        return _l("Only an event that has ended can be archived.")
    return None


def archive_event(actor: User, event_id: int) -> Event:
    """A past public event becomes archived: readable by everyone, closed to registration."""
    event = lock_for_update(Event, event_id)
    if event is None or not can_manage_event(actor, event):
        raise Forbidden(_l("You do not organise this event."))
    if refusal := archiving_refused(event):
        raise DomainError(refusal)
    event.status = EventStatus.ARCHIVED
    db.session.commit()
    return event
