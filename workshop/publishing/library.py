"""The resource library: the public publications of public events, across events, searched by title
and filtered. Participants' publications are never listed here: the library is the same page for
everybody, and those who may read them find them on their event's page.

A filter is one optional field of ``LibraryFilter`` and one condition in ``_conditions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement

from ..events.models import PUBLIC_STATUSES, Event, Series
from ..events.services import EventPage
from ..extensions import db
from .models import Audience, Publication, PublicationKind

SEARCH_MAX = 200


@dataclass(frozen=True)
class LibraryFilter:
    query: str = ""
    event_id: int | None = None
    series_id: int | None = None
    kind: PublicationKind | None = None
    language: str | None = None
    year: int | None = None


def like_pattern(text: str) -> str:
    """``text`` found anywhere, its ``%``, ``_`` and ``\\`` taken literally (with ``escape="\\\\"``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _in_library() -> list[ColumnElement[bool]]:
    return [
        Publication.withdrawn_at.is_(None),
        Publication.audience == Audience.PUBLIC,
        Event.status.in_(PUBLIC_STATUSES),
    ]


def _conditions(chosen: LibraryFilter) -> list[ColumnElement[bool]]:
    conditions = _in_library()
    if query := chosen.query.strip().casefold():
        conditions.append(Publication.search_text.like(like_pattern(query), escape="\\"))
    if chosen.event_id is not None:
        conditions.append(Publication.event_id == chosen.event_id)
    if chosen.series_id is not None:
        conditions.append(Event.series_id == chosen.series_id)
    if chosen.kind is not None:
        conditions.append(Publication.kind == chosen.kind)
    if chosen.language:
        conditions.append(Publication.languages.like(f"% {chosen.language} %"))
    if chosen.year is not None:
        conditions.append(Publication.dated >= date(chosen.year, 1, 1))
        conditions.append(Publication.dated < date(chosen.year + 1, 1, 1))
    return conditions


def library_page(chosen: LibraryFilter, page: int, per_page: int) -> EventPage:
    """The publications ``chosen`` finds, newest first; a page past the last is the last."""
    conditions = _conditions(chosen)
    total = db.session.scalar(
        db.select(db.func.count(Publication.id)).join(Event, Publication.event_id == Event.id).where(*conditions)
    )
    page = min(max(page, 1), EventPage([], 1, per_page, total or 0).pages)
    items = list(
        db.session.scalars(
            db.select(Publication)
            .join(Event, Publication.event_id == Event.id)
            .where(*conditions)
            .order_by(Publication.dated.desc(), Publication.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return EventPage(items, page, per_page, total or 0)  # the pager the lists of events use


def events_in_library() -> list[Event]:
    """The events that have something in the library, for the event filter, newest first."""
    return list(
        db.session.scalars(
            db.select(Event)
            .where(Event.id.in_(db.select(Publication.event_id).join(Event).where(*_in_library())))
            .order_by(Event.starts_at.desc())
        )
    )


def series_in_library() -> list[Series]:
    """The series whose events have something in the library, for the series filter."""
    in_library = db.select(Event.series_id).join(Publication, Publication.event_id == Event.id).where(*_in_library())
    return list(db.session.scalars(db.select(Series).where(Series.id.in_(in_library)).order_by(Series.id)))


def years_in_library() -> list[int]:
    days = db.session.scalars(
        db.select(Publication.dated).join(Event, Publication.event_id == Event.id).where(*_in_library()).distinct()
    )
    return sorted({day.year for day in days}, reverse=True)
