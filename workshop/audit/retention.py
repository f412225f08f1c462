"""The only changes the log allows: entries older than ``AUDIT_RETENTION_DAYS`` are deleted, and
an account's deletion erases the person from the entries about them (``forget_person``)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import Text, cast

from ..extensions import db
from ..jobs.queue import periodic
from ..timeutil import utcnow
from .guard import PURGE
from .models import AuditEntry
from .recording import SYSTEM, acting_as, record_action
from .tracking import ERASED

DELETED_ACCOUNT = "deleted account"
ANONYMISED_PARTICIPANT = "anonymised participant"  # after the retention period of an event


@periodic(crontab(minute="23", hour="3"))
def delete_expired_entries_daily() -> int:
    return delete_expired_entries()


def delete_expired_entries(now: datetime | None = None) -> int:
    """Delete the entries older than ``AUDIT_RETENTION_DAYS`` before ``now``; the deletion itself is
    recorded, by the system. Returns how many entries went."""
    now = now or utcnow()
    cutoff = now - timedelta(days=int(current_app.config["AUDIT_RETENTION_DAYS"]))
    deleted = db.session.execute(
        db.delete(AuditEntry).where(AuditEntry.at < cutoff).execution_options(**{PURGE: True})
    ).rowcount
    if deleted:
        with acting_as(SYSTEM):
            record_action("log_purged", summary=str(deleted), changes={"before": cutoff.isoformat()})
    db.session.commit()
    return deleted


def forget_person(user_id: int) -> int:
    """Erase the values the log keeps about the person ``user_id``: their account's entries and
    everything about their registrations, and their e-mail address and names wherever else an entry
    says them (an event's organisers, a team invitation, a speaker); the entries they made stay,
    with their author called "deleted account" (the id is kept for counting). In the caller's
    transaction, before the account and its registrations are deleted. Returns how many entries
    were changed."""
    from ..accounts.models import User
    from ..registration.models import Registration

    user = db.session.get(User, user_id)
    rows = db.session.execute(
        db.select(Registration.id, Registration.full_name, Registration.native_name).where(
            Registration.user_id == user_id
        )
    ).all()
    about = db.or_(
        db.and_(AuditEntry.object_type == "User", AuditEntry.object_id == user_id),
        AuditEntry.registration_id.in_([row.id for row in rows]),
    )
    changed = _erase_entries(about)
    if user is not None:
        words = {user.email, user.full_name, user.native_name} | {name for row in rows for name in row[1:]}
        changed += _erase_words(words)
    changed += _relabel_author(AuditEntry.actor_id == user_id, DELETED_ACCOUNT)
    return changed


def forget_registrations(event_id: int, registration_ids: set[int]) -> int:
    """Erase the values the log keeps about these registrations of one event and what hangs on them
    (answers, marks, certificates, letters), when the event's retention period anonymises them;
    the entries their people wrote about the event keep their author as an anonymised participant.
    In the caller's transaction. Returns how many entries were changed."""
    from ..registration.models import Registration

    changed = _erase_entries(AuditEntry.registration_id.in_(registration_ids))
    people = db.select(Registration.user_id).where(Registration.id.in_(registration_ids))
    authored = db.and_(AuditEntry.event_id == event_id, AuditEntry.actor_id.in_(people))
    return changed + _relabel_author(authored, ANONYMISED_PARTICIPANT)


def _erase_entries(condition) -> int:
    entries = db.session.scalars(db.select(AuditEntry).where(condition)).all()
    for entry in entries:
        _rewrite(entry, summary=ERASED, changes=_erased(entry.changes))
    return len(entries)


def _erase_words(words: set[str | None]) -> int:
    """Wherever an entry says one of ``words`` (an address, a name), it says "(erased)" instead.
    The log keeps text outside ASCII escaped in its JSON, so both spellings are looked for."""
    words = {word for word in words if word and len(word) > 1}
    if not words:
        return 0
    stored = cast(AuditEntry.changes, Text)
    mentions = [
        condition
        for word in words
        for condition in (
            AuditEntry.summary.contains(word, autoescape=True),
            stored.contains(word, autoescape=True),
            stored.contains(json.dumps(word)[1:-1], autoescape=True),
        )
    ]
    entries = db.session.scalars(db.select(AuditEntry).where(db.or_(*mentions))).all()
    for entry in entries:
        _rewrite(entry, summary=_without(entry.summary, words), changes=_without(entry.changes, words))
    return len(entries)


def _without(value, words: set[str]):
    if isinstance(value, str):
        for word in sorted(words, key=len, reverse=True):
            value = value.replace(word, ERASED)
        return value
    if isinstance(value, list):
        return [_without(item, words) for item in value]
    if isinstance(value, dict):
        return {key: _without(item, words) for key, item in value.items()}
    return value


def _relabel_author(condition, label: str) -> int:
    return db.session.execute(
        db.update(AuditEntry)
        .where(condition)
        .values(actor_label=label, address=None)
        .execution_options(**{PURGE: True}, synchronize_session=False)
    ).rowcount


def _rewrite(entry: AuditEntry, **values) -> None:
    db.session.execute(
        db.update(AuditEntry)
        .where(AuditEntry.id == entry.id)
        .values(**values)
        .execution_options(**{PURGE: True}, synchronize_session=False)
    )
    db.session.expire(entry)


def _erased(changes: dict | None) -> dict | None:
    if not changes:
        return changes
    return {
        field: [None if value is None else ERASED for value in before_after]
        if isinstance(before_after, list)
        else ERASED
        for field, before_after in changes.items()
    }
