"""What organisers are told: each happening that needs them is a row, written in the transaction of
the happening, so nothing is lost if the process dies before the e-mail leaves; and how each
organiser wants to hear of it (at once, in a daily digest, or never), for all their events or one."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..columns import enum_column
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow


class NoticeKind(enum.Enum):
    PENDING_REGISTRATION = "pending_registration"  # the object is the registration
    VISA_LETTER_REQUEST = "visa_letter_request"  # the object is the letter request
    FAILED_EMAIL = "failed_email"  # the object is the outbox message


class Timing(enum.Enum):
    AT_ONCE = "at_once"  # one e-mail a happening
    DAILY = "daily"  # one e-mail a day with what happened since the last one
    NEVER = "never"


DEFAULT_TIMING = Timing.DAILY


class NoticeSettings(db.Model):
    """One person's choice for all the events they organise, and when their last digest left."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    timing: Mapped[Timing] = enum_column(Timing, default=DEFAULT_TIMING)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class EventNoticeTiming(db.Model):
    """One person's choice for one event they organise, instead of their choice for all."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    timing: Mapped[Timing] = enum_column(Timing)


class OrganiserNotice(db.Model):
    """One happening one organiser is to be told of; ``told_at`` is set when the e-mail that tells
    them (``mail_id``) is written to the outbox, or when they chose to hear nothing more of it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NoticeKind] = enum_column(NoticeKind)
    object_id: Mapped[int] = mapped_column()
    about: Mapped[str] = mapped_column(String(300), default="")  # who or what, as it was at the time
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mail_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"), index=True)

    __table_args__ = (Index("ix_organiser_notice_user_id_told_at", "user_id", "told_at"),)
