"""Telling organisers what needs them: a notice is written with the happening, in its transaction;
an organiser who wants to hear at once gets an e-mail in that same transaction, the others wait for
the daily digest (``digest.py``) or hear nothing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from .. import security
from ..accounts.models import User
from ..database import lock_for_update
from ..errors import Forbidden
from ..events.models import Event
from ..events.services import organised_events
from ..extensions import db
from ..mail.models import OutboxMessage
from ..timeutil import utcnow
from . import messages
from .models import DEFAULT_TIMING, EventNoticeTiming, NoticeKind, NoticeSettings, OrganiserNotice, Timing

ABOUT_MAX = 300


# --- happenings -------------------------------------------------------------------------------


def tell_organisers(event: Event, kind: NoticeKind, object_id: int, about: str) -> list[OrganiserNotice]:
    """Record in the current transaction that ``event``'s organisers are to be told of ``kind``;
    those who chose "at once" get their e-mail in the outbox now. The caller commits."""
    organisers = list(event.organisers)
    timings = timings_of([organiser.id for organiser in organisers], event.id)
    notices = []
    for organiser in organisers:
        timing = timings[organiser.id]
        if timing is Timing.NEVER:
            continue
        notice = OrganiserNotice(
            user_id=organiser.id, event_id=event.id, kind=kind, object_id=object_id, about=about[:ABOUT_MAX]
        )
        db.session.add(notice)
        if timing is Timing.AT_ONCE:
            message = messages.queue_at_once(organiser, event, notice)
            db.session.flush()
            notice.mail_id, notice.told_at = message.id, utcnow()
        notices.append(notice)
    return notices


def registration_pending(registration) -> None:
    about = registration.full_name
    if registration.organisation:
        about = f"{about}, {registration.organisation}"
    tell_organisers(registration.event, NoticeKind.PENDING_REGISTRATION, registration.id, about)


def visa_letter_requested(letter) -> None:
    registration = letter.registration
    tell_organisers(registration.event, NoticeKind.VISA_LETTER_REQUEST, letter.id, registration.full_name)


def delivery_failed(message: OutboxMessage) -> None:
    """A message of an event failed for good. A notice's own e-mail is not noticed: an organiser whose
    address fails would otherwise be told of it at that address, again and again."""
    if message.event_id is None or is_notice_mail(message.id):
        return
    event = db.session.get(Event, message.event_id)
    if event is not None:
        tell_organisers(event, NoticeKind.FAILED_EMAIL, message.id, f"{message.recipient}: {message.subject}")


def is_notice_mail(message_id: int) -> bool:
    return (
        db.session.scalar(db.select(OrganiserNotice.id).where(OrganiserNotice.mail_id == message_id).limit(1))
        is not None
    )


# --- choices ----------------------------------------------------------------------------------


def timings_of(user_ids: list[int], event_id: int) -> dict[int, Timing]:
    """How each of ``user_ids`` wants to hear of ``event``: their choice for it, else for all events."""
    if not user_ids:
        return {}
    timings = dict.fromkeys(user_ids, DEFAULT_TIMING)
    timings.update(
        db.session.execute(
            db.select(NoticeSettings.user_id, NoticeSettings.timing).where(NoticeSettings.user_id.in_(user_ids))
        ).all()
    )
    timings.update(
        db.session.execute(
            db.select(EventNoticeTiming.user_id, EventNoticeTiming.timing).where(
                EventNoticeTiming.event_id == event_id, EventNoticeTiming.user_id.in_(user_ids)
            )
        ).all()
    )
    return timings


def settings_of(user: User) -> NoticeSettings:
    return db.session.get(NoticeSettings, user.id) or NoticeSettings(user_id=user.id, timing=DEFAULT_TIMING)


def event_timings_of(user: User) -> dict[int, Timing]:
    """The user's choices for single events, by event id."""
    return dict(
        db.session.execute(
            db.select(EventNoticeTiming.event_id, EventNoticeTiming.timing).where(EventNoticeTiming.user_id == user.id)
        ).all()
    )


def save_timings(actor: User, timing: Timing, per_event: dict[int, Timing | None]) -> None:
    """Save the actor's choice for all their events and, for each event of ``per_event``, its own
    choice (None: as for all). Forbidden for an event the actor does not organise. What is still
    waiting for a digest of an event that is now "never" is dropped; what waits for one of an event
    now "at once" stays for the next digest, so nothing is lost."""
    lock_for_update(User, actor.id)  # as the digest does: one writer of the person's settings at a time
    organised = {event.id for event in organised_events(actor)}
    if not organised:
        db.session.rollback()
        raise Forbidden(_l("Only the organisers of an event are told what needs them."))
    if not set(per_event) <= organised:
        db.session.rollback()
        raise Forbidden(_l("You do not organise this event."))
    settings = db.session.get(NoticeSettings, actor.id)
    if settings is None:
        settings = NoticeSettings(user_id=actor.id)
        db.session.add(settings)
    settings.timing = timing
    overrides = {
        row.event_id: row
        for row in db.session.scalars(db.select(EventNoticeTiming).where(EventNoticeTiming.user_id == actor.id))
    }
    for event_id, chosen in per_event.items():
        row = overrides.pop(event_id, None)
        if chosen is None and row is not None:
            db.session.delete(row)
        elif chosen is not None and row is None:
            db.session.add(EventNoticeTiming(user_id=actor.id, event_id=event_id, timing=chosen))
        elif chosen is not None:
            row.timing = chosen
    effective = {event_id: per_event.get(event_id) or timing for event_id in organised}
    effective.update({event_id: row.timing for event_id, row in overrides.items()})  # those not sent: unchanged
    silenced = [event_id for event_id, chosen in effective.items() if chosen is Timing.NEVER]
    if silenced:
        db.session.execute(
            update(OrganiserNotice)
            .where(
                OrganiserNotice.user_id == actor.id,
                OrganiserNotice.told_at.is_(None),
                OrganiserNotice.event_id.in_(silenced),
            )
            .values(told_at=utcnow())
        )
    db.session.commit()


def may_choose(user) -> bool:
    """Whether ``user`` has notices to choose about: the organisers of at least one event."""
    return security.is_signed_in(user) and bool(organised_events(user))
