"""Reading the log: one page of entries, newest first, narrowed by the filters a reader chose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..extensions import db
from ..timeutil import local_to_utc
from .models import AuditEntry

ENTRIES_PER_PAGE = 50


@dataclass(frozen=True)
class Filters:
    who: str = ""  # part of the actor's name as recorded (their e-mail address, "system", ...)
    object_type: str = ""
    action: str = ""
    first_day: date | None = None
    last_day: date | None = None
    event_id: int | None = None


def entries(filters: Filters, page: int, *, event_id: int | None = None, zone: str = "UTC"):
    """A page of entries; only the event ``event_id``'s when given (an organiser's log), else every
    entry the filters let through (the admins'). Days are days of ``zone``."""
    query = db.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if event_id is not None:
        query = query.where(AuditEntry.event_id == event_id)
    elif filters.event_id is not None:
        query = query.where(AuditEntry.event_id == filters.event_id)
    if filters.who:
        query = query.where(db.func.lower(AuditEntry.actor_label).contains(filters.who.lower(), autoescape=True))
    if filters.object_type:
        query = query.where(AuditEntry.object_type == filters.object_type)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.first_day:
        query = query.where(AuditEntry.at >= _start_of(filters.first_day, zone))
    if filters.last_day:
        query = query.where(AuditEntry.at < _start_of(filters.last_day + timedelta(days=1), zone))
    return db.paginate(query, page=page, per_page=ENTRIES_PER_PAGE, error_out=False)


def _start_of(day: date, zone: str) -> datetime:
    return local_to_utc(datetime.combine(day, time()), zone)


def changed_rows(entry: AuditEntry) -> list[tuple[str, object, object]]:
    """The entry's changes as (field, before, after), for a table."""
    rows = []
    for field, value in (entry.changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            rows.append((field, value[0], value[1]))
        else:
            rows.append((field, None, value))
    return rows
