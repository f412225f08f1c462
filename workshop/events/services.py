"""Events: creating, editing, publishing, naming organisers, and the public listings."""

import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, bindparam, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..database import lock_for_update
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..security import can_create_events, can_join_series, can_manage_event
from ..timeutil import is_known_timezone, local_to_utc, nonexistent_local_time, utcnow
from ..translated import DEFAULT_LANGUAGE, Translated
from .models import (
    PUBLIC_STATUSES,
    VISITOR_CONFIRMATION_HOURS,
    VISITOR_CONFIRMATION_HOURS_MAX,
    Event,
    EventKind,
    EventPartner,
    EventStatus,
    Series,
    event_organiser,
)

TEMPLATE_STAYS_DRAFT = _l("A template stays a draft: duplicate it to make an event to publish.")


@dataclass
class EventData:
    """An event as typed into the form; times are wall-clock times in ``timezone``."""

    kind: EventKind
    title: Translated | str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    summary: Translated | str = ""
    description: Translated | str = ""
    venue: Translated | str = ""
    city: Translated | str = ""
    country: str = ""
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    capacity: int | None = None
    approval_required: bool = False
    visitor_confirmation_hours: int = VISITOR_CONFIRMATION_HOURS
    status: EventStatus = EventStatus.DRAFT
    contact_email: str = ""
    partners: list[Translated | str] = field(default_factory=list)  # each in every language it is named in
    series_id: int | None = None


def check_event_data(data: EventData, is_template: bool = False) -> None:
    if is_template and data.status is not EventStatus.DRAFT:
        raise DomainError(TEMPLATE_STAYS_DRAFT, field="status")
    if data.series_id is not None and db.session.get(Series, data.series_id) is None:
        raise DomainError(_l("Choose a series from the list."), field="series_id")
    if not is_known_timezone(data.timezone):
        raise DomainError(
            _l("Unknown time zone. Choose one from the list, e.g. Europe/London or Asia/Shanghai."), field="timezone"
        )
    zone = data.timezone
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        moment = getattr(data, name)
        if moment is not None and nonexistent_local_time(moment, zone):
            raise DomainError(
                _l("This time does not exist in %(zone)s: the clocks go forward then.", zone=zone), field=name
            )
    # Compared as instants: wall-clock times in the hour the clocks go back are ambiguous
    starts, ends = local_to_utc(data.starts_at, zone), local_to_utc(data.ends_at, zone)
    if ends <= starts:
        raise DomainError(_l("The event must end after it starts."), field="ends_at")
    opens = local_to_utc(data.registration_opens_at, zone) if data.registration_opens_at else None
    closes = local_to_utc(data.registration_closes_at, zone) if data.registration_closes_at else None
    if opens and closes and closes <= opens:
        raise DomainError(_l("Registration must close after it opens."), field="registration_closes_at")
    if closes and closes > ends:
        raise DomainError(_l("Registration must close before the event ends."), field="registration_closes_at")
    if data.capacity is not None and data.capacity < 1:
        raise DomainError(_l("The capacity must be at least 1, or empty for no limit."), field="capacity")
    if not 1 <= data.visitor_confirmation_hours <= VISITOR_CONFIRMATION_HOURS_MAX:
        raise DomainError(
            _l("Give between 1 and %(most)d hours.", most=VISITOR_CONFIRMATION_HOURS_MAX),
            field="visitor_confirmation_hours",
        )


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or "event"


