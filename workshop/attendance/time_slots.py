"""The programme's time slots: what attendance is counted against when sessions run in parallel.

A time slot is a stretch of time covered by the sessions that count for attendance. Sessions whose
times overlap (parallel tracks, or one that starts before another has ended) are merged into one
slot, and the merging is transitive: 09:00-10:00, 09:30-11:00 and 10:30-12:00 are one slot,
09:00-12:00. Sessions that only touch (one ends at 10:00, the next starts at 10:00) are two slots.
A programme without overlapping sessions has exactly one slot per session.

A participant is present in a slot when they are marked present at any session of it; marks at two
sessions of one slot count once. Hours are counted the same way: the time covered by the sessions a
participant attended, where overlapping time counts once, out of the time the slots cover.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from ..agenda.models import AgendaSession


@dataclass(frozen=True)
class TimeSlot:
    starts_at: datetime
    ends_at: datetime
    session_ids: frozenset[int]

    @property
    def seconds(self) -> int:
        return max(0, round((self.ends_at - self.starts_at).total_seconds()))


def time_slots(sessions: Iterable[AgendaSession]) -> list[TimeSlot]:
    """The sessions merged into time slots, in order of time."""
    slots: list[TimeSlot] = []
    for session in sorted(sessions, key=lambda s: (s.starts_at, s.id)):
        ends_at = max(session.starts_at, session.ends_at)
        if slots and session.starts_at < slots[-1].ends_at:
            last = slots[-1]
            slots[-1] = TimeSlot(last.starts_at, max(last.ends_at, ends_at), last.session_ids | {session.id})
        else:
            slots.append(TimeSlot(session.starts_at, ends_at, frozenset({session.id})))
    return slots


def slot_of_session(slots: Iterable[TimeSlot]) -> dict[int, int]:
    """session id -> the index of its slot."""
    return {session_id: index for index, slot in enumerate(slots) for session_id in slot.session_ids}


def covered_seconds(intervals: Iterable[tuple[datetime, datetime]]) -> int:
    """The time covered by ``intervals``, where they overlap counted once, in whole seconds."""
    total = 0.0
    current_start = current_end = None
    for start, end in sorted(intervals):
        end = max(start, end)
        if current_end is not None and start < current_end:
            current_end = max(current_end, end)
            continue
        if current_end is not None:
            total += max(0.0, (current_end - current_start).total_seconds())
        current_start, current_end = start, end
    if current_end is not None:
        total += max(0.0, (current_end - current_start).total_seconds())
    return round(total)
