"""Visa invitation letters: the passport details a participant enters, the organiser's decision,
and what the letters of one event say it is for (they are printed on the event's letterhead).

Passport details are for organisers only and are erased by the retention rule some days after
the event (``services.erase_expired_passport_details``); the request itself, its decision and
its reference stay, so the organisers can still tell who had a letter.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..columns import enum_column
from ..extensions import db
from ..registration.models import Registration
from ..timeutil import UTCDateTime, utcnow


class LetterStatus(enum.Enum):
    REQUESTED = "requested"  # details entered, waiting for an organiser
    APPROVED = "approved"  # the letter can be downloaded
    REJECTED = "rejected"


class LetterSettings(db.Model):
    """What one event's letters say it is for; the letterhead and signatory are the event's (``letterhead.models``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    purpose: Mapped[str] = mapped_column(Text, default="")  # why the participant travels; empty: the event's summary
    # The passport must be valid this many months after the event's last day
    passport_months: Mapped[int] = mapped_column(default=6, server_default="6")
    # Starts every reference, e.g. EVT2026 in EVT2026-V-0007; empty: derived from the event
    reference_prefix: Mapped[str] = mapped_column(String(20), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class LetterRequest(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), unique=True)
    status: Mapped[LetterStatus] = enum_column(LetterStatus, default=LetterStatus.REQUESTED, index=True)
    # Passport details, all emptied by the retention rule
    passport_name: Mapped[str] = mapped_column(String(200), default="")  # as printed in the passport
    passport_number: Mapped[str] = mapped_column(String(40), default="")
    nationality: Mapped[str] = mapped_column(String(2), default="")  # ISO 3166-1 alpha-2
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    passport_issued_on: Mapped[date | None] = mapped_column(Date)
    passport_expires_on: Mapped[date | None] = mapped_column(Date)
    issuing_authority: Mapped[str] = mapped_column(String(200), default="")
    consulate: Mapped[str] = mapped_column(String(200), default="")  # where the visa is applied for
    details_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The decision
    reference: Mapped[str] = mapped_column(String(40), default="")  # printed on the letter
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decision_note: Mapped[str] = mapped_column(Text, default="")  # the reason given with a rejection
    # The letter as approved (``as_approved.LetterAsApproved``, as JSON); "" before the first approval
    approved_as_json: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    registration: Mapped[Registration] = relationship()
    decided_by: Mapped[User | None] = relationship()
