"""The event's own questions: organisers add, edit, order and remove them.

A removed question is archived, not deleted: the answers already given stay, and still show
on the registration's page and in exports. An answer keeps the option's text (in the option's first
language, ``questions.options``), so editing the options later does not change what anybody answered,
and it reads the same option in every language.
"""

from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..errors import Forbidden
from ..events.models import Event
from ..extensions import db
from ..questions import kinds
from ..questions.engine import QuestionData as BaseQuestionData
from ..questions.engine import Questionnaire
from ..security import can_manage_event
from .models import Answer, Question, QuestionKind

REGISTRATION_FORM = Questionnaire(
    question_model=Question,
    answer_model=Answer,
    kinds={
        QuestionKind.SHORT_TEXT: kinds.SHORT_TEXT,
        QuestionKind.LONG_TEXT: kinds.LONG_TEXT,
        QuestionKind.SINGLE_CHOICE: kinds.ONE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE: kinds.SEVERAL_CHOICES,
        QuestionKind.YES_NO: kinds.YES_NO,
        QuestionKind.COUNTRY: kinds.COUNTRY,
        QuestionKind.DATE: kinds.DATE,
    },
    options_max=100,
)


@dataclass
class QuestionData(BaseQuestionData):
    sensitive: bool = False  # only the organisers see the answers


def event_questions_with_archived(event_id: int) -> list[Question]:
    """Current questions in order, then the removed ones."""
    return REGISTRATION_FORM.questions_with_archived(event_id)


def answer_counts(event_id: int) -> dict[int, int]:
    return REGISTRATION_FORM.answer_counts(event_id)


def has_answers(question_id: int) -> bool:
    return REGISTRATION_FORM.has_answers(question_id)


def clean(data: QuestionData) -> QuestionData:
    return REGISTRATION_FORM.clean(data, lambda data: replace(data, sensitive=bool(data.sensitive)))


def _managed_event(actor: User, event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or not can_manage_event(actor, event):
        raise Forbidden(_l("You do not organise this event."))
    return event


def _managed_question(actor: User, event_id: int, question_id: int) -> Question:
    _managed_event(actor, event_id)
    return REGISTRATION_FORM.question(event_id, question_id)


# --- services -------------------------------------------------------------------------


def add_question(actor: User, event_id: int, data: QuestionData) -> Question:
    _managed_event(actor, event_id)
    return REGISTRATION_FORM.add(event_id, clean(data))


def update_question(actor: User, event_id: int, question_id: int, data: QuestionData) -> Question:
    """Change the wording, options and flags. The kind changes only while nobody has answered."""
    question = _managed_question(actor, event_id, question_id)
    REGISTRATION_FORM.refuse_removed(question)
    data = clean(data)
    REGISTRATION_FORM.refuse_new_kind(question, data)
    return REGISTRATION_FORM.update(question, data)


def move_question(actor: User, event_id: int, question_id: int, direction: str) -> Question:
    """Swap the question with its neighbour above ("up") or below ("down"); at either end nothing moves."""
    return REGISTRATION_FORM.move(_managed_question(actor, event_id, question_id), direction)


def remove_question(actor: User, event_id: int, question_id: int) -> Question:
    """Archive the question: it leaves the form; the answers already given stay."""
    question = _managed_question(actor, event_id, question_id)
    REGISTRATION_FORM.remove(question)
    return question
