"""The only changes the log allows: entries older than ``AUDIT_RETENTION_DAYS`` are deleted, and
an account's deletion erases the person from the entries about them (``forget_person``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from huey import crontab

from ..extensions import db
from ..jobs.queue import periodic
from ..timeutil import utcnow
from .guard import PURGE
from .models import AuditEntry
from .recording import SYSTEM, acting_as, record_action
from .tracking import ERASED

DELETED_ACCOUNT = "deleted account"
# Entries that name a person by their account, and those that name one of their registrations
NAMING_PEOPLE = ("Registration", "Speaker", "CheckInStaff")
ABOUT_REGISTRATIONS = ("Answer", "Attendance", "Certificate", "LetterRequest")


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
    """Erase the values the log keeps about the person ``user_id``: their account's entries, those
    that name them as a registration, a speaker or check-in staff, and those of what hangs on their
    registrations (answers, marks, certificates, letters); the entries they made stay, with their
    author called "deleted account" (the id is kept for counting). In the caller's transaction,
    before the account and its registrations are deleted. Returns how many entries were changed."""
    from ..registration.models import Registration

    registrations = set(db.session.scalars(db.select(Registration.id).where(Registration.user_id == user_id)))
    naming_people = db.session.scalars(db.select(AuditEntry).where(AuditEntry.object_type.in_(NAMING_PEOPLE))).all()
    about = [entry for entry in naming_people if _names(entry, "user_id", user_id)]
    registrations |= {entry.object_id for entry in about if entry.object_type == "Registration"}
    about += [
        entry
        for entry in db.session.scalars(
            db.select(AuditEntry).where(
                db.or_(
                    db.and_(AuditEntry.object_type == "User", AuditEntry.object_id == user_id),
                    db.and_(AuditEntry.object_type == "Registration", AuditEntry.object_id.in_(registrations)),
                    AuditEntry.object_type.in_(ABOUT_REGISTRATIONS),
                )
            )
        )
        if entry not in about
        and (
            entry.object_type in ("User", "Registration")
            or any(_names(entry, "registration_id", registration) for registration in registrations)
        )
    ]
    statements = [
        db.update(AuditEntry)
        .where(AuditEntry.id == entry.id)
        .values(summary=ERASED, changes=_erased(entry.changes))
        .execution_options(**{PURGE: True}, synchronize_session=False)
        for entry in about
    ]
    for statement in statements:
        db.session.execute(statement)
    made = db.session.execute(
        db.update(AuditEntry)
        .where(AuditEntry.actor_id == user_id)
        .values(actor_label=DELETED_ACCOUNT, address=None)
        .execution_options(**{PURGE: True}, synchronize_session=False)
    ).rowcount
    for entry in list(db.session.identity_map.values()):
        if isinstance(entry, AuditEntry):
            db.session.expire(entry)
    return len(about) + made


def forget_registrations(event_id: int, registration_ids: set[int]) -> int:
    """Erase the values the log keeps about these registrations of one event, and about what hangs on
    them (answers, marks, certificates, letters), when the event's retention period anonymises them.
    In the caller's transaction. Returns how many entries were changed."""
    about = [
        entry
        for entry in db.session.scalars(
            db.select(AuditEntry).where(
                AuditEntry.event_id == event_id,
                AuditEntry.object_type.in_(("Registration", *ABOUT_REGISTRATIONS)),
                AuditEntry.summary != ERASED,
            )
        )
        if (entry.object_type == "Registration" and entry.object_id in registration_ids)
        or any(_names(entry, "registration_id", registration) for registration in registration_ids)
    ]
    for entry in about:
        db.session.execute(
            db.update(AuditEntry)
            .where(AuditEntry.id == entry.id)
            .values(summary=ERASED, changes=_erased(entry.changes))
            .execution_options(**{PURGE: True}, synchronize_session=False)
        )
        db.session.expire(entry)
    return len(about)


def _names(entry: AuditEntry, field: str, value: int) -> bool:
    before_after = (entry.changes or {}).get(field)
    return isinstance(before_after, list) and value in before_after


def _erased(changes: dict | None) -> dict | None:
    if not changes:
        return changes
    return {
        field: [None if value is None else ERASED for value in before_after]
        if isinstance(before_after, list)
        else ERASED
        for field, before_after in changes.items()
    }
