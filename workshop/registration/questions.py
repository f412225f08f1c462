"""The event's own questions: organisers add, edit, order and remove them.

A removed question is archived, not deleted: the answers already given stay, and still show
on the registration's page and in exports. An answer keeps the option's text, so editing the
options later does not change what anybody answered.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from ..accounts.models import User
from ..errors import DomainError, Forbidden
from ..events.models import Event
from ..extensions import db
from ..security import can_manage_event
from .models import CHOICE_KINDS, Answer, Question, QuestionKind

LABEL_MAX = 300
HELP_TEXT_MAX = 500
OPTION_MAX = 200
OPTIONS_MAX = 100


@dataclass
class QuestionData:
    kind: QuestionKind | str
    label: str
    help_text: str = ""
    options: list[str] = field(default_factory=list)  # one per line as typed; blank lines are dropped
    required: bool = False
    sensitive: bool = False


class QuestionNotFound(DomainError):
    def __init__(self):
        super().__init__(_l("This question does not exist."))


def event_questions_with_archived(event_id: int) -> list[Question]:
    """Current questions in order, then the removed ones."""
    return list(
        db.session.scalars(
            db.select(Question).where(Question.event_id == event_id).order_by(Question.archived, Question.position, Question.id)
        )
    )


def answer_counts(event_id: int) -> dict[int, int]:
    rows = db.session.execute(
        db.select(Answer.question_id, func.count())
        .join(Question, Question.id == Answer.question_id)
        .where(Question.event_id == event_id)
        .group_by(Answer.question_id)
    )
    return {question_id: count for question_id, count in rows}


def has_answers(question_id: int) -> bool:
    return db.session.scalar(db.select(db.exists().where(Answer.question_id == question_id)))


# --- checks -------------------------------------------------------------------------


def _kind(value: QuestionKind | str) -> QuestionKind:
    if isinstance(value, QuestionKind):
        return value
    try:
        return QuestionKind(value)
    except ValueError as error:
        raise DomainError(_l("Choose a kind of question from the list."), field="kind") from error


def clean_options(kind: QuestionKind, lines: list[str]) -> list[str]:
    if kind not in CHOICE_KINDS:
        return []
    options = [line.strip() for line in lines if line and line.strip()]
    if len(options) < 2:
        raise DomainError(_l("Give at least two options, one per line."), field="options")
    if len(options) > OPTIONS_MAX:
        raise DomainError(_l("Give at most %(count)d options.", count=OPTIONS_MAX), field="options")
    seen = set()
    for option in options:
        if len(option) > OPTION_MAX:
            raise DomainError(_l("An option can have at most %(count)d characters.", count=OPTION_MAX), field="options")
        if option.casefold() in seen:
            raise DomainError(_l("Each option must be different: “%(option)s” appears twice.", option=option), field="options")
        seen.add(option.casefold())
    return options


def clean(data: QuestionData) -> QuestionData:
    kind = _kind(data.kind)
    label = (data.label or "").strip()
    help_text = (data.help_text or "").strip()
    if not label:
        raise DomainError(_l("Write the question."), field="label")
    if len(label) > LABEL_MAX:
        raise DomainError(_l("Use at most %(count)d characters.", count=LABEL_MAX), field="label")
    if len(help_text) > HELP_TEXT_MAX:
        raise DomainError(_l("Use at most %(count)d characters.", count=HELP_TEXT_MAX), field="help_text")
    return QuestionData(
        kind=kind,
        label=label,
        help_text=help_text,
        options=clean_options(kind, data.options or []),
        required=bool(data.required),
        sensitive=bool(data.sensitive),
    )


def _managed_event(actor: User, event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or not can_manage_event(actor, event):
        raise Forbidden(_l("You do not organise this event."))
    return event


def _managed_question(actor: User, event_id: int, question_id: int) -> Question:
    _managed_event(actor, event_id)
    question = db.session.get(Question, question_id)
    if question is None or question.event_id != event_id:
        raise QuestionNotFound()
    return question


def _current_questions(event_id: int) -> list[Question]:
    return list(
        db.session.scalars(
            db.select(Question).where(Question.event_id == event_id, Question.archived.is_(False)).order_by(Question.position, Question.id)
        )
    )


# --- services -------------------------------------------------------------------------


def add_question(actor: User, event_id: int, data: QuestionData) -> Question:
    _managed_event(actor, event_id)
    data = clean(data)
    last = db.session.scalar(db.select(func.max(Question.position)).where(Question.event_id == event_id))
    question = Question(
        event_id=event_id,
        kind=data.kind,
        label=data.label,
        help_text=data.help_text,
        required=data.required,
        sensitive=data.sensitive,
        position=(last if last is not None else -1) + 1,
    )
    question.options = data.options
    db.session.add(question)
    db.session.commit()
    return question


def update_question(actor: User, event_id: int, question_id: int, data: QuestionData) -> Question:
    """Change the wording, options and flags. The kind changes only while nobody has answered."""
    question = _managed_question(actor, event_id, question_id)
    if question.archived:
        raise DomainError(_l("This question is removed; it cannot change."))
    data = clean(data)
    if data.kind is not question.kind and has_answers(question.id):
        raise DomainError(
            _l("People have answered this question already, so its kind cannot change. Add a new question instead."), field="kind"
        )
    question.kind = data.kind
    question.label = data.label
    question.help_text = data.help_text
    question.options = data.options
    question.required = data.required
    question.sensitive = data.sensitive
    db.session.commit()
    return question


def move_question(actor: User, event_id: int, question_id: int, direction: str) -> Question:
    """Swap the question with its neighbour above ("up") or below ("down"); at either end nothing moves."""
    question = _managed_question(actor, event_id, question_id)
    if direction not in ("up", "down"):
        raise DomainError(_l("Move a question up or down."))
    if question.archived:
        raise DomainError(_l("This question is removed; it cannot change."))
    ordered = _current_questions(event_id)
    index = ordered.index(question)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    db.session.commit()
    return question


def remove_question(actor: User, event_id: int, question_id: int) -> Question:
    """Archive the question: it leaves the form; the answers already given stay."""
    question = _managed_question(actor, event_id, question_id)
    question.archived = True
    db.session.commit()
    return question
