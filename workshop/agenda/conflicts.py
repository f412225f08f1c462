"""Warnings for organisers about the agenda: they do not block saving, they point at what to check.

- a speaker in two sessions at the same time;
- two sessions in the same room at the same time (rooms compared without case; no room, no clash);
- a session outside the event's dates (days in the event's time zone).

Cancelled sessions clash with nothing. Sessions that only touch (one ends when the next starts)
do not overlap.
"""

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l

from ..events.models import Event
from ..timeutil import utc_to_local
from .models import AgendaSession, Speaker

_JUST_BEFORE = timedelta(microseconds=1)  # an end at midnight belongs to the day before


class ConflictKind(enum.Enum):
    SPEAKER = "speaker"
    ROOM = "room"
    OUTSIDE_DATES = "outside_dates"


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    sessions: tuple[AgendaSession, ...]
    speaker: Speaker | None = None
    room: str = ""

    @property
    def message(self) -> str:
        first = self.sessions[0].title
        if self.kind is ConflictKind.SPEAKER:
            second = self.sessions[1].title
            return str(
                _l(
                    "%(name)s is in two sessions at the same time: “%(first)s” and “%(second)s”.",
                    name=self.speaker.display_name,
                    first=first,
                    second=second,
                )
            )
        if self.kind is ConflictKind.ROOM:
            second = self.sessions[1].title
            return str(
                _l(
                    "“%(first)s” and “%(second)s” are in the same room (%(room)s) at the same time.",
                    first=first,
                    second=second,
                    room=self.room,
                )
            )
        return str(_l("“%(title)s” is outside the event's dates.", title=first))

    def involves(self, session_id: int) -> bool:
        return any(session.id == session_id for session in self.sessions)


def overlap(a: AgendaSession, b: AgendaSession) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def overlapping_pairs(sessions: Iterable[AgendaSession]) -> list[tuple[AgendaSession, AgendaSession]]:
    """Each pair of overlapping sessions once, earliest first; a sweep over the start times, not every pair."""
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.ends_at, s.id))
    pairs = []
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.starts_at >= first.ends_at:
                break
            if overlap(first, second):
                pairs.append((first, second))
    return pairs


def event_days(event: Event) -> tuple[date, date]:
    """The first and last day of the event in its own time zone."""
    return (
        utc_to_local(event.starts_at, event.timezone).date(),
        utc_to_local(event.ends_at - _JUST_BEFORE, event.timezone).date(),
    )


def outside_event_dates(event: Event, starts_at: datetime, ends_at: datetime) -> bool:
    first, last = event_days(event)
    start_day = utc_to_local(starts_at, event.timezone).date()
    end_day = utc_to_local(max(ends_at - _JUST_BEFORE, starts_at), event.timezone).date()
    return start_day < first or end_day > last


def find_conflicts(event: Event, sessions: list[AgendaSession]) -> list[Conflict]:
    """Every conflict on the agenda; ``sessions`` come with their speakers loaded."""
    active = [s for s in sessions if not s.cancelled]
    conflicts: list[Conflict] = []

    by_speaker: dict[int, dict[int, AgendaSession]] = defaultdict(dict)
    speakers: dict[int, Speaker] = {}
    for session in active:
        for link in session.speakers:
            by_speaker[link.speaker_id][session.id] = session  # one speaker in two roles of one session is no clash
            speakers[link.speaker_id] = link.speaker
    for speaker_id, their_sessions in by_speaker.items():
        for first, second in overlapping_pairs(their_sessions.values()):
            conflicts.append(Conflict(ConflictKind.SPEAKER, (first, second), speaker=speakers[speaker_id]))

    by_room: dict[str, list[AgendaSession]] = defaultdict(list)
    for session in active:
        if session.room.strip():
            by_room[session.room.strip().casefold()].append(session)
    for in_room in by_room.values():
        for first, second in overlapping_pairs(in_room):
            conflicts.append(Conflict(ConflictKind.ROOM, (first, second), room=first.room.strip()))

    for session in active:
        if outside_event_dates(event, session.starts_at, session.ends_at):
            conflicts.append(Conflict(ConflictKind.OUTSIDE_DATES, (session,)))

    conflicts.sort(key=lambda c: (c.sessions[0].starts_at, c.kind.value, c.sessions[-1].starts_at))
    return conflicts


def conflicts_of(conflicts: list[Conflict], session_id: int) -> list[Conflict]:
    return [c for c in conflicts if c.involves(session_id)]
