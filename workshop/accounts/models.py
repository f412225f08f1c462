from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash

from ..extensions import db
from ..timeutil import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint compares e-mail case-insensitively.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    full_name: Mapped[str] = mapped_column(String(200))
    native_name: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(10), default="en")
    is_admin: Mapped[bool] = mapped_column(default=False)
    can_create_events: Mapped[bool] = mapped_column(default=False)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of the session identity: raising it ends every other session of the user.
    session_version: Mapped[int] = mapped_column(default=1)
    # The person agreed that their sex, dietary and accessibility needs fill in their next registrations.
    prefills_personal_details: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set by an administrator: the person cannot log in, and their log-ins ended when it was set.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the last link to confirm the address was queued: an administrator re-sends it at most so often.
    verification_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # The log-in this request belongs to (not a column): the session cookie names it.
    login_token = ""
    on_a_team = None  # whether on some event's team, when read with the log-in (security.has_team_role)
    speaks_somewhere = None  # whether some event's speaker profile is theirs, when read with the log-in

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}:{self.login_token}"

    def set_password(self, password: str) -> None:
        from .passwords import hash_password

        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        """Flask-Login logs no one in to a disabled account."""
        return self.disabled_at is None

    @property
    def is_disabled(self) -> bool:
        return self.disabled_at is not None

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def display_name(self) -> str:
        if self.native_name and self.native_name != self.full_name:
            return f"{self.full_name} ({self.native_name})"
        return self.full_name

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class LoginSession(db.Model):
    """One log-in on one device, named by a random token in its session and remember-me cookies:
    logging out deletes it, so a copy of those cookies is worth nothing afterwards."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
