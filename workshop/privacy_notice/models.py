"""One version of an event's privacy notice: written once and never changed, so what a person
agreed to when they registered reads the same later. The event's notice is its latest version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow
from ..translated import Translated, TranslatedText

PARTS = ("controller", "purposes", "recipients", "retention", "rights")  # in the order a reader reads them


class PrivacyNotice(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()  # 1, 2, ... within the event
    controller: Mapped[Translated] = mapped_column(TranslatedText)  # who is responsible, and how to reach them
    purposes: Mapped[Translated] = mapped_column(TranslatedText)
    recipients: Mapped[Translated] = mapped_column(TranslatedText)
    retention: Mapped[Translated] = mapped_column(TranslatedText)
    rights: Mapped[Translated] = mapped_column(TranslatedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("event_id", "number"),)

    def parts(self) -> dict[str, Translated]:
        return {name: getattr(self, name) for name in PARTS}
