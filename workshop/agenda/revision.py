"""The agenda's revision: the version calendar files and the programme are validated against.

Calendar applications poll feeds every few minutes. Each event keeps a counter,
``Event.agenda_revision``, that the flush of any change to the event, its sessions, its speakers or
the links between them raises by one in the same transaction, as a SQL increment, so two servers
writing at once both count (publishing adds its publications, which the event's page lists).
A file's ETag is a digest of the revisions it shows, the language and the address its links point
to; a poller holding the current one gets ``304 Not Modified`` without the file being made again.
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime

from flask import current_app, request
from flask_babel import get_locale
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session

from ..events.models import Event, EventPartner
from .models import AgendaSession, SessionSpeaker, Speaker

FORMAT = 1  # raised when the files are written differently, so copies made by older code are replaced


def _event_id_of(session: Session, changed) -> int | None:
    """The persistent event that ``changed`` belongs to; None for a new event, which has no copies yet."""
    if isinstance(changed, Event):
        return None if changed in session.new else changed.id
    if isinstance(changed, SessionSpeaker):
        agenda_session = (
            changed.session if changed.session_id is None else session.get(AgendaSession, changed.session_id)
        )
        return None if agenda_session is None else _event_id_of(session, agenda_session)
    if changed.event_id is not None:
        return changed.event_id
    return None if changed.event is None else _event_id_of(session, changed.event)


# What raises the revision: the event and its agenda; other domains add what their part of the
# event's pages shows (``raises_the_revision``).
_REVISING: list[type] = [Event, EventPartner, AgendaSession, Speaker, SessionSpeaker]


def raises_the_revision(model: type) -> None:
    """A change to a ``model`` row (which has an ``event_id``) raises its event's revision."""
    _REVISING.append(model)


@sqlalchemy_event.listens_for(Session, "before_flush")
def _raise_changed_agendas(session: Session, _flush_context, _instances) -> None:
    event_ids = set()
    revising = tuple(_REVISING)
    with session.no_autoflush:
        for changed in (*session.new, *session.dirty, *session.deleted):
            if not isinstance(changed, revising):
                continue
            if changed in session.dirty and not session.is_modified(changed):
                continue  # only loaded or touched, nothing written
            event_ids.add(_event_id_of(session, changed))
        event_ids.discard(None)
        for event_id in event_ids:
            event = session.get(Event, event_id)
            if event is not None and event not in session.deleted:
                event.agenda_revision = Event.agenda_revision + 1  # in SQL: no increment is lost


def _tag(*parts) -> str:
    key = "\x1f".join(str(part) for part in (FORMAT, get_locale(), link_root(), *parts))
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def link_root() -> str:
    """Where the files' links point: ``PUBLIC_URL``, or without it the address the request came to."""
    return current_app.config.get("PUBLIC_URL") or request.host_url


def event_tag(event: Event, document: str) -> str:
    """The ETag of ``document`` (the agenda's .ics, one session's, the programme) of ``event`` as it is now."""
    return _tag(document, event.id, event.agenda_revision)


def event_changed_at(event: Event) -> datetime:
    """When the event or its agenda last changed: the revision's increment updates the event's row."""
    return event.updated_at


def feed_tag(token: str, revisions: Iterable[tuple[int, int]]) -> str:
    """The ETag of a personal feed holding the events ``revisions`` gives as (event id, revision):
    a registration confirmed or cancelled changes the events, a change to one changes its revision."""
    return _tag("feed", token, *(f"{event_id}.{revision}" for event_id, revision in sorted(revisions)))
