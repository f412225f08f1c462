"""Series of events: creating and editing them, and the public events of one."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..security import can_create_events, can_edit_series, is_admin, series_joinable_by
from ..timeutil import utcnow
from ..translated import Translated
from .cloning import SLUG
from .models import PUBLIC_STATUSES, Event, Series

SLUG_TAKEN = _l("This address is already taken; choose another.")


@dataclass
class SeriesData:
    slug: str
    title: Translated | str
    description: Translated | str = ""


def check_series_data(data: SeriesData, series_id: int | None = None) -> str:
    """The slug as kept; DomainError by its field for what cannot be."""
    slug = data.slug.strip().lower()
    if not SLUG.fullmatch(slug):
        raise DomainError(_l("Use lower-case letters, digits and hyphens only, e.g. labour-inspection."), "slug")
    other = db.session.scalar(db.select(Series.id).where(Series.slug == slug))
    if other is not None and other != series_id:
        raise DomainError(SLUG_TAKEN, field="slug")
    if not Translated.of(data.title).strip():
        raise DomainError(_l("Write this in at least one language."), field="title")
    return slug


def apply_series_data(series: Series, slug: str, data: SeriesData) -> None:
    series.slug = slug
    series.title = Translated.of(data.title).strip()
    series.description = Translated.of(data.description)


def create_series(actor: User, data: SeriesData) -> Series:
    if not can_create_events(actor):
        raise Forbidden(_l("You may not create series. Ask a platform administrator."))
    series = Series(created_by_id=actor.id)
    apply_series_data(series, check_series_data(data), data)
    db.session.add(series)
    commit_or_slug_taken()
    return series


def update_series(actor: User, series_id: int, data: SeriesData) -> Series:
    series = db.session.get(Series, series_id)
    if series is None or not can_edit_series(actor, series):
        raise Forbidden(_l("You may not edit this series."))
    apply_series_data(series, check_series_data(data, series.id), data)
    commit_or_slug_taken()
    return series


def commit_or_slug_taken() -> None:
    try:
        db.session.commit()
    except IntegrityError:  # another organiser took the same slug at the same moment
        db.session.rollback()
        raise DomainError(SLUG_TAKEN, field="slug") from None


def editable_series(actor: User) -> list[Series]:
    query = db.select(Series).order_by(Series.slug)
    if not is_admin(actor):
        query = query.where(Series.created_by_id == actor.id)
    return list(db.session.scalars(query))


def all_series() -> list[Series]:
    return list(db.session.scalars(db.select(Series).order_by(Series.slug)))


def series_open_to(actor: User, current_id: int | None = None) -> list[Series]:
    """The series ``actor`` may put an event in, with the event's own series whatever it is."""
    every = all_series()
    joinable = {series.id for series in series_joinable_by(actor, every)}
    return [series for series in every if series.id == current_id or series.id in joinable]


@dataclass(frozen=True)
class SeriesEvents:
    upcoming: list[Event]
    past: list[Event]


def public_events_of(series: Series) -> SeriesEvents:
    """The series' events that anyone may see: the upcoming soonest first, the past latest first."""
    events = db.session.scalars(
        db.select(Event)
        .where(Event.series_id == series.id, Event.status.in_(PUBLIC_STATUSES), Event.is_template.is_(False))
        .order_by(Event.starts_at, Event.id)
    ).all()
    now = utcnow()
    return SeriesEvents(
        upcoming=[event for event in events if event.ends_at >= now],
        past=[event for event in reversed(events) if event.ends_at < now],
    )
