"""The evaluation form: organisers add, edit, order and remove its questions.

A question nobody has answered is deleted when removed; one with answers is archived, so the
results keep it. An answered question keeps its kind and every option it had (new options may
be added), so what people answered keeps its meaning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from .. import security
from ..agenda.models import AgendaSession
from ..errors import DomainError, Forbidden
from ..events.models import Event
from ..extensions import db
from .models import EvaluationAnswer, EvaluationQuestion, EvaluationQuestionKind as Kind

LABEL_MAX = 300
HELP_TEXT_MAX = 500
OPTION_MAX = 200
OPTIONS_MAX = 50
CHOICE_KINDS = (Kind.CHOICE, Kind.MULTIPLE_CHOICE)


@dataclass
class QuestionData:
    kind: Kind | str
    label: str
    help_text: str = ""
    options: list[str] = field(default_factory=list)  # one per line as typed; blank lines are dropped
    required: bool = False
    session_id: int | None = None  # a question about one session of the agenda


# The "Add the standard questions" button: (kind, label, options, required)
STANDARD_QUESTIONS = [
    (Kind.RATING, _l("Overall, how would you rate the event?"), [], True),
    (Kind.RATING, _l("How useful was the content for your work?"), [], False),
    (Kind.RATING, _l("How would you rate the speakers and trainers?"), [], False),
    (Kind.RATING, _l("How would you rate the organisation (information, venue, logistics)?"), [], False),
    (Kind.CHOICE, _l("Would you recommend this event to a colleague?"), [_l("Yes"), _l("No")], False),
    (Kind.TEXT, _l("What was most useful to you?"), [], False),
    (Kind.TEXT, _l("What should we improve?"), [], False),
]


class QuestionNotFound(DomainError):
    def __init__(self):
        super().__init__(_l("This question does not exist."))


def questions_of(event: Event, archived: bool = False) -> list[EvaluationQuestion]:
    """The questions on the form in their order (or, with ``archived``, the removed ones kept for their answers)."""
    return list(
        db.session.scalars(
            db.select(EvaluationQuestion)
            .where(EvaluationQuestion.event_id == event.id, EvaluationQuestion.archived.is_(archived))
            .order_by(EvaluationQuestion.position, EvaluationQuestion.id)
        )
    )


def answer_counts(event: Event) -> dict[int, int]:
    rows = db.session.execute(
        db.select(EvaluationAnswer.question_id, func.count())
        .join(EvaluationQuestion, EvaluationQuestion.id == EvaluationAnswer.question_id)
        .where(EvaluationQuestion.event_id == event.id)
        .group_by(EvaluationAnswer.question_id)
    )
    return {question_id: count for question_id, count in rows}


def has_answers(question_id: int) -> bool:
    return db.session.scalar(db.select(db.exists().where(EvaluationAnswer.question_id == question_id)))


def sessions_to_ask_about(event: Event) -> list[AgendaSession]:
    return list(
        db.session.scalars(
            db.select(AgendaSession).where(AgendaSession.event_id == event.id).order_by(AgendaSession.starts_at, AgendaSession.id)
        )
    )


# --- checks -------------------------------------------------------------------------


def _kind(value: Kind | str) -> Kind:
    if isinstance(value, Kind):
        return value
    try:
        return Kind(value)
    except ValueError as error:
        raise DomainError(_l("Choose a kind of question from the list."), field="kind") from error


def clean_options(kind: Kind, lines: list[str]) -> list[str]:
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


def clean(event: Event, data: QuestionData) -> QuestionData:
    kind = _kind(data.kind)
    label = (data.label or "").strip()
    help_text = (data.help_text or "").strip()
    if not label:
        raise DomainError(_l("Write the question."), field="label")
    if len(label) > LABEL_MAX:
        raise DomainError(_l("Use at most %(count)d characters.", count=LABEL_MAX), field="label")
    if len(help_text) > HELP_TEXT_MAX:
        raise DomainError(_l("Use at most %(count)d characters.", count=HELP_TEXT_MAX), field="help_text")
    if data.session_id is not None:
        session = db.session.get(AgendaSession, data.session_id)
        if session is None or session.event_id != event.id:
            raise DomainError(_l("Choose a session of this event's agenda."), field="session_id")
    return QuestionData(
        kind=kind,
        label=label,
        help_text=help_text,
        options=clean_options(kind, data.options or []),
        required=bool(data.required),
        session_id=data.session_id,
    )


def _require_builder(actor, event: Event) -> None:
    if not security.can_build_evaluation(actor, event):
        raise Forbidden(_l("Only the event's organisers build its evaluation."))


def _question_of(actor, event: Event, question_id: int) -> EvaluationQuestion:
    _require_builder(actor, event)
    question = db.session.get(EvaluationQuestion, question_id)
    if question is None or question.event_id != event.id:
        raise QuestionNotFound()
    return question


def _next_position(event: Event) -> int:
    last = db.session.scalar(db.select(func.max(EvaluationQuestion.position)).where(EvaluationQuestion.event_id == event.id))
    return (last if last is not None else -1) + 1


# --- services -------------------------------------------------------------------------


def add_question(actor, event: Event, data: QuestionData) -> EvaluationQuestion:
    _require_builder(actor, event)
    data = clean(event, data)
    question = EvaluationQuestion(
        event_id=event.id,
        kind=data.kind,
        label=data.label,
        help_text=data.help_text,
        required=data.required,
        session_id=data.session_id,
        position=_next_position(event),
    )
    set_options(question, data.options)
    db.session.add(question)
    db.session.commit()
    return question


def add_standard_questions(actor, event: Event) -> list[EvaluationQuestion]:
    """The usual questions, in the language of the organiser who adds them; those already on the form are skipped."""
    _require_builder(actor, event)
    asked = {question.label.casefold() for question in questions_of(event)}
    position = _next_position(event)
    added = []
    for kind, label, options, required in STANDARD_QUESTIONS:
        if str(label).casefold() in asked:
            continue
        question = EvaluationQuestion(event_id=event.id, kind=kind, label=str(label), required=required, position=position + len(added))
        set_options(question, [str(option) for option in options])
        db.session.add(question)
        added.append(question)
    db.session.commit()
    return added


def update_question(actor, event: Event, question_id: int, data: QuestionData) -> EvaluationQuestion:
    """Change the wording, options, session and flags. An answered question keeps its kind and its options."""
    question = _question_of(actor, event, question_id)
    if question.archived:
        raise DomainError(_l("This question is removed; it cannot change."))
    data = clean(event, data)
    if has_answers(question.id):
        if data.kind is not question.kind:
            raise DomainError(
                _l("People have answered this question already, so its kind cannot change. Add a new question instead."), field="kind"
            )
        missing = [option for option in question.options if option not in data.options]
        if missing:
            raise DomainError(
                _l(
                    "People have answered this question already, so its options cannot be removed or renamed: “%(option)s” is missing. You can add options.",
                    option=missing[0],
                ),
                field="options",
            )
    question.kind = data.kind
    question.label = data.label
    question.help_text = data.help_text
    set_options(question, data.options)
    question.required = data.required
    question.session_id = data.session_id
    db.session.commit()
    return question


def move_question(actor, event: Event, question_id: int, direction: str) -> EvaluationQuestion:
    """Swap the question with its neighbour above ("up") or below ("down"); at either end nothing moves."""
    question = _question_of(actor, event, question_id)
    if direction not in ("up", "down"):
        raise DomainError(_l("Move a question up or down."))
    if question.archived:
        raise DomainError(_l("This question is removed; it cannot change."))
    ordered = questions_of(event)
    index = ordered.index(question)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    db.session.commit()
    return question


def remove_question(actor, event: Event, question_id: int) -> bool:
    """Take the question off the form: deleted when nobody answered it (False), else archived with its answers (True)."""
    question = _question_of(actor, event, question_id)
    if has_answers(question.id):
        question.archived = True
        kept = True
    else:
        db.session.delete(question)
        kept = False
    db.session.commit()
    return kept


def set_options(question: EvaluationQuestion, options: list[str]) -> None:
    question.options_json = json.dumps(options, ensure_ascii=False)
