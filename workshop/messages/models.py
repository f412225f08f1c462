"""A message as sent (subject, text, the filters that chose its recipients, who sent it), its
recipients with the outbox e-mail each got, and the templates organisers save."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..mail.models import OutboxMessage
from ..timeutil import UTCDateTime, utcnow
from ..translated import Translated, TranslatedText


class ParticipantMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    subject: Mapped[Translated] = mapped_column(TranslatedText)
    text: Mapped[Translated] = mapped_column(TranslatedText)
    filters_json: Mapped[str] = mapped_column(Text, default="{}")  # recipients.Recipients, as chosen
    recipient_count: Mapped[int] = mapped_column(default=0)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sent_by: Mapped[User | None] = relationship()
    recipients: Mapped[list[MessageRecipient]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="MessageRecipient.id"
    )

    @property
    def filters(self) -> dict:
        return json.loads(self.filters_json or "{}")


class MessageRecipient(db.Model):
    """One person a message went to, with the e-mail written for them (name and address kept as
    they were, so the history reads the same after a registration is gone)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("participant_message.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(10), default="en")

    message: Mapped[ParticipantMessage] = relationship(back_populates="recipients")
    outbox_message: Mapped[OutboxMessage | None] = relationship()

    __table_args__ = (UniqueConstraint("message_id", "registration_id"),)


class MessageTemplate(db.Model):
    """A subject and text saved under a name, for one event or for every event of a series (exactly
    one of ``event_id`` and ``series_id`` is set); names are unique within their scope."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    subject: Mapped[Translated] = mapped_column(TranslatedText)
    text: Mapped[Translated] = mapped_column(TranslatedText)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("event_id", "name"), UniqueConstraint("series_id", "name"))

    @property
    def for_series(self) -> bool:
        return self.series_id is not None
