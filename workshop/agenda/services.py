"""Sessions: organisers add, edit, move and delete the items of an event's agenda.

Times come in as wall-clock times in the event's time zone (as typed into the form) and are
stored in UTC. Every change raises the session's ``sequence``, so calendar applications that
subscribed to it take the new version.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..database import lock_for_update
from ..errors import DomainError, Forbidden, NotFound
from ..events.models import Event
from ..extensions import db
from ..security import can_manage_event
from ..timeutil import local_to_utc, nonexistent_local_time, utc_to_local
from ..translated import Translated
from .conflicts import Conflict, find_conflicts
from .models import AgendaSession, SessionKind, SessionSpeaker

TITLE_MAX = 300
ROOM_MAX = 200
ADDRESS_MAX = 300
CITY_MAX = 100
TRACK_MAX = 100
TEXT_MAX = 20000
MOVE_MAX_MINUTES = 60 * 24 * 366  # a quick move goes at most a year either way


@dataclass
class SessionData:
    """A session as typed into the form; ``starts_at`` and ``ends_at`` are wall-clock times in the event's zone.
    The title and the description are written in every language (a plain text is one language's)."""

    title: Translated | str
    kind: SessionKind | str
    starts_at: datetime
    ends_at: datetime
    room: str = ""
    address: str = ""
    city: str = ""
    directions: str = ""
    track: str = ""
    description: Translated | str = ""
    counts_for_attendance: bool = True
    cancelled: bool = False


class SessionNotFound(NotFound):
    def __init__(self):
        super().__init__(_l("This session is not on the agenda."))


# --- reading ------------------------------------------------------------------------


def _with_speakers(query):
    """Speakers in one more query (links joined to speakers), however many sessions: the query count stays flat."""
    return query.options(selectinload(AgendaSession.speakers).joinedload(SessionSpeaker.speaker))


def agenda_sessions(event_id: int) -> list[AgendaSession]:
    """Every session of the event with its speakers, in the order of the agenda."""
    query = (
        db.select(AgendaSession)
        .where(AgendaSession.event_id == event_id)
        .order_by(AgendaSession.starts_at, AgendaSession.ends_at, AgendaSession.id)
    )
    return list(db.session.scalars(_with_speakers(query)))


def session_of(event_id: int, session_id: int) -> AgendaSession | None:
    query = db.select(AgendaSession).where(AgendaSession.id == session_id, AgendaSession.event_id == event_id)
    return db.session.scalar(_with_speakers(query))


def agenda_conflicts(event: Event) -> list[Conflict]:
    """What organisers should check on the agenda (not blocking): see conflicts.py."""
    return find_conflicts(event, agenda_sessions(event.id))


# --- checks -------------------------------------------------------------------------


def _kind(value: SessionKind | str) -> SessionKind:
    if isinstance(value, SessionKind):
        return value
    try:
        return SessionKind(value)
    except ValueError as error:
        raise DomainError(_l("Choose a kind of session from the list."), field="kind") from error


def _no_skipped_time(moment: datetime, zone: str, field: str) -> None:
    if nonexistent_local_time(moment, zone):
        raise DomainError(
            _l("This time does not exist in %(zone)s: the clocks go forward then.", zone=zone), field=field
        )


def check_session_data(event: Event, data: SessionData) -> tuple[datetime, datetime]:
    """Raise a DomainError for the first thing to fix; return the start and end in UTC."""
    title = Translated.of(data.title).strip()
    if not title:
        raise DomainError(_l("Give the session a title."), field="title")
    if _longest(title) > TITLE_MAX:
        raise DomainError(_l("The title is too long: at most %(count)d characters.", count=TITLE_MAX), field="title")
    if _longest(Translated.of(data.description).strip()) > TEXT_MAX:
        raise DomainError(_l("Use at most %(count)d characters.", count=TEXT_MAX), field="description")
    _kind(data.kind)
    if data.starts_at is None:
        raise DomainError(_l("Enter a date and time."), field="starts_at")
    if data.ends_at is None:
        raise DomainError(_l("Enter a date and time."), field="ends_at")
    zone = event.timezone
    _no_skipped_time(data.starts_at, zone, "starts_at")
    _no_skipped_time(data.ends_at, zone, "ends_at")
    # Compared as instants: in the hour the clocks go back, wall-clock times are ambiguous
    starts, ends = local_to_utc(data.starts_at, zone), local_to_utc(data.ends_at, zone)
    if ends <= starts:
        raise DomainError(_l("The session must end after it starts."), field="ends_at")
    return starts, ends


def _longest(text: Translated) -> int:
    """The length of the longest language's text: each language is held to the same limit."""
    return max(map(len, text.texts.values()), default=0)


def _require_manager(actor: User, event: Event) -> None:
    if not can_manage_event(actor, event):
        raise Forbidden(_l("You do not organise this event."))


def _apply(session: AgendaSession, data: SessionData, starts: datetime, ends: datetime) -> None:
    session.title = Translated.of(data.title).strip()
    session.kind = _kind(data.kind)
    session.starts_at = starts
    session.ends_at = ends
    session.room = (data.room or "").strip()[:ROOM_MAX]
    session.address = (data.address or "").strip()[:ADDRESS_MAX]
    session.city = (data.city or "").strip()[:CITY_MAX]
    session.directions = (data.directions or "").strip()[:TEXT_MAX]
    session.track = (data.track or "").strip()[:TRACK_MAX]
    session.description = Translated.of(data.description).strip()
    session.counts_for_attendance = bool(data.counts_for_attendance)
    session.cancelled = bool(data.cancelled)


def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise DomainError(_l("This event does not exist."))
    return event


def _locked_session(event_id: int, session_id: int) -> AgendaSession:
    """The session under a write lock, so two organisers' changes each raise the sequence."""
    session = lock_for_update(AgendaSession, session_id)
    if session is None or session.event_id != event_id:
        raise SessionNotFound()
    return session


# --- changes ------------------------------------------------------------------------


def new_session(event: Event, data: SessionData) -> AgendaSession:
    """The checked session, added to the event's agenda; the caller commits."""
    starts, ends = check_session_data(event, data)
    session = AgendaSession(event=event, sequence=0)
    _apply(session, data, starts, ends)
    db.session.add(session)
    return session


def add_session(actor: User, event_id: int, data: SessionData) -> AgendaSession:
    event = _event(event_id)
    _require_manager(actor, event)
    session = new_session(event, data)
    db.session.commit()
    return session


def update_session(actor: User, event_id: int, session_id: int, data: SessionData) -> AgendaSession:
    event = _event(event_id)
    _require_manager(actor, event)
    starts, ends = check_session_data(event, data)
    session = _locked_session(event_id, session_id)
    _apply(session, data, starts, ends)
    session.sequence = (session.sequence or 0) + 1
    db.session.commit()
    return session


def move_session(actor: User, event_id: int, session_id: int, minutes: int = 0, days: int = 0) -> AgendaSession:
    """Move a session by ``days`` (same wall-clock time on another day) and ``minutes``; it keeps its length."""
    event = _event(event_id)
    _require_manager(actor, event)
    if not minutes and not days:
        raise DomainError(_l("Say by how much to move the session."), field="minutes")
    if abs(minutes + days * 24 * 60) > MOVE_MAX_MINUTES:
        raise DomainError(_l("A session can move by at most a year at once; edit its dates instead."), field="minutes")
    session = _locked_session(event_id, session_id)
    zone = event.timezone
    length = session.ends_at - session.starts_at
    local_start = utc_to_local(session.starts_at, zone).replace(tzinfo=None) + timedelta(days=days, minutes=minutes)
    _no_skipped_time(local_start, zone, "minutes")
    session.starts_at = local_to_utc(local_start, zone)
    session.ends_at = session.starts_at + length
    session.sequence = (session.sequence or 0) + 1
    db.session.commit()
    return session


def delete_session(actor: User, event_id: int, session_id: int) -> Translated:
    """Delete the session and its speaker links; return its title for the message. Its materials
    are not lost: they stay with the event."""
    from ..materials.models import Material  # materials build on the agenda, not the reverse

    event = _event(event_id)
    _require_manager(actor, event)
    session = _locked_session(event_id, session_id)
    title = session.title
    db.session.execute(db.update(Material).where(Material.session_id == session.id).values(session_id=None))
    db.session.delete(session)
    db.session.commit()
    return title


def suggested_times(event: Event, sessions: list[AgendaSession]) -> tuple[datetime, datetime]:
    """Where a new session probably goes, as wall-clock times in the event's zone: after the last one
    (or at the event's start), for an hour."""
    start = max((s.ends_at for s in sessions), default=event.starts_at)
    local = utc_to_local(start, event.timezone).replace(tzinfo=None)
    return local, local + timedelta(hours=1)
