import enum
import json
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..columns import enum_column
from ..events.models import Event
from ..extensions import db
from ..privacy_notice.models import PrivacyNotice
from ..questions.options import options_of, options_to_json
from ..timeutil import UTCDateTime, utcnow
from ..translated import Translated, TranslatedText
from .states import State


class OrganisationType(enum.Enum):
    """The ILO's constituents and the other kinds of organisation at its events."""

    GOVERNMENT = "government"
    EMPLOYERS = "employers"
    WORKERS = "workers"
    NGO = "ngo"
    ACADEMIA = "academia"
    INTERNATIONAL = "international"
    OTHER = "other"


class Sex(enum.Enum):
    FEMALE = "female"
    MALE = "male"
    UNDISCLOSED = "undisclosed"


class QuestionKind(enum.Enum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    COUNTRY = "country"
    DATE = "date"


class Registration(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    state: Mapped[State] = enum_column(State, index=True)
    # Order on the waiting list; the position shown is the rank among those still waiting.
    waitlist_seq: Mapped[int | None] = mapped_column()

    full_name: Mapped[str] = mapped_column(String(200))
    native_name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200))
    organisation_type: Mapped[OrganisationType] = enum_column(OrganisationType)
    country: Mapped[str] = mapped_column(String(2))
    sex: Mapped[Sex] = enum_column(Sex)
    job_title: Mapped[str] = mapped_column(String(200), default="")
    dietary_needs: Mapped[str] = mapped_column(String(500), default="")
    accessibility_needs: Mapped[str] = mapped_column(String(500), default="")
    visa_letter_needed: Mapped[bool] = mapped_column(default=False)
    listed_publicly: Mapped[bool] = mapped_column(default=False)
    privacy_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The version of the event's own privacy notice agreed to then; None when the event had none
    privacy_notice_id: Mapped[int | None] = mapped_column(ForeignKey("privacy_notice.id", ondelete="SET NULL"))
    # Until when the place is held while the person's e-mail address is unconfirmed (``unconfirmed``)
    confirm_email_by: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()
    privacy_notice: Mapped[PrivacyNotice | None] = relationship()
    answers: Mapped[list["Answer"]] = relationship(back_populates="registration", cascade="all, delete-orphan")
    changes: Mapped[list["RegistrationChange"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="RegistrationChange.id"
    )

    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def display_name(self) -> str:
        if self.native_name and self.native_name != self.full_name:
            return f"{self.full_name} ({self.native_name})"
        return self.full_name


class RegistrationChange(db.Model):
    """One change of state: who, when, from, to and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # None: the system
    from_state: Mapped[State | None] = enum_column(State, nullable=True)
    to_state: Mapped[State] = enum_column(State)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="changes")
    actor: Mapped[User | None] = relationship()


class Question(db.Model):
    """A question of the event's own, asked on its registration form.

    A removed question is archived, not deleted, so the answers already given stay readable.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[QuestionKind] = enum_column(QuestionKind)
    label: Mapped[Translated] = mapped_column(TranslatedText)
    help_text: Mapped[Translated] = mapped_column(TranslatedText, default="")
    options_json: Mapped[str] = mapped_column(Text, default="[]")
    required: Mapped[bool] = mapped_column(default=False)
    sensitive: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    archived: Mapped[bool] = mapped_column(default=False)

    @property
    def options(self) -> list[Translated]:
        """Each option in every language it is written in (``questions.options``)."""
        return options_of(self.options_json)

    @options.setter
    def options(self, values: list[Translated | str]) -> None:
        self.options_json = options_to_json(values)


class Answer(db.Model):
    """An answer keeps its value as given (a chosen option's text in its first language, not its
    index: ``questions.options``), so later edits of the question do not change what the person
    answered, and the answer reads the same in every language."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    value_json: Mapped[str] = mapped_column(Text)

    registration: Mapped[Registration] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()

    __table_args__ = (UniqueConstraint("registration_id", "question_id"),)

    @property
    def value(self):
        return json.loads(self.value_json)

    @value.setter
    def value(self, value) -> None:
        self.value_json = json.dumps(value, ensure_ascii=False)
