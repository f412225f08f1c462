"""What organisers see of their event's e-mail, and sending a failed message again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from ..errors import DomainError, Forbidden
from ..events.models import Event
from ..extensions import db
from ..security import can_manage_event
from ..timeutil import utcnow
from .models import Delivery, OutboxMessage
from .outbox import tell_worker_after_commit

PER_PAGE = 50

STATE_LABELS = {
    Delivery.QUEUED: _l("Waiting to be sent"),
    Delivery.SENT: _l("Sent"),
    Delivery.RETRYING: _l("Not sent yet: trying again"),
    Delivery.FAILED: _l("Failed"),
}


def require_organiser(actor, event: Event) -> None:
    if not can_manage_event(actor, event):
        raise Forbidden(_l("You do not organise this event."))


def messages_of(actor, event: Event, state: Delivery | None, page: int):
    require_organiser(actor, event)
    query = db.select(OutboxMessage).where(OutboxMessage.event_id == event.id)
    if state is not None:
        query = query.where(OutboxMessage.state == state)
    return db.paginate(query.order_by(OutboxMessage.id.desc()), page=page, per_page=PER_PAGE, error_out=False)


def counts_of(event: Event) -> dict[Delivery, int]:
    counts = dict.fromkeys(Delivery, 0)
    rows = db.session.execute(
        db.select(OutboxMessage.state, func.count())
        .where(OutboxMessage.event_id == event.id)
        .group_by(OutboxMessage.state)
    )
    counts.update(rows.all())
    return counts


def resend(actor, event: Event, message_ids: list[int]) -> int:
    """Queue failed messages again, with their attempts counted afresh; the number queued."""
    require_organiser(actor, event)
    messages = db.session.scalars(
        db.select(OutboxMessage)
        .where(OutboxMessage.event_id == event.id, OutboxMessage.id.in_(message_ids))
        .with_for_update()
    ).all()
    return send_failed_again(messages)


def send_failed_again(messages: list[OutboxMessage]) -> int:
    """Those of ``messages`` (locked by the caller) that failed go back to the worker, committed;
    DomainError, nothing changed, when none did. How many."""
    failed = [message for message in messages if message.state is Delivery.FAILED]
    if not failed:
        db.session.rollback()
        raise DomainError(_l("Only failed messages can be sent again."))
    queue_again(failed)
    db.session.commit()
    return len(failed)


def queue_again(failed: list[OutboxMessage]) -> None:
    """The messages go back to the worker with their attempts counted afresh, once the caller commits."""
    for message in failed:
        message.state, message.attempts, message.next_attempt_at, message.claimed_until = (
            Delivery.QUEUED,
            0,
            utcnow(),
            None,
        )
    tell_worker_after_commit()


def failed_ids(event: Event) -> list[int]:
    return list(
        db.session.scalars(
            db.select(OutboxMessage.id).where(
                OutboxMessage.event_id == event.id, OutboxMessage.state == Delivery.FAILED
            )
        )
    )
