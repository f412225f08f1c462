"""The demo events: read from ``events.toml``, where they stand as an organiser would type them into
the event form (the texts readers see in English and in Chinese), and built through the events
service's own checks."""

import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..accounts.models import User
from ..events.models import Event, EventKind, EventStatus, Series
from ..events.services import EventData, apply_event_data, check_event_data, unique_slug
from ..extensions import db
from ..privacy_notice.defaults import default_notice
from ..privacy_notice.models import PrivacyNotice
from ..translated import Translated

EVENTS_FILE = Path(__file__).with_name("events.toml")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
TIMES = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
NOT_EVENT_DATA = ("key", "slug_words", "first_day")
TEXTS = ("title", "summary", "description", "venue", "city")  # a table by language, or "" for none


def demo_events() -> list[dict]:
    with EVENTS_FILE.open("rb") as file:
        return tomllib.load(file)["event"]


def on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def wall_clock(day: date, clock: str) -> datetime:
    """``clock`` (``"09:30"``) on ``day``, as typed into a form: a naive time in the event's zone."""
    return datetime.combine(day, time.fromisoformat(clock))


def first_day(event: dict, today: date) -> date:
    rule = event["first_day"]
    return on_or_after(today + timedelta(days=rule["days_ahead"]), WEEKDAYS.index(rule["weekday"]))


def moment(spec: dict, first: date, today: date) -> datetime:
    """A time given on a day counted from the event's first day (``day``) or from today (``days_from_today``)."""
    if "days_from_today" in spec:
        return wall_clock(today + timedelta(days=spec["days_from_today"]), spec["time"])
    return wall_clock(first + timedelta(days=spec["day"]), spec["time"])


def event_data(event: dict, today: date) -> EventData:
    first = first_day(event, today)
    fields = {name: value for name, value in event.items() if name not in NOT_EVENT_DATA}
    fields |= {name: moment(fields[name], first, today) for name in TIMES if name in fields}
    fields |= {name: Translated(fields[name]) for name in TEXTS if name in fields}
    return EventData(**fields | {"kind": EventKind(fields["kind"]), "status": EventStatus(fields["status"])})


def add_event(event: dict, today: date, organiser: User) -> Event:
    """The demo event, organised by ``organiser``; the caller commits."""
    data = event_data(event, today)
    check_event_data(data)
    record = Event(slug=unique_slug(event["slug_words"], data.starts_at.year))
    apply_event_data(record, data)
    record.organisers = [organiser]
    db.session.add(record)
    return record


def add_privacy_notice(event: Event, organiser: User) -> PrivacyNotice:
    """The event's privacy notice: the text organisers start from, as its first version; the caller commits."""
    db.session.flush()  # the event's and the organiser's ids
    notice = PrivacyNotice(event_id=event.id, number=1, created_by_id=organiser.id, **default_notice(event))
    db.session.add(notice)
    return notice


def add_demo_series(events: list[Event], organiser: User) -> Series:
    """A series of the demo's events on migration between China and Europe; the caller commits."""
    db.session.flush()  # the organiser's id
    series = Series(
        slug="china-europe-migration-dialogue",
        title=Translated({"en": "China–Europe dialogue on labour migration", "zh": "中欧劳动力移民对话"}),
        description=Translated(
            {
                "en": "Workshops and conferences on the migration of workers between China and Europe.",
                "zh": "关于中国与欧洲之间劳动力流动的研讨会和会议。",
            }
        ),
        created_by_id=organiser.id,
    )
    db.session.add(series)
    for event in events:
        event.series = series
    return series
