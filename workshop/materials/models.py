"""Files and links for an event or one of its sessions, each with a visibility and its versions."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..agenda.models import AgendaSession
from ..columns import enum_column
from ..events.models import Event
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow
from ..translated import Translated, TranslatedText


class Visibility(enum.Enum):
    PUBLIC = "public"
    PARTICIPANTS = "participants"  # confirmed participants, speakers and organisers
    ORGANISERS = "organisers"


class Material(db.Model):
    """A file (with versions, newest first) or a link. ``url`` is set for a link and empty for a file."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_session.id", ondelete="CASCADE"), index=True)
    title: Mapped[Translated] = mapped_column(TranslatedText)  # in every language
    description: Mapped[Translated] = mapped_column(TranslatedText, default="")
    url: Mapped[str] = mapped_column(String(2000), default="")
    visibility: Mapped[Visibility] = enum_column(Visibility, default=Visibility.PARTICIPANTS)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    session: Mapped[AgendaSession | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    versions: Mapped[list["MaterialVersion"]] = relationship(
        back_populates="material", cascade="all, delete-orphan", order_by="MaterialVersion.number.desc()"
    )

    @property
    def is_link(self) -> bool:
        return bool(self.url)

    @property
    def current(self) -> "MaterialVersion | None":
        return self.versions[0] if self.versions else None


class MaterialVersion(db.Model):
    """One uploaded file, kept in the upload storage by a random key; never overwritten."""

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))  # the uploader's name for it, made safe
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    material: Mapped[Material] = relationship(back_populates="versions")
    uploaded_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("material_id", "number"),)
