"""One row a happening: who (a person, an API token or the system), from which address, when, on
which object of which event, and for a change of fields what each was before and after."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import UTCDateTime, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_event_at", "event_id", "at"),
        Index("ix_audit_entry_actor_at", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # No foreign keys: the record outlives the people, events and objects it names.
    actor_id: Mapped[int | None] = mapped_column()
    actor_label: Mapped[str] = mapped_column(String(200), default="")  # as they were called at the time
    address: Mapped[str | None] = mapped_column(String(45))
    event_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(60))  # "created", "changed", "deleted", or a named one
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[int | None] = mapped_column()
    # The registration the entry is about (its own, or that of an answer, a mark, a certificate, a
    # letter): what is erased when the registration is anonymised.
    registration_id: Mapped[int | None] = mapped_column(index=True)
    summary: Mapped[str] = mapped_column(String(300), default="")
    # {field: [before, after]} for a change; anything else an action wants to keep, for the others
    changes: Mapped[dict | None] = mapped_column(JSON)
