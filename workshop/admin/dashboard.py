"""What platform administrators see at a glance: events by state, registrations, what falls due in
the next two weeks, e-mails that failed for good, and long work. Each part is a fixed number of
statements, however many events and people there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func

from ..certificates.models import Certificate
from ..errors import Forbidden
from ..events.models import Event, EventStatus
from ..extensions import db
from ..jobs.models import Job, JobState
from ..letters.models import LetterRequest, LetterStatus
from ..mail import services as mail
from ..mail.models import Delivery, OutboxMessage
from ..registration.models import Registration
from ..registration.states import State
from ..security import is_admin
from ..timeutil import utcnow

AHEAD = timedelta(days=14)
RECENT = timedelta(days=7)
LISTED = 10  # rows of each list on the dashboard


@dataclass(frozen=True)
class Registrations:
    by_state: dict[State, int]
    total: int
    last_week: int


@dataclass(frozen=True)
class Waiting:
    """An event and how many of something wait there."""

    event: Event
    count: int


@dataclass(frozen=True)
class Deadlines:
    closing: list[Event]  # registrations close in the next two weeks
    starting: list[Event]
    certificates: list[Waiting]  # ended events with confirmed participants who have no certificate
    letters: list[Waiting]  # visa letters waiting for an organiser's decision


@dataclass(frozen=True)
class Failed:
    message: OutboxMessage
    event: Event | None  # None for the e-mails of accounts


@dataclass(frozen=True)
class Deliveries:
    failed: int
    latest: list[Failed]


@dataclass(frozen=True)
class FailedJob:
    job: Job
    event: Event | None


@dataclass(frozen=True)
class Jobs:
    by_state: dict[JobState, int]
    latest_failures: list[FailedJob]


def events_by_state() -> dict[EventStatus, int]:
    counts = dict.fromkeys(EventStatus, 0)
    rows = db.session.execute(
        db.select(Event.status, func.count()).where(Event.is_template.is_(False)).group_by(Event.status)
    )
    counts.update(rows.all())
    return counts


def registrations(now: datetime) -> Registrations:
    by_state = dict.fromkeys(State, 0)
    by_state.update(db.session.execute(db.select(Registration.state, func.count()).group_by(Registration.state)).all())
    last_week = db.session.scalar(
        db.select(func.count()).select_from(Registration).where(Registration.created_at >= now - RECENT)
    )
    return Registrations(by_state, sum(by_state.values()), last_week)


def deadlines(now: datetime) -> Deadlines:
    live = (Event.status == EventStatus.PUBLISHED, Event.is_template.is_(False))
    closing = db.session.scalars(
        db.select(Event)
        .where(*live, Event.registration_closes_at.between(now, now + AHEAD))
        .order_by(Event.registration_closes_at)
        .limit(LISTED)
    ).all()
    starting = db.session.scalars(
        db.select(Event).where(*live, Event.starts_at.between(now, now + AHEAD)).order_by(Event.starts_at).limit(LISTED)
    ).all()
    return Deadlines(list(closing), list(starting), certificates_waiting(now), letters_waiting())


def certificates_waiting(now: datetime) -> list[Waiting]:
    """Events that ended, not archived, where confirmed participants have no valid certificate yet
    (whether each is eligible, the event's certificate page tells)."""
    without_certificate = (
        ~db.select(Certificate.id)
        .where(Certificate.registration_id == Registration.id, Certificate.revoked_at.is_(None))
        .exists()
    )
    rows = db.session.execute(
        db.select(Event, func.count(Registration.id))
        .join(Registration, and_(Registration.event_id == Event.id, Registration.state == State.CONFIRMED))
        .where(
            Event.ends_at < now,
            Event.status.in_((EventStatus.PUBLISHED, EventStatus.CLOSED)),
            Event.is_template.is_(False),
            without_certificate,
        )
        .group_by(Event.id)
        .order_by(Event.ends_at.desc())
        .limit(LISTED)
    )
    return [Waiting(event, count) for event, count in rows]


def letters_waiting() -> list[Waiting]:
    rows = db.session.execute(
        db.select(Event, func.count(LetterRequest.id))
        .join(Registration, Registration.event_id == Event.id)
        .join(LetterRequest, LetterRequest.registration_id == Registration.id)
        .where(LetterRequest.status == LetterStatus.REQUESTED, Registration.state == State.CONFIRMED)
        .group_by(Event.id)
        .order_by(Event.starts_at)
        .limit(LISTED)
    )
    return [Waiting(event, count) for event, count in rows]


def deliveries() -> Deliveries:
    count = db.session.scalar(db.select(func.count(OutboxMessage.id)).where(OutboxMessage.state == Delivery.FAILED))
    latest = db.session.execute(
        db.select(OutboxMessage, Event)
        .outerjoin(Event, Event.id == OutboxMessage.event_id)
        .where(OutboxMessage.state == Delivery.FAILED)
        .order_by(OutboxMessage.id.desc())
        .limit(LISTED)
    )
    return Deliveries(count, [Failed(message, event) for message, event in latest])


def jobs() -> Jobs:
    by_state = dict.fromkeys(JobState, 0)
    by_state.update(db.session.execute(db.select(Job.state, func.count()).group_by(Job.state)).all())
    failures = db.session.execute(
        db.select(Job, Event)
        .outerjoin(Event, Event.id == Job.event_id)
        .where(Job.state == JobState.FAILED)
        .order_by(Job.id.desc())
        .limit(LISTED)
    )
    return Jobs(by_state, [FailedJob(job, event) for job, event in failures])


def send_failed_again(actor, message_ids: list[int] | None) -> int:
    """The failed messages ``message_ids`` (every failed message when None) go back to the worker;
    how many."""
    if not is_admin(actor):
        raise Forbidden(_l("Only a platform administrator sends the e-mails of the platform again."))
    query = db.select(OutboxMessage).where(OutboxMessage.state == Delivery.FAILED).with_for_update()
    if message_ids is not None:
        query = query.where(OutboxMessage.id.in_(message_ids))
    return mail.send_failed_again(list(db.session.scalars(query)))


def everything(now: datetime | None = None) -> dict:
    now = now or utcnow()
    return dict(
        events=events_by_state(),
        registrations=registrations(now),
        deadlines=deadlines(now),
        deliveries=deliveries(),
        jobs=jobs(),
    )
