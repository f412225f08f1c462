"""An event's certificate settings (their language; the letterhead is shared with visa letters) and
the certificates issued.

A registration may have several certificates over time (one revoked, then another issued), but at
most one valid at a time: ``services`` checks it under a lock on the registration's row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..registration.models import Registration
from ..timeutil import UTCDateTime, utcnow
from .as_issued import EventAsIssued


class CertificateSettings(db.Model):
    """What the certificates of one event say besides the letterhead (``letterhead.models``) and the holder."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    bilingual: Mapped[bool] = mapped_column(default=False)  # English and Chinese for everybody
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Certificate(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # 80 random bits, 20 hex digits
    # The holder and the figures as they were when issued
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_native_name: Mapped[str] = mapped_column(String(200), default="")
    sessions_attended: Mapped[int] = mapped_column(default=0)
    sessions_counted: Mapped[int] = mapped_column(default=0)
    seconds_attended: Mapped[int] = mapped_column(default=0)
    bilingual: Mapped[bool] = mapped_column(default=False)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    override_reason: Mapped[str] = mapped_column(Text, default="")  # why a non-eligible person has one
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str] = mapped_column(Text, default="")
    # The event and letterhead as issued (``as_issued.EventAsIssued``, as JSON)
    issued_as_json: Mapped[str] = mapped_column(Text, default="{}")

    registration: Mapped[Registration] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def issued_as(self) -> EventAsIssued:
        return EventAsIssued.from_json(self.issued_as_json)

    @property
    def valid(self) -> bool:
        return self.revoked_at is None

    @property
    def hours_attended(self) -> float:
        return self.seconds_attended / 3600

    @property
    def code_for_reading(self) -> str:
        """ABCD-EF01-2345-6789-ABCD: easier to read out and type (the form ignores the dashes)."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
