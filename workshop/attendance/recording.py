"""Recording presence: the one path every way of checking in goes through (desk, roster, self
check-in, scanner API), so the rules and the answers are the same everywhere.

Two desks scanning the same badge at the same moment: each locks the registration before it
looks for the (registration, slot) row, so the second finds the first one's row and answers
"already checked in", with who and when (the unique constraint stays as the last guard). A badge
already marked when the scan is read answers so without waiting for the lock.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..agenda.models import AgendaSession
from ..database import commit_keeping_loaded, lock_for_update
from ..events.models import Event
from ..extensions import db
from ..registration.models import Registration
from ..registration.states import State
from ..timeutil import utcnow
from .models import ARRIVAL, Attendance, AttendanceChange, Method, Ticket, new_ticket_code

MAX_CODE_LENGTH = 64


class Outcome(enum.Enum):
    CHECKED_IN = "checked_in"
    ALREADY = "already"
    NOT_THIS_EVENT = "not_this_event"  # a real ticket, for another event
    NOT_CONFIRMED = "not_confirmed"  # cancelled, waitlisted, pending or rejected
    UNKNOWN = "unknown"  # no such code, or a malformed one


OUTCOME_MESSAGES = {
    Outcome.CHECKED_IN: _l("Checked in"),
    Outcome.ALREADY: _l("Already checked in"),
    Outcome.NOT_THIS_EVENT: _l("Not registered for this event"),
    Outcome.NOT_CONFIRMED: _l("Registration not confirmed"),
    Outcome.UNKNOWN: _l("Unknown code"),
}


@dataclass
class Answer:
    """What a desk, a roster or a scanner is told after one scan or tick."""

    outcome: Outcome
    registration: Registration | None = None
    attendance: Attendance | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.CHECKED_IN, Outcome.ALREADY)

    @property
    def recorded_at(self) -> datetime | None:
        return self.attendance.recorded_at if self.attendance else None

    @property
    def recorded_by(self) -> User | None:
        return self.attendance.recorded_by if self.attendance else None


def normalise_code(raw: str) -> str | None:
    """A typed or scanned code, upper-cased and without spaces or dashes; None when it cannot be one."""
    if raw is None or len(raw) > MAX_CODE_LENGTH * 2:
        return None
    code = "".join(raw.split()).replace("-", "").upper()
    if not code or len(code) > MAX_CODE_LENGTH or not code.isalnum() or not code.isascii():
        return None
    return code


def ticket_for(registration: Registration) -> Ticket:
    """The registration's ticket, made the first time it is asked for (by a badge, an e-mail, a desk).

    Two requests asking at once: one insert wins, the other reads the winner's row.
    """
    ticket = db.session.scalar(db.select(Ticket).where(Ticket.registration_id == registration.id))
    if ticket is not None:
        return ticket
    try:
        with db.session.begin_nested():
            ticket = Ticket(registration_id=registration.id, code=new_ticket_code())
            db.session.add(ticket)
    except IntegrityError:
        ticket = db.session.scalar(db.select(Ticket).where(Ticket.registration_id == registration.id))
    return ticket


def tickets_for(registrations: list[Registration]) -> dict[int, Ticket]:
    """The tickets of many registrations, by registration id, made where missing: a few queries and
    one insert whatever their number (a thousand badges). The caller commits.

    Another request making some of the same tickets at once: this batch is taken back and each
    missing ticket is got or made one by one, as ``ticket_for`` does.
    """
    ids = [registration.id for registration in registrations]

    def existing() -> dict[int, Ticket]:
        found: dict[int, Ticket] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.update(
                (t.registration_id, t)
                for t in db.session.scalars(db.select(Ticket).where(Ticket.registration_id.in_(chunk)))
            )
        return found

    found = existing()
    missing = [registration for registration in registrations if registration.id not in found]
    if not missing:
        return found
    now = utcnow()
    try:
        with db.session.begin_nested():  # one executemany, no RETURNING: then read them back
            db.session.execute(
                db.insert(Ticket),
                [{"registration_id": r.id, "code": new_ticket_code(), "created_at": now} for r in missing],
            )
    except IntegrityError:
        found.update((registration.id, ticket_for(registration)) for registration in missing)
        return found
    return existing()


# Every scan runs these: built once, as building a statement costs more than running it
REGISTRATION_BY_CODE = (
    db.select(Registration)
    .join(Ticket, Ticket.registration_id == Registration.id)
    .where(Ticket.code == bindparam("code"))
)
ATTENDANCE_OF = db.select(Attendance).where(
    Attendance.registration_id == bindparam("registration_id"), Attendance.slot == bindparam("slot")
)


def registration_by_code(raw_code: str) -> Registration | None:
    code = normalise_code(raw_code)
    if code is None:
        return None
    return db.session.scalar(REGISTRATION_BY_CODE, {"code": code})


def slot_of(session: AgendaSession | None) -> int:
    return session.id if session is not None else ARRIVAL


def attendance_of(registration_id: int, slot: int) -> Attendance | None:
    return db.session.scalar(ATTENDANCE_OF, {"registration_id": registration_id, "slot": slot})


def check_registration(event: Event, registration: Registration | None) -> Outcome | None:
    """Why this registration cannot be marked present at ``event``, or None when it can."""
    if registration is None:
        return Outcome.UNKNOWN
    if registration.event_id != event.id:
        return Outcome.NOT_THIS_EVENT
    if registration.state is not State.CONFIRMED:
        return Outcome.NOT_CONFIRMED
    return None


def mark_present(
    event: Event, registration: Registration | None, session: AgendaSession | None, method: Method, actor: User | None
) -> Answer:
    """Record presence at ``session`` (None: arrival) and commit. Idempotent: a second mark answers ALREADY,
    from what the request has read when the mark is there already, under the lock otherwise.

    The caller has checked that ``actor`` may record attendance at ``event`` and that ``session``
    belongs to it.
    """
    slot = slot_of(session)
    if check_registration(event, registration) is None:
        existing = attendance_of(registration.id, slot)
        if existing is not None and existing.present:  # scanned again: no lock to wait for, nothing to write
            return Answer(Outcome.ALREADY, registration, existing)
    if registration is not None and registration.event_id == event.id:
        # Serialise the desks that scan this badge: FOR UPDATE on PostgreSQL, the write lock on SQLite
        # (a deferred SQLite transaction that read first could not write after another desk's commit).
        registration = lock_for_update(Registration, registration.id)
    # Each way out ends the transaction, so no lock is held while the answer is shown; what the
    # request has read stays loaded for showing it.
    problem = check_registration(event, registration)
    if problem is not None:
        commit_keeping_loaded()  # nothing written
        return Answer(problem, registration)
    existing = attendance_of(registration.id, slot)
    if existing is not None and existing.present:
        commit_keeping_loaded()  # nothing written
        return Answer(Outcome.ALREADY, registration, existing)
    if existing is None:
        existing = Attendance(
            registration_id=registration.id,
            event_id=event.id,
            session_id=session.id if session else None,
            slot=slot,
            method=method,
            recorded_by=actor,
            recorded_at=utcnow(),
        )
        db.session.add(existing)
    else:  # marked, undone, and now marked again
        existing.present, existing.method, existing.recorded_by, existing.recorded_at = (True, method, actor, utcnow())
    existing.changes.append(AttendanceChange(present=True, method=method, actor=actor))
    commit_keeping_loaded()  # the mark and its history entry are all that changed
    return Answer(Outcome.CHECKED_IN, registration, existing)


def undo_mark(attendance: Attendance, method: Method, actor: User | None) -> None:
    """Take a mark back; the row and its history stay."""
    attendance = lock_for_update(Attendance, attendance.id)
    if not attendance.present:
        return
    attendance.present = False
    attendance.changes.append(AttendanceChange(present=False, method=method, actor=actor))
    db.session.commit()
