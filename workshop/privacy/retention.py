"""The retention period: how many months after an event's end its participants' personal data is
kept. Each event may set its own; otherwise the platform default, which an admin sets, applies.
Every day the events past their period get a job (the organisers see its progress) that
anonymises their registrations (``anonymising``); the participants' accounts themselves stay.
Passport details for visa letters keep their own, shorter rule
(``letters.services.erase_expired_passport_details``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from huey import crontab
from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite

from .. import security
from ..audit import record_action, record_attempt
from ..database import lock_for_update
from ..errors import DomainError, Forbidden
from ..events.models import Event
from ..extensions import db
from ..jobs import services as jobs
from ..jobs.queue import periodic
from ..letters.services import add_months
from ..registration.models import Registration
from ..timeutil import utcnow
from .anonymising import anonymise
from .models import Anonymisation, AnonymisedRegistration, EventRetention, PrivacySettings

DEFAULT_MONTHS = 24
MONTHS_MIN, MONTHS_MAX = 1, 120
MONTHS_OUT_OF_RANGE = _l("Give a number of months from %(min)d to %(max)d.", min=MONTHS_MIN, max=MONTHS_MAX)


PLATFORM = 1  # the id of the one row of PrivacySettings


def platform_settings() -> PrivacySettings | None:
    return db.session.get(PrivacySettings, PLATFORM)


def platform_months() -> int:
    settings = platform_settings()
    return settings.retention_months if settings is not None else DEFAULT_MONTHS


def set_platform_months(actor, months: int | None) -> None:
    if not security.can_set_privacy_defaults(actor):
        raise Forbidden(_l("Only admins set the platform's privacy defaults."))
    if months is None or not MONTHS_MIN <= months <= MONTHS_MAX:
        record_attempt("retention.default_refused", summary=f"{months} months")
        raise DomainError(MONTHS_OUT_OF_RANGE, field="months")
    settings = locked_platform_settings()
    settings.retention_months = months
    db.session.commit()


def locked_platform_settings() -> PrivacySettings:
    """The one row of the platform's settings, made when missing, locked until the commit.

    Two admins saving the first default at once must not both insert it (the second would meet the
    primary key: an error page). On SQLite the lock is the database's write lock, taken before the
    row is looked for, so the second admin waits and then finds the row. PostgreSQL locks no row
    that does not exist yet: there the insert does nothing when the row is already there, and waits
    for another transaction inserting it to end; the row is then locked as it stands, and each
    admin's number is written in turn, the last one kept.
    """
    settings = lock_for_update(PrivacySettings, PLATFORM)
    if settings is None:
        dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
        db.session.execute(
            dialect.insert(PrivacySettings)
            .values(id=PLATFORM, retention_months=DEFAULT_MONTHS)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        settings = lock_for_update(PrivacySettings, PLATFORM)
    return settings


def months_set_for(event: Event) -> int | None:
    """The event's own period; None when it follows the platform default."""
    return db.session.scalar(db.select(EventRetention.months).where(EventRetention.event_id == event.id))


def set_event_months(actor, event: Event, months: int | None) -> None:
    """The event's own period, or None for the platform default."""
    if not security.can_set_retention(actor, event):
        raise Forbidden(_l("Only the event's organisers set how long it keeps personal data."))
    if months is not None and not MONTHS_MIN <= months <= MONTHS_MAX:
        record_attempt("retention.period_refused", event_id=event.id, summary=f"{months} months")
        raise DomainError(MONTHS_OUT_OF_RANGE, field="months")
    # The event's row locked first: of two organisers saving at once, the second waits until the
    # first has committed, then reads the EventRetention row the first inserted and updates it,
    # instead of inserting a second one (an error page). The event's row exists before either
    # save, which the retention row, when missing, does not.
    lock_for_update(Event, event.id)
    row = db.session.scalar(
        db.select(EventRetention).where(EventRetention.event_id == event.id).execution_options(populate_existing=True)
    )
    if row is None:
        row = EventRetention(event_id=event.id)
        db.session.add(row)
    row.months = months
    db.session.commit()


def erasure_at(event: Event, months: int) -> datetime:
    end = event.ends_at
    return datetime.combine(add_months(end.date(), months), end.timetz())


@dataclass(frozen=True)
class RetentionPlan:
    """What an event's organisers are shown: when its participants' data goes, and how much."""

    months: int
    own_months: int | None  # None: the platform default applies
    erased_at: datetime
    to_anonymise: int  # registrations still holding personal data
    anonymised: int
    passport_erased_at: datetime


def plan_for(event: Event) -> RetentionPlan:
    own = months_set_for(event)
    months = own if own is not None else platform_months()
    done = db.select(AnonymisedRegistration.registration_id)
    counted = db.select(func.count()).select_from(Registration).where(Registration.event_id == event.id)
    return RetentionPlan(
        months=months,
        own_months=own,
        erased_at=erasure_at(event, months),
        to_anonymise=db.session.scalar(counted.where(Registration.id.not_in(done))),
        anonymised=db.session.scalar(counted.where(Registration.id.in_(done))),
        passport_erased_at=event.ends_at + timedelta(days=int(current_app.config["PASSPORT_RETENTION_DAYS"])),
    )


@periodic(crontab(minute="41", hour="2"))
def anonymise_past_retention_daily() -> int:
    return anonymise_past_retention()


def anonymise_past_retention(now: datetime | None = None) -> int:
    """Start a job for every event whose retention period has ended and that still holds personal
    data (its organisers follow its progress). Returns how many registrations the jobs started
    have to anonymise."""
    now = now or utcnow()
    # No period is shorter than a month: the events that ended since are not even looked at
    ended = db.session.scalars(
        db.select(Event).where(Event.ends_at < now - timedelta(days=28 * MONTHS_MIN)).order_by(Event.ends_at)
    ).all()
    db.session.commit()
    total = 0
    for event in ended:
        plan = plan_for(event)
        if plan.erased_at > now or plan.to_anonymise == 0:
            continue
        if jobs.start(anonymise_registrations, event, None).already_running:
            continue
        record_action(
            "retention.anonymisation_started",
            event_id=event.id,
            summary=f"{plan.to_anonymise} registrations to anonymise",
        )
        db.session.commit()
        total += plan.to_anonymise
    return total


def still_identified(job) -> list[int]:
    done = db.select(AnonymisedRegistration.registration_id)
    return list(
        db.session.scalars(
            db.select(Registration.id)
            .where(Registration.event_id == job.event_id, Registration.id.not_in(done))
            .order_by(Registration.id)
        )
    )


@jobs.kind(_l("Anonymising personal data after the retention period"), still_identified, page="privacy.event_retention")
def anonymise_registrations(job, registration_id: int) -> None:
    registration = db.session.get(Registration, registration_id)
    if registration is not None:  # one deleted meanwhile has nothing left to erase
        anonymise(registration, Anonymisation.RETENTION)


def latest_job(event: Event):
    return jobs.latest(anonymise_registrations, event)
