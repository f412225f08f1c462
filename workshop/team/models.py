"""Invitations to an event's team. The roles themselves are kept where they act: organisers in
``event_organiser``, check-in staff in ``check_in_staff``, rapporteurs as a role of a speaker in
sessions; an invitation only waits for a person to accept one of them."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..columns import enum_column
from ..events.models import Event
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow


class TeamRole(enum.Enum):
    ORGANISER = "organiser"
    CHECK_IN_STAFF = "check_in_staff"
    RAPPORTEUR = "rapporteur"


class TeamInvitation(db.Model):
    """A role at an event offered to an e-mail address that had no account. Pending while neither
    accepted nor withdrawn; ``sent_at`` is signed into the link, so sending again replaces it."""

    __tablename__ = "team_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[TeamRole] = enum_column(TeamRole)
    # The sessions a rapporteur is to report on: their ids, separated by commas
    session_ids: Mapped[str] = mapped_column(String(1000), default="")
    locale: Mapped[str] = mapped_column(String(10), default="en")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None

    @property
    def sessions(self) -> list[int]:
        return [int(part) for part in self.session_ids.split(",") if part.isdigit()]
