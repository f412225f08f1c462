"""The programme of an event: sessions, the speakers in them, and personal calendar feeds."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..columns import enum_column
from ..events.models import Event
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow
from ..translated import Translated, TranslatedText, joined


class SessionKind(enum.Enum):
    PLENARY = "plenary"
    PANEL = "panel"
    TRAINING = "training"
    BREAK = "break"
    MEAL = "meal"
    SITE_VISIT = "site_visit"
    TRAVEL = "travel"
    OTHER = "other"


# Kinds that happen somewhere else than the venue: they carry an address and a city.
ON_THE_ROAD = (SessionKind.SITE_VISIT, SessionKind.TRAVEL)


class SpeakerRole(enum.Enum):
    SPEAKER = "speaker"
    CHAIR = "chair"
    MODERATOR = "moderator"
    DISCUSSANT = "discussant"
    RAPPORTEUR = "rapporteur"


class AgendaSession(db.Model):
    """One item of an event's agenda. ``sequence`` grows with every change, for calendar applications."""

    __tablename__ = "agenda_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[Translated] = mapped_column(TranslatedText)
    kind: Mapped[SessionKind] = enum_column(SessionKind)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    room: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    directions: Mapped[str] = mapped_column(Text, default="")  # how to get there, for site visits and travel
    track: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[Translated] = mapped_column(TranslatedText, default="")  # Markdown
    counts_for_attendance: Mapped[bool] = mapped_column(default=True)
    cancelled: Mapped[bool] = mapped_column(default=False)
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    speakers: Mapped[list["SessionSpeaker"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionSpeaker.position"
    )

    @property
    def place(self) -> str:
        """Where it happens, as one line: room, address and city, as far as known."""
        return joined((self.room, self.address, self.city))


class Speaker(db.Model):
    """A person who speaks at an event; not necessarily a user, linked to one once invited."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    native_name: Mapped[str] = mapped_column(String(200), default="")
    # position, e.g. "Senior Labour Inspection Specialist"
    title: Mapped[Translated] = mapped_column(TranslatedText, default="")
    affiliation: Mapped[Translated] = mapped_column(TranslatedText, default="")
    biography: Mapped[Translated] = mapped_column(TranslatedText, default="")  # Markdown
    email: Mapped[str] = mapped_column(String(254), default="")  # where the invitation went
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    photo_key: Mapped[str] = mapped_column(String(64), default="")  # its key in the upload storage
    photo_type: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship()
    sessions: Mapped[list["SessionSpeaker"]] = relationship(back_populates="speaker", cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    @property
    def display_name(self) -> str:
        if self.native_name and self.native_name != self.full_name:
            return f"{self.full_name} ({self.native_name})"
        return self.full_name


class SessionSpeaker(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("agenda_session.id", ondelete="CASCADE"), index=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speaker.id", ondelete="CASCADE"), index=True)
    role: Mapped[SpeakerRole] = enum_column(SpeakerRole, default=SpeakerRole.SPEAKER)
    position: Mapped[int] = mapped_column(default=0)

    session: Mapped[AgendaSession] = relationship(back_populates="speakers")
    speaker: Mapped[Speaker] = relationship(back_populates="sessions")

    __table_args__ = (UniqueConstraint("session_id", "speaker_id", "role"),)


class CalendarFeed(db.Model):
    """A person's secret calendar address; revoking it deletes the row, and a new one gets a new token."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
