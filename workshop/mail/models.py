"""The outbox: every e-mail is a row, written in the transaction of the change that causes it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..columns import enum_column
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow


class Delivery(enum.Enum):
    QUEUED = "queued"  # waiting for the worker
    SENT = "sent"  # the mail server accepted it
    RETRYING = "retrying"  # the last attempt failed for a reason that may pass; tried again at next_attempt_at
    FAILED = "failed"  # refused for good, or every attempt failed: an organiser may resend it


WAITING = (Delivery.QUEUED, Delivery.RETRYING)


class OutboxMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(998))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)  # the same on every attempt
    state: Mapped[Delivery] = enum_column(Delivery, default=Delivery.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A sender holds a message until this moment; another sender may take it after (the first one died)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_outbox_message_state_next_attempt_at", "state", "next_attempt_at"),)
