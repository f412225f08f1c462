"""What the privacy rules keep: a person's export while it is prepared and downloadable, the
retention period of each event and of the platform, and which registrations were anonymised, why."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..columns import enum_column
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow


class ExportState(enum.Enum):
    PREPARING = "preparing"
    READY = "ready"
    FAILED = "failed"


class DataExport(db.Model):
    """A person's export of their own data: one row a person, so two requests at once meet at the
    unique constraint and make one export; a new request reuses the row once it is ready or failed."""

    __tablename__ = "data_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    state: Mapped[ExportState] = enum_column(ExportState, default=ExportState.PREPARING)
    file_key: Mapped[str] = mapped_column(String(64), default="")  # the ZIP in the upload storage
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class Anonymisation(enum.Enum):
    ACCOUNT_DELETED = "account_deleted"  # the person deleted their account
    RETENTION = "retention"  # the event's retention period ended


class AnonymisedRegistration(db.Model):
    """That a registration was anonymised, when and why: it still counts in the statistics."""

    __tablename__ = "anonymised_registration"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True)
    because: Mapped[Anonymisation] = enum_column(Anonymisation)
    anonymised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EventRetention(db.Model):
    """How many months after its end an event keeps its participants' personal data; no row, or
    None, is the platform default."""

    __tablename__ = "event_retention"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    months: Mapped[int | None] = mapped_column()


class PrivacySettings(db.Model):
    """The platform's privacy defaults, one row, set by an admin."""

    __tablename__ = "privacy_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    retention_months: Mapped[int] = mapped_column(default=24)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
