"""The check-in desk: the event's check-in staff, finding a participant by name, and checking in a
badge's code or a registration found by name, always through ``recording``.

Check-in staff are people with an account whom an organiser names for one event; they may use that
event's desk and rosters, and nothing else of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import security
from ..accounts.models import User
from ..agenda.models import AgendaSession
from ..audit.recording import record_check_in_staff
from ..errors import DomainError, Forbidden
from ..events.models import Event
from ..extensions import db
from ..fragments import kept_or_made
from ..registration.models import Registration
from ..registration.states import State
from ..timeutil import utcnow
from ..translated import Translated
from . import recording
from .models import Attendance, Method, check_in_staff

SEARCH_MAX = 100
SEARCH_RESULTS = 25
# A session counts as "now" from a quarter of an hour before it starts: the desk opens on it by itself.
SESSION_LEAD = timedelta(minutes=15)


# --- check-in staff ------------------------------------------------------------------------------


def require_organiser(actor, event: Event) -> None:
    if not security.can_manage_event(actor, event):
        raise Forbidden(_l("Only the event's organisers name its check-in staff."))


def event_staff(event: Event) -> list[User]:
    return db.session.scalars(
        db.select(User)
        .join(check_in_staff, check_in_staff.c.user_id == User.id)
        .where(check_in_staff.c.event_id == event.id)
        .order_by(User.full_name, User.id)
    ).all()


def add_staff(actor, event: Event, email: str) -> tuple[User, bool]:
    """Name the person with this e-mail address check-in staff of ``event``; answers the person and
    whether they were added now (False: they were already)."""
    require_organiser(actor, event)
    user = db.session.scalar(db.select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        raise DomainError(_l("No account has this e-mail address. Ask the person to sign up first."), field="email")
    if any(organiser.id == user.id for organiser in event.organisers):
        raise DomainError(
            _l("%(name)s organises this event and can check people in already.", name=user.full_name), field="email"
        )
    if security.is_check_in_staff(user, event):
        return user, False
    db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=user.id))
    record_check_in_staff(event.id, user.id, added=True)
    event.check_in_staff_known = None  # what was read with the event no longer holds
    try:
        db.session.commit()
    except IntegrityError:  # named by another organiser at the same moment: the row is there
        db.session.rollback()
        return user, False
    return user, True


def remove_staff(actor, event: Event, user_id: int) -> None:
    require_organiser(actor, event)
    removed = db.session.execute(
        check_in_staff.delete().where(check_in_staff.c.event_id == event.id, check_in_staff.c.user_id == user_id)
    ).rowcount
    if removed:
        record_check_in_staff(event.id, user_id, added=False)
    event.check_in_staff_known = None  # what was read with the event no longer holds
    db.session.commit()


# --- what the desk checks in for ----------------------------------------------------------------


@dataclass(frozen=True)
class DeskSession:
    """What the desk shows and records of a session."""

    id: int
    event_id: int
    title: Translated
    starts_at: datetime
    ends_at: datetime
    cancelled: bool = False


DESK_SESSIONS = (
    db.select(
        AgendaSession.id, AgendaSession.event_id, AgendaSession.title, AgendaSession.starts_at, AgendaSession.ends_at
    )
    .where(AgendaSession.event_id == bindparam("event_id"), AgendaSession.cancelled.is_(False))
    .order_by(AgendaSession.starts_at, AgendaSession.id)
)


def desk_sessions(event: Event) -> list[DeskSession]:
    """The sessions the desk can record: the event's, in order, without the cancelled ones. Every
    scan needs them, so each process keeps them under the event's agenda revision, which any change
    to its sessions raises in its own transaction."""
    return kept_or_made(
        (event.id, event.created_at, event.agenda_revision),
        lambda: [DeskSession(*row) for row in db.session.execute(DESK_SESSIONS, {"event_id": event.id})],
        store="desk_sessions",
    )


def session_now(sessions: list[AgendaSession], now=None) -> AgendaSession | None:
    """The session happening now (or about to start), for the desk to open on; None: arrival."""
    now = now or utcnow()
    running = [s for s in sessions if s.starts_at - SESSION_LEAD <= now <= s.ends_at]
    return running[-1] if running else None


def session_for_desk(
    event: Event, session_id: int | None, sessions: list[DeskSession] = ()
) -> AgendaSession | DeskSession | None:
    """The session with this id (None or 0: arrival), among the desk's ``sessions`` if it is there.
    DomainError for one that is not the event's or is cancelled."""
    if not session_id:
        return None
    known = next((session for session in sessions if session.id == session_id), None)
    if known is not None:
        return known
    session = db.session.get(AgendaSession, session_id)
    if session is None or session.event_id != event.id:
        raise DomainError(_l("Choose arrival or a session of this event."), field="slot")
    if session.cancelled:
        raise DomainError(_l("This session is cancelled: attendance cannot be recorded for it."), field="slot")
    return session


# --- finding people -----------------------------------------------------------------------------


def find_registrations(event: Event, query: str) -> list[Registration]:
    """Registrations of ``event`` whose name (either script) or organisation contains ``query``:
    the confirmed ones first, then the others (so the desk can say why they cannot check in)."""
    query = " ".join((query or "").split())[:SEARCH_MAX]
    if not query:
        return []
    matches = db.or_(
        Registration.full_name.icontains(query, autoescape=True),
        Registration.native_name.icontains(query, autoescape=True),
        Registration.organisation.icontains(query, autoescape=True),
    )
    confirmed_first = db.case((Registration.state == State.CONFIRMED, 0), else_=1)
    return db.session.scalars(
        db.select(Registration)
        .where(Registration.event_id == event.id, matches)
        .order_by(confirmed_first, db.func.lower(Registration.full_name), Registration.id)
        .limit(SEARCH_RESULTS)
    ).all()


def marks_of(event: Event, session: AgendaSession | None, registration_ids: list[int]) -> dict[int, Attendance]:
    """Who of these is marked present for ``session`` (None: arrival), with who marked them."""
    if not registration_ids:
        return {}
    marks = db.session.scalars(
        db.select(Attendance)
        .where(
            Attendance.event_id == event.id,
            Attendance.slot == recording.slot_of(session),
            Attendance.present.is_(True),
            Attendance.registration_id.in_(registration_ids),
        )
        .options(joinedload(Attendance.recorded_by))
    ).all()
    return {mark.registration_id: mark for mark in marks}


# --- checking in --------------------------------------------------------------------------------


def check_in(
    actor,
    event: Event,
    session_id: int | None,
    code: str | None = None,
    registration_id: int | None = None,
    sessions: list[DeskSession] = (),
) -> recording.Answer:
    """Check in a badge's ``code`` (scanned or typed) or a ``registration_id`` found by name, for the
    session ``session_id`` (None or 0: arrival). Idempotent: a second scan answers "already".

    A code or registration of another event answers NOT_THIS_EVENT; a registration that is not
    confirmed, NOT_CONFIRMED (its state says which); a code that is no ticket's, UNKNOWN. Nothing is
    recorded for any of them. ``sessions`` are the desk's, as ``desk_sessions`` answers them.
    """
    if not security.can_check_in(actor, event):
        raise Forbidden(_l("Only the event's organisers and check-in staff can record attendance."))
    session = session_for_desk(event, session_id, sessions)
    if registration_id is not None:
        registration = db.session.get(Registration, registration_id)
    elif code and code.strip():
        registration = recording.registration_by_code(code)
    else:
        raise DomainError(_l("Scan a badge, type its code or search for the name."), field="code")
    return recording.mark_present(event, registration, session, Method.SCAN, actor)  # holds no lock afterwards
