"""Rosters: the confirmed participants of one session (or of arrival at the event) with a tick box
each; marking many present at once and taking a mark back, all through ``recording``."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from .. import security
from ..agenda.models import AgendaSession
from ..errors import DomainError, Forbidden, NotFound
from ..events.models import Event
from ..extensions import db
from ..registration.models import Registration
from ..registration.states import State
from . import recording
from .models import ARRIVAL, Attendance, AttendanceChange, Method

METHOD_LABELS = {
    Method.ROSTER: _l("roster"),
    Method.SCAN: _l("check-in desk"),
    Method.SELF: _l("self check-in"),
    Method.API: _l("scanner device"),
}

MAX_MARKED_AT_ONCE = 2000


@dataclass
class RosterRow:
    registration: Registration
    attendance: Attendance | None

    @property
    def present(self) -> bool:
        return self.attendance is not None and self.attendance.present

    @property
    def changes(self) -> list[AttendanceChange]:
        return self.attendance.changes if self.attendance is not None else []


def require_check_in(actor, event: Event) -> None:
    if not security.can_check_in(actor, event):
        raise Forbidden(_l("Only the event's organisers and check-in staff can record attendance."))


def session_roster(event: Event, session: AgendaSession | None, search: str = "") -> list[RosterRow]:
    """Every confirmed registration of ``event`` (matching ``search`` in a name or the organisation),
    with its mark for ``session`` (None: arrival) and that mark's history.

    Three queries whatever the number of rows: the registrations, their marks, and the marks' history.
    """
    statement = db.select(Registration).where(Registration.event_id == event.id, Registration.state == State.CONFIRMED)
    search = (search or "").strip()[:100]
    if search:
        statement = statement.where(
            db.or_(
                Registration.full_name.icontains(search, autoescape=True),
                Registration.native_name.icontains(search, autoescape=True),
                Registration.organisation.icontains(search, autoescape=True),
            )
        )
    registrations = db.session.scalars(statement.order_by(db.func.lower(Registration.full_name), Registration.id)).all()
    slot = recording.slot_of(session)
    marks = db.session.scalars(
        db.select(Attendance)
        .where(Attendance.event_id == event.id, Attendance.slot == slot)
        .options(
            joinedload(Attendance.recorded_by), selectinload(Attendance.changes).joinedload(AttendanceChange.actor)
        )
    ).all()
    by_registration = {mark.registration_id: mark for mark in marks}
    return [RosterRow(registration, by_registration.get(registration.id)) for registration in registrations]


def check_session_open(session: AgendaSession | None) -> None:
    if session is not None and session.cancelled:
        raise DomainError(_l("This session is cancelled: attendance cannot be recorded for it."))


def mark_many_present(
    actor, event: Event, session: AgendaSession | None, registration_ids: list[int]
) -> tuple[int, list[str]]:
    """Mark the given registrations present; answers how many were marked now and what was not done
    (already present, not confirmed, not of this event)."""
    require_check_in(actor, event)
    check_session_open(session)
    ids = sorted(set(registration_ids))
    if not ids:
        raise DomainError(_l("Tick the participants to mark present."))
    if len(ids) > MAX_MARKED_AT_ONCE:
        raise DomainError(_l("Mark at most %(count)d participants at once.", count=MAX_MARKED_AT_ONCE))
    found = {
        r.id: r
        for r in db.session.scalars(
            db.select(Registration).where(Registration.id.in_(ids), Registration.event_id == event.id)
        )
    }
    done, problems = 0, []
    for registration_id in ids:
        registration = found.get(registration_id)
        if registration is None:
            problems.append(str(_l("Registration %(id)d is not one of this event.", id=registration_id)))
            continue
        name = registration.full_name
        answer = recording.mark_present(event, registration, session, Method.ROSTER, actor)
        if answer.outcome is recording.Outcome.CHECKED_IN:
            done += 1
        elif answer.outcome is recording.Outcome.ALREADY:
            problems.append(str(_l("%(name)s was already marked present.", name=name)))
        else:
            problems.append(
                str(_l("%(name)s: %(reason)s", name=name, reason=recording.OUTCOME_MESSAGES[answer.outcome]))
            )
    return done, problems


def undo(actor, event: Event, session: AgendaSession | None, registration_id: int) -> Registration:
    """Take back the mark of one registration for ``session``; its history keeps both."""
    require_check_in(actor, event)
    check_session_open(session)
    mark = db.session.scalar(
        db.select(Attendance).where(
            Attendance.registration_id == registration_id,
            Attendance.slot == recording.slot_of(session),
            Attendance.event_id == event.id,
        )
    )
    if mark is None or not mark.present:
        raise DomainError(_l("This participant is not marked present, so there is nothing to undo."))
    registration = mark.registration
    recording.undo_mark(mark, Method.ROSTER, actor)
    return registration


def session_of_event(event: Event, session_id: int) -> AgendaSession | None:
    """The event's session with this id; None for arrival (``session_id`` 0). Raises NotFound
    for a session that is not the event's."""
    if session_id == ARRIVAL:
        return None
    session = db.session.get(AgendaSession, session_id)
    if session is None or session.event_id != event.id:
        raise NotFound(session_id)
    return session


def event_sessions(event: Event) -> list[AgendaSession]:
    return db.session.scalars(
        db.select(AgendaSession)
        .where(AgendaSession.event_id == event.id)
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    ).all()
