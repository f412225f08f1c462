"""Who was there: arrival at the event and presence at each session, with how and by whom it was recorded."""

import enum
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..agenda.models import AgendaSession
from ..columns import enum_column, event_people
from ..events.models import Event
from ..extensions import db
from ..registration.models import Registration
from ..timeutil import UTCDateTime, utcnow

ARRIVAL = 0  # the ``slot`` of arrival at the event; a session's slot is its id

check_in_staff = event_people("check_in_staff")


class Method(enum.Enum):
    ROSTER = "roster"
    SCAN = "scan"  # the check-in desk: camera, typed code or name search
    SELF = "self"  # the participant, with the session's code
    API = "api"  # a scanner device with the event's token


def new_ticket_code() -> str:
    """80 random bits in a form that is easy to type from a badge: 16 characters, no 0/O or 1/I/L."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(16))


class Ticket(db.Model):
    """The code on a registration's badge; it identifies the registration at the check-in desk."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, default=new_ticket_code)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    registration: Mapped[Registration] = relationship()


class Attendance(db.Model):
    """One registration present at arrival (``slot`` 0) or at one session (``slot`` = the session's id).

    The unique (registration, slot) pair makes a second scan of the same badge a no-op, whichever
    desk sends it. Undoing a mark keeps the row with ``present`` false, so the history stays.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_session.id", ondelete="CASCADE"), index=True)
    slot: Mapped[int] = mapped_column()
    present: Mapped[bool] = mapped_column(default=True)
    method: Mapped[Method] = enum_column(Method)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    registration: Mapped[Registration] = relationship()
    session: Mapped[AgendaSession | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    changes: Mapped[list["AttendanceChange"]] = relationship(
        back_populates="attendance", cascade="all, delete-orphan", order_by="AttendanceChange.id"
    )

    __table_args__ = (UniqueConstraint("registration_id", "slot"),)


class AttendanceChange(db.Model):
    """Every mark and every undo: who, when, how."""

    id: Mapped[int] = mapped_column(primary_key=True)
    attendance_id: Mapped[int] = mapped_column(ForeignKey("attendance.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool] = mapped_column()
    method: Mapped[Method] = enum_column(Method)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    attendance: Mapped[Attendance] = relationship(back_populates="changes")
    actor: Mapped[User | None] = relationship()


class SessionCode(db.Model):
    """The short code an organiser shows on screen for self check-in at one session."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("agenda_session.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(12), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    session: Mapped[AgendaSession] = relationship()


class ApiToken(db.Model):
    """A scanner device's key to one event's check-in API. Only the SHA-256 of the token is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship()
    created_by: Mapped[User | None] = relationship()


class CertificateRule(db.Model):
    """What makes a participant eligible for a certificate: a share of the sessions that count for
    attendance, a number of hours at them, or both (both must hold)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    min_percent: Mapped[int | None] = mapped_column()
    min_hours: Mapped[float | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
