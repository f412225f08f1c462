"""Places held by visitors who registered without an account and have not confirmed their e-mail
address yet.

A visitor's registration takes its place (or its turn on the waiting list) at once, but only for as
long as the event allows (``Event.visitor_confirmation_hours``, 24 by default): the registration
records the deadline (``Registration.confirm_email_by``) and the confirmation e-mail names it. A
scheduled task cancels every registration still unconfirmed after its deadline, says why in the
cancellation e-mail, and gives the freed places to the waiting list in the same transaction (the
person promoted gets the usual notice). So addresses nobody reads cannot hold an event's places.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from huey import crontab

from ..accounts.models import User
from ..extensions import db
from ..jobs.queue import periodic
from ..timeutil import utcnow
from .models import Registration
from .services import change_state, fill_free_places, lock_event
from .states import ACTIVE, State

EXPIRED_REASON = _l("Your e-mail address was not confirmed in time, so your place went to the next person.")


def is_unconfirmed(registration: Registration) -> bool:
    return registration.user.email_verified_at is None


@periodic(crontab(minute="*/5"))
def release_unconfirmed_places_every_few_minutes() -> int:
    return release_unconfirmed_places()


def release_unconfirmed_places(now: datetime | None = None) -> int:
    """Cancel the active registrations whose address is still unconfirmed after their deadline and
    fill the places they free from the waiting list, one event at a time. Returns how many were cancelled."""
    now = now or utcnow()
    overdue = (
        db.select(Registration.id, Registration.event_id)
        .join(User, Registration.user_id == User.id)
        .where(
            Registration.state.in_(ACTIVE),
            Registration.confirm_email_by < now,
            User.email_verified_at.is_(None),
        )
    )
    by_event: dict[int, list[int]] = {}
    for registration_id, event_id in db.session.execute(overdue).all():
        by_event.setdefault(event_id, []).append(registration_id)
    db.session.rollback()  # nothing read here is kept: each event is read again under its lock
    cancelled = 0
    for event_id, registration_ids in by_event.items():
        event = lock_event(event_id)
        for registration in db.session.scalars(
            overdue.with_only_columns(Registration).where(Registration.id.in_(registration_ids))
        ):
            change_state(registration, State.CANCELLED, None, str(EXPIRED_REASON))
            cancelled += 1
        fill_free_places(event)
        db.session.commit()
    return cancelled