def unique_slug(title: Translated | str, year: int) -> str:
    base = f"{slugify(Translated.of(title).in_language(DEFAULT_LANGUAGE))}-{year}"
    taken = set(db.session.scalars(db.select(Event.slug).where(Event.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    for n in range(2, 1000):
        if f"{base}-{n}" not in taken:
            return f"{base}-{n}"
    return f"{base}-{secrets.token_hex(3)}"


def apply_event_data(event: Event, data: EventData) -> None:
    zone = data.timezone
    event.kind = data.kind
    event.title = Translated.of(data.title).strip()
    event.summary = Translated.of(data.summary).strip()
    event.description = Translated.of(data.description)
    event.venue = Translated.of(data.venue).strip()
    event.city = Translated.of(data.city).strip()
    event.country = data.country
    event.timezone = zone
    event.starts_at = local_to_utc(data.starts_at, zone)
    event.ends_at = local_to_utc(data.ends_at, zone)
    event.registration_opens_at = local_to_utc(data.registration_opens_at, zone) if data.registration_opens_at else None
    event.registration_closes_at = (
        local_to_utc(data.registration_closes_at, zone) if data.registration_closes_at else None
    )
    event.capacity = data.capacity
    event.approval_required = data.approval_required
    event.visitor_confirmation_hours = data.visitor_confirmation_hours
    event.status = data.status
    event.contact_email = data.contact_email.strip()
    names = [Translated.of(name).strip() for name in data.partners]
    names = [Translated({language: text[:200] for language, text in name.texts.items()}) for name in names if name]
    event.partners = [EventPartner(name=name, position=i) for i, name in enumerate(names)]
    event.series_id = data.series_id


def check_series_open_to(actor: User, series_id: int | None) -> None:
    series = db.session.get(Series, series_id) if series_id is not None else None
    if series is not None and not can_join_series(actor, series):
        raise DomainError(_l("Choose a series from the list."), field="series_id")


def create_event(actor: User, data: EventData) -> Event:
    if not can_create_events(actor):
        raise Forbidden(_l("You may not create events. Ask a platform administrator."))
    check_event_data(data)
    check_series_open_to(actor, data.series_id)
    for _attempt in range(3):
        event = Event(slug=unique_slug(data.title, data.starts_at.year))
        apply_event_data(event, data)
        event.organisers = [actor]
        db.session.add(event)
        try:
            db.session.commit()
            return event
        except IntegrityError:  # another organiser took the same slug at the same moment
            db.session.rollback()
    raise DomainError(_l("Could not save the event; please try again."))


def update_event(actor: User, event: Event, data: EventData) -> Event:
    """Save the changes; when they free places (capacity raised or removed), the waiting list moves up in
    the same transaction, under the event's lock, so no registration takes a place meanwhile."""
    from ..registration.services import fill_free_places  # registration builds on events, not the reverse

    require_manager(actor, event)
    check_event_data(data, event.is_template)
    check_archiving(event, data.status, field="status")
    if data.series_id != event.series_id:
        check_series_open_to(actor, data.series_id)
    event = lock_for_update(Event, event.id)
    apply_event_data(event, data)
    db.session.flush()
    fill_free_places(event)
    db.session.commit()
    return event


def set_status(actor: User, event: Event, status: EventStatus) -> Event:
    require_manager(actor, event)
    if event.is_template and status is not EventStatus.DRAFT:
        raise DomainError(TEMPLATE_STAYS_DRAFT)
    check_archiving(event, status)
    event.status = status
    db.session.commit()
    return event


def check_archiving(event: Event, status: EventStatus, field: str | None = None) -> None:
    """An event is archived by the rules of "Archive" (ended, and public), whichever control asks."""
    from .lifecycle import archiving_refused

    if status is not EventStatus.ARCHIVED or event.status is EventStatus.ARCHIVED:
        return
    if refusal := archiving_refused(event):
        raise DomainError(refusal, field=field)


def require_manager(actor: User, event: Event) -> None:
    if not can_manage_event(actor, event):
        raise Forbidden(_l("You do not organise this event."))


@dataclass(frozen=True)
class EventPage:
    """A page of a list of events: each item holds only the event's id and agenda revision, as the
    cards shown for them are kept (events/cards.py)."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(-(-self.total // self.per_page), 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


# The home page and the past events run these: built once, as building a statement costs more than running it
_UPCOMING = (Event.status.in_(PUBLIC_STATUSES), Event.ends_at >= bindparam("now"))
_PAST = (Event.status.in_(PUBLIC_STATUSES), Event.ends_at < bindparam("now"))
_SOONEST_FIRST = (Event.starts_at, Event.id)
_A_PAGE = db.select(Event.id, Event.agenda_revision).limit(bindparam("limit")).offset(bindparam("offset"))
UPCOMING = _A_PAGE.where(*_UPCOMING).order_by(*_SOONEST_FIRST)
UPCOMING_OF_KIND = _A_PAGE.where(*_UPCOMING, Event.kind == bindparam("kind")).order_by(*_SOONEST_FIRST)
PAST = _A_PAGE.where(*_PAST).order_by(Event.starts_at.desc(), Event.id.desc())
PAST_COUNT = db.select(func.count()).select_from(Event).where(*_PAST)


def upcoming_events(kind: EventKind | None, page: int, per_page: int, counts: dict[EventKind, int]) -> EventPage:
    """A page of the upcoming events (of ``kind``); ``counts`` (``count_by_kind``) gives their number."""
    values = {"now": utcnow(), "limit": per_page, "offset": (page - 1) * per_page}
    if kind is None:
        rows = db.session.execute(UPCOMING, values).all()
        total = sum(counts.values())
    else:
        rows = db.session.execute(UPCOMING_OF_KIND, values | {"kind": kind}).all()
        total = counts.get(kind, 0)
    return EventPage(rows, page, per_page, total)


def past_events(page: int, per_page: int) -> EventPage:
    now = utcnow()
    rows = db.session.execute(PAST, {"now": now, "limit": per_page, "offset": (page - 1) * per_page}).all()
    return EventPage(rows, page, per_page, db.session.scalar(PAST_COUNT, {"now": now}))


def in_full(events) -> list[Event]:
    """The events of a page (anything with their ``id``) loaded whole, with their partners, in the same order."""
    loaded = db.session.scalars(
        db.select(Event)
        .where(Event.id.in_([event.id for event in events]))
        .options(selectinload(Event.partners))
        .execution_options(populate_existing=True)
    )
    by_id = {event.id: event for event in loaded}
    return [by_id[event.id] for event in events]


UPCOMING_BY_KIND = (
    db.select(Event.kind, func.count())
    .where(Event.status.in_(PUBLIC_STATUSES), Event.ends_at >= bindparam("now"))
    .group_by(Event.kind)
)  # built once: the home page runs it


def count_by_kind() -> dict[EventKind, int]:
    return dict(db.session.execute(UPCOMING_BY_KIND, {"now": utcnow()}).all())


def managed_events(actor: User) -> list[Event]:
    """The events ``actor`` organises that are neither archived nor templates (``lifecycle`` has the other lists)."""
    from .lifecycle import managed_events as listed

    return listed(actor)


def events_with_role(user: User, role: Table) -> list[Event]:
    """The events where ``user`` holds the role ``role`` records (a table of ``columns.event_people``:
    the organisers, the check-in staff), the latest first."""
    return list(
        db.session.scalars(
            db.select(Event)
            .join(role, role.c.event_id == Event.id)
            .where(role.c.user_id == user.id)
            .order_by(Event.starts_at.desc(), Event.id)
        )
    )


def organised_events(user: User) -> list[Event]:
    """The events ``user`` is an organiser of, the latest first."""
    return events_with_role(user, event_organiser)
