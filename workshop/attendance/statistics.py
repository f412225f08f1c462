"""Attendance figures of an event: per session (present of confirmed, and the rate), per participant
(sessions, time slots and hours attended), arrival, and the attendance matrix as a spreadsheet.

What counts, here and for certificates (``eligibility``): confirmed registrations only; marks that
are present (an undone mark is not); sessions that count for attendance and are not cancelled.
Arrival at the event (slot 0) is shown on its own and is never a session.

Parallel sessions form one time slot (``time_slots``): a participant's slots and hours count
overlapping marks once, and the event's hours are the time its slots cover.

Three queries whatever the size of the event: the counting sessions, the confirmed registrations,
and their present marks (registration, slot pairs). Everything else is counted from those.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from ..agenda.models import AgendaSession
from ..countries import country_names
from ..events.models import Event
from ..extensions import db
from ..registration.exports import neutralise
from ..registration.models import Registration
from ..registration.states import State
from ..timeutil import utc_to_local
from .models import ARRIVAL, Attendance
from .time_slots import TimeSlot, covered_seconds, slot_of_session, time_slots

SORTS = ("name", "sessions", "hours")


def session_seconds(session: AgendaSession) -> int:
    """How long a session lasts, in whole seconds (a session across midnight too)."""
    return max(0, round((session.ends_at - session.starts_at).total_seconds()))


def hours_label(hours: float) -> str:
    """Hours as people write them: ``6``, ``5.5``, ``1.25``."""
    return f"{round(hours, 2):.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class SessionFigures:
    session: AgendaSession
    present: int
    confirmed: int

    @property
    def rate(self) -> float | None:
        """Present of confirmed, 0..1; None when nobody is confirmed."""
        return self.present / self.confirmed if self.confirmed else None

    @property
    def hours(self) -> float:
        return session_seconds(self.session) / 3600


@dataclass(frozen=True)
class ParticipantFigures:
    registration: Registration
    arrived: bool
    attended: frozenset[int]  # ids of the counting sessions they were present at
    seconds: int  # the time those sessions cover, overlapping time counted once
    slots: frozenset[int] = frozenset()  # indexes of the time slots they were present in

    @property
    def sessions_attended(self) -> int:
        return len(self.attended)

    @property
    def slots_attended(self) -> int:
        return len(self.slots)

    @property
    def hours_attended(self) -> float:
        return self.seconds / 3600


@dataclass(frozen=True)
class EventAttendance:
    """Who was at what, for one event: the counting sessions in order of time, the confirmed
    participants in order of name."""

    event: Event
    sessions: list[SessionFigures]
    participants: list[ParticipantFigures]
    total_seconds: int = field(default=0)  # the time the slots cover
    slots: list[TimeSlot] = field(default_factory=list)

    @property
    def confirmed(self) -> int:
        return len(self.participants)

    @property
    def arrived(self) -> int:
        return sum(1 for p in self.participants if p.arrived)

    @property
    def total_hours(self) -> float:
        return self.total_seconds / 3600


# --- loading ---------------------------------------------------------------------------------


def counting_sessions(event_id: int) -> list[AgendaSession]:
    """The sessions that count for attendance and are not cancelled, in order of time."""
    return db.session.scalars(
        db.select(AgendaSession)
        .where(
            AgendaSession.event_id == event_id,
            AgendaSession.counts_for_attendance.is_(True),
            AgendaSession.cancelled.is_(False),
        )
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    ).all()


def confirmed_registrations(event_id: int) -> list[Registration]:
    return db.session.scalars(
        db.select(Registration)
        .where(Registration.event_id == event_id, Registration.state == State.CONFIRMED)
        .order_by(db.func.lower(Registration.full_name), Registration.id)
    ).all()


def present_slots(event_id: int, registration_id: int | None = None) -> dict[int, set[int]]:
    """registration id -> the slots (0: arrival, else a session's id) where a confirmed registration
    of the event is marked present; one query."""
    statement = (
        db.select(Attendance.registration_id, Attendance.slot)
        .join(Registration, Registration.id == Attendance.registration_id)
        .where(Attendance.event_id == event_id, Attendance.present.is_(True), Registration.state == State.CONFIRMED)
    )
    if registration_id is not None:
        statement = statement.where(Attendance.registration_id == registration_id)
    slots: dict[int, set[int]] = {}
    for reg_id, slot in db.session.execute(statement):
        slots.setdefault(reg_id, set()).add(slot)
    return slots


@dataclass(frozen=True)
class Programme:
    """The counting sessions of an event and their time slots, read once and shared by everyone's figures."""

    sessions: list[AgendaSession]
    slots: list[TimeSlot]
    by_id: dict[int, AgendaSession]
    slot_index: dict[int, int]  # session id -> its slot

    @property
    def total_seconds(self) -> int:
        return sum(slot.seconds for slot in self.slots)


def programme_of(sessions: list[AgendaSession]) -> Programme:
    slots = time_slots(sessions)
    return Programme(sessions, slots, {s.id: s for s in sessions}, slot_of_session(slots))


def participant_figures(registration: Registration, marks: set[int], programme: Programme) -> ParticipantFigures:
    """``marks``: the slots of ``present_slots`` (arrival and session ids)."""
    attended = frozenset(mark for mark in marks if mark in programme.by_id)
    seconds = covered_seconds((programme.by_id[s].starts_at, programme.by_id[s].ends_at) for s in attended)
    slots = frozenset(programme.slot_index[s] for s in attended)
    return ParticipantFigures(registration, ARRIVAL in marks, attended, seconds, slots)


def event_attendance(event: Event) -> EventAttendance:
    """The figures of ``event``: three queries, however many participants and sessions."""
    sessions = counting_sessions(event.id)
    registrations = confirmed_registrations(event.id)
    marks = present_slots(event.id)
    programme = programme_of(sessions)
    participants = [participant_figures(r, marks.get(r.id, set()), programme) for r in registrations]
    present_at = {s.id: 0 for s in sessions}
    for p in participants:
        for session_id in p.attended:
            present_at[session_id] += 1
    figures = [SessionFigures(s, present_at[s.id], len(participants)) for s in sessions]
    return EventAttendance(event, figures, participants, programme.total_seconds, programme.slots)


def sorted_participants(participants: Iterable[ParticipantFigures], sort: str) -> list[ParticipantFigures]:
    """By name (as loaded), or most sessions / most hours first, then by name."""
    rows = list(participants)  # already by name; sorted() is stable
    if sort == "sessions":
        return sorted(rows, key=lambda p: -p.sessions_attended)
    if sort == "hours":
        return sorted(rows, key=lambda p: -p.seconds)
    return rows


# --- the matrix as a spreadsheet ---------------------------------------------------------------


def session_heading(session: AgendaSession, zone: str) -> str:
    return f"{session.title} ({utc_to_local(session.starts_at, zone).strftime('%Y-%m-%d %H:%M')})"


def matrix_table(attendance: EventAttendance, verdicts: dict | None = None) -> tuple[list, list[list], list]:
    """The header, one row per participant (1 where present, blank where not), and a totals row.

    ``verdicts`` (registration id -> Eligibility) adds a column "Eligible for a certificate".
    Every text cell is neutralised: it never runs as a formula.
    """
    event = attendance.event
    countries = country_names()
    header = [
        _l("Full name"),
        _l("Name in own script"),
        _l("Organisation"),
        _l("Country"),
        _l("Arrived"),
        *(session_heading(f.session, event.timezone) for f in attendance.sessions),
        _l("Sessions attended (of %(total)d)", total=len(attendance.sessions)),
        _l("Hours attended (of %(total)s)", total=hours_label(attendance.total_hours)),
    ]
    if verdicts is not None:
        header.append(_l("Eligible for a certificate"))
    rows = []
    for p in attendance.participants:
        r = p.registration
        row = [
            r.full_name,
            r.native_name,
            r.organisation,
            countries.get(r.country, r.country),
            1 if p.arrived else None,
        ]
        row += [1 if f.session.id in p.attended else None for f in attendance.sessions]
        row += [p.sessions_attended, round(p.hours_attended, 2)]
        if verdicts is not None:
            verdict = verdicts.get(r.id)
            row.append(_l("Yes") if verdict is not None and verdict.eligible else _l("No"))
        rows.append(row)
    totals = [_l("Present"), "", "", "", attendance.arrived, *(f.present for f in attendance.sessions)]
    header = [cell_value(value) for value in header]
    rows = [[cell_value(value) for value in row] for row in rows]
    totals = [cell_value(value) for value in totals]
    return header, rows, totals


def cell_value(value):
    """A number stays a number; None stays an empty cell; text is neutralised and cleaned of the
    control characters XLSX cannot hold."""
    if value is None:
        return None
    value = neutralise(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def matrix_xlsx(attendance: EventAttendance, sheet_title: str, verdicts: dict | None = None) -> bytes:
    """Participants by sessions: a bold header row and the name columns stay in view; a bold totals
    row at the bottom with the number present at arrival and at each session."""
    header, rows, totals = matrix_table(attendance, verdicts)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    sheet.append(totals)
    bold = Font(bold=True)
    for cell in (*sheet[1], *sheet[sheet.max_row]):
        cell.font = bold
    for cells in sheet.iter_rows(min_row=1):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    sheet.freeze_panes = "C2"  # the header row and both names
    for index, label in enumerate(header, start=1):
        width = 28 if index <= 3 else min(max(len(str(label)) // 2 + 4, 8), 30)
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def matrix_filename(event: Event) -> str:
    return f"{event.slug}-attendance.xlsx"
