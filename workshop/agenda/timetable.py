"""The agenda laid out for reading: days in a given time zone, parallel sessions side by side.

A session belongs to the day it starts on (an overnight train is on the evening it leaves; its
end is marked as the next day). Within a day, sessions that overlap one another, directly or
through a third, form a block; a block's sessions are placed in columns, one column per track
where tracks are set, so that the sessions of one column never overlap.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .models import AgendaSession


@dataclass
class Slot:
    """One session as seen from ``zone``: its local start and end."""

    session: AgendaSession
    starts: datetime
    ends: datetime

    @classmethod
    def of(cls, session: AgendaSession, zone: str) -> "Slot":
        tz = ZoneInfo(zone)
        return cls(session, session.starts_at.astimezone(tz), session.ends_at.astimezone(tz))

    @property
    def days_later(self) -> int:
        """How many days after its start day the session ends (1 for an overnight train)."""
        return (self.ends.date() - self.starts.date()).days


@dataclass
class Column:
    track: str = ""
    slots: list[Slot] = field(default_factory=list)

    @property
    def ends(self) -> datetime:
        return self.slots[-1].ends

    @property
    def label(self) -> str:
        """The track of the column, when every session in it has that track."""
        tracks = {slot.session.track for slot in self.slots}
        return tracks.pop() if len(tracks) == 1 else ""


@dataclass
class Block:
    """Sessions that run at the same time: shown side by side, one column each (or per track)."""

    columns: list[Column] = field(default_factory=list)

    @property
    def parallel(self) -> bool:
        return len(self.columns) > 1

    @property
    def slots(self) -> list[Slot]:
        return sorted((slot for column in self.columns for slot in column.slots), key=lambda s: (s.starts, s.ends))


@dataclass
class Day:
    date: date
    number: int | None  # day 1, 2, ... of the event; None before its first day
    blocks: list[Block] = field(default_factory=list)

    @property
    def slots(self) -> list[Slot]:
        return [slot for block in self.blocks for slot in block.slots]

    @property
    def cities(self) -> list[str]:
        """The cities of the day in the order it reaches them, for a study tour's itinerary."""
        seen: dict[str, str] = {}
        for slot in self.slots:
            city = slot.session.city.strip()
            if city and not slot.session.cancelled and city.casefold() not in seen:
                seen[city.casefold()] = city
        return list(seen.values())


def place_in_columns(slots: list[Slot]) -> Block:
    """Columns for a block of overlapping sessions, in start order: a session with a track goes to a
    free column of its track, one without to the first free column; else a new column opens."""
    columns: list[Column] = []
    for slot in slots:
        track = slot.session.track.strip()
        free = [column for column in columns if column.ends <= slot.starts]
        target = next((column for column in free if column.track == track), None) if track else next(iter(free), None)
        if target is None:
            target = Column(track=track)
            columns.append(target)
        target.slots.append(slot)
    if columns and all(column.label for column in columns):
        columns.sort(key=lambda column: column.label.casefold())
    return Block(columns)


def blocks_of(slots: list[Slot]) -> list[Block]:
    """Split one day's slots (in start order) into blocks of sessions overlapping one another."""
    blocks: list[Block] = []
    current: list[Slot] = []
    current_end: datetime | None = None
    for slot in slots:
        if current and slot.starts >= current_end:
            blocks.append(place_in_columns(current))
            current, current_end = [], None
        current.append(slot)
        current_end = slot.ends if current_end is None else max(current_end, slot.ends)
    if current:
        blocks.append(place_in_columns(current))
    return blocks


def timetable(sessions: list[AgendaSession], zone: str, first_day: date | None = None) -> list[Day]:
    """The days of the agenda as seen from ``zone``; ``first_day`` (in that zone) numbers them."""
    slots = sorted((Slot.of(session, zone) for session in sessions), key=lambda s: (s.starts, s.ends, s.session.id))
    by_day: dict[date, list[Slot]] = {}
    for slot in slots:
        by_day.setdefault(slot.starts.date(), []).append(slot)
    days = []
    for day, day_slots in by_day.items():
        number = (day - first_day).days + 1 if first_day is not None else None
        days.append(Day(date=day, number=number if number and number > 0 else None, blocks=blocks_of(day_slots)))
    return days
