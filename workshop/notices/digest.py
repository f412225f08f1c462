"""The daily digest: one e-mail a day to each organiser who chose it, listing what happened since
their last one; nothing when nothing happened.

The worker looks every hour; an organiser gets their digest at the first look after
``NOTICE_DIGEST_HOUR`` (UTC) on a day they had none yet, so a worker that was down at that hour
sends it when it is back. Each organiser's digest is written under the lock of their account's row,
with the notices it includes marked as told, in one transaction: a second run, at once or in
another worker, finds nothing left and the day's digest sent.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from huey import crontab

from ..accounts.models import User
from ..database import lock_for_update
from ..events.models import Event, event_organiser
from ..extensions import db
from ..jobs.queue import periodic
from ..timeutil import utcnow
from . import messages
from .models import DEFAULT_TIMING, NoticeSettings, OrganiserNotice


@periodic(crontab(minute="7"))
def send_daily_digests_hourly() -> int:
    return send_daily_digests()


def send_daily_digests(now: datetime | None = None) -> int:
    """Write the digest of every organiser whose day has come; the number written."""
    now = now or utcnow()
    if now.hour < int(current_app.config["NOTICE_DIGEST_HOUR"]):
        return 0
    waiting = db.session.scalars(
        db.select(OrganiserNotice.user_id).where(OrganiserNotice.told_at.is_(None)).distinct()
    ).all()
    db.session.commit()
    return sum(1 for user_id in waiting if send_digest(user_id, now))


def send_digest(user_id: int, now: datetime) -> bool:
    """The digest of one organiser, unless they had today's already or nothing waits for it."""
    settings = settings_locked(user_id)
    if settings.last_digest_at is not None and settings.last_digest_at.date() >= now.date():
        db.session.rollback()
        return False
    notices = db.session.scalars(
        db.select(OrganiserNotice)
        .where(OrganiserNotice.user_id == user_id, OrganiserNotice.told_at.is_(None))
        .order_by(OrganiserNotice.id)
    ).all()
    still_organised = events_organised_among(user_id, {notice.event_id for notice in notices})
    told = [notice for notice in notices if notice.event_id in still_organised]
    if told:
        digests = messages.digest_by_event(told, still_organised)
        message = messages.queue_digest(db.session.get(User, user_id), digests)
        db.session.flush()
        for notice in told:
            notice.mail_id = message.id
        settings.last_digest_at = now
    for notice in notices:  # those of events they no longer organise are dropped
        notice.told_at = now
    db.session.commit()
    return bool(told)


def settings_locked(user_id: int) -> NoticeSettings:
    """The organiser's settings, under the lock of their account's row (made when they never chose)."""
    lock_for_update(User, user_id)
    settings = db.session.get(NoticeSettings, user_id, populate_existing=True)
    if settings is None:
        settings = NoticeSettings(user_id=user_id, timing=DEFAULT_TIMING)
        db.session.add(settings)
    return settings


def events_organised_among(user_id: int, event_ids: set[int]) -> dict[int, Event]:
    if not event_ids:
        return {}
    events = db.session.scalars(
        db.select(Event)
        .join(event_organiser, event_organiser.c.event_id == Event.id)
        .where(event_organiser.c.user_id == user_id, Event.id.in_(event_ids))
    )
    return {event.id: event for event in events}
