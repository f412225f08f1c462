"""The evaluation of an event: the form an organiser builds, and the participants' answers.

Who has answered (``EvaluationSubmission``, one per registration, unique) is kept apart from what
was answered (``EvaluationResponse``), so an anonymous evaluation can refuse a second answer
without tying any answer to a person: an anonymous response has no registration, its time is
kept to the day only, and responses and answers are numbered at random, so that the order of the
rows cannot pair them with the order of the submissions either.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..agenda.models import AgendaSession
from ..columns import enum_column
from ..extensions import db
from ..questions.options import options_of, options_to_json
from ..registration.models import Registration
from ..timeutil import UTCDateTime, utcnow
from ..translated import Translated, TranslatedText


def random_row_id() -> int:
    return secrets.randbits(62) + 1


class EvaluationQuestionKind(enum.Enum):
    RATING = "rating"  # 1 to 5
    CHOICE = "choice"  # one of the options
    MULTIPLE_CHOICE = "multiple_choice"  # any of the options
    TEXT = "text"  # free text


class Evaluation(db.Model):
    """One event's evaluation: whether it is open, and whether answers are anonymous."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    anonymous: Mapped[bool] = mapped_column(default=True)
    introduction: Mapped[Translated] = mapped_column(TranslatedText, default="")  # Markdown, above the questions
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None and self.closed_at is None


class EvaluationQuestion(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EvaluationQuestionKind] = enum_column(EvaluationQuestionKind)
    label: Mapped[Translated] = mapped_column(TranslatedText)
    help_text: Mapped[Translated] = mapped_column(TranslatedText, default="")
    options_json: Mapped[str] = mapped_column(Text, default="[]")  # choices: a JSON list, each option by language
    required: Mapped[bool] = mapped_column(default=False)
    # A question about one session ("How useful was ...?"); None: about the whole event
    session_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_session.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    archived: Mapped[bool] = mapped_column(default=False)  # kept for its answers, no longer asked

    session: Mapped[AgendaSession | None] = relationship()

    @property
    def options(self) -> list[Translated]:
        """Each option in every language it is written in (``questions.options``)."""
        return options_of(self.options_json)

    @options.setter
    def options(self, values: list[Translated | str]) -> None:
        self.options_json = options_to_json(values)


class EvaluationSubmission(db.Model):
    """That a registration has answered, and nothing about what it answered."""

    __table_args__ = (UniqueConstraint("event_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # indexed for "My registrations", which asks of each registration whether it answered
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    registration: Mapped[Registration] = relationship()


class EvaluationResponse(db.Model):
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False, default=random_row_id)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # None when the evaluation is anonymous
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    submitted_on: Mapped[date] = mapped_column(Date)

    registration: Mapped[Registration | None] = relationship()
    answers: Mapped[list[EvaluationAnswer]] = relationship(back_populates="response", cascade="all, delete-orphan")


class EvaluationAnswer(db.Model):
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False, default=random_row_id)
    response_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("evaluation_response.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("evaluation_question.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int | None] = mapped_column()  # 1 to 5, rating questions only
    value_json: Mapped[str] = mapped_column(Text, default="")  # choices: a JSON list; text: a JSON string

    response: Mapped[EvaluationResponse] = relationship(back_populates="answers")
    question: Mapped[EvaluationQuestion] = relationship()
