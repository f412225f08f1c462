"""The evaluation form: organisers add, edit, order and remove its questions.

A question nobody has answered is deleted when removed; one with answers is archived, so the
results keep it. An answered question keeps its kind and every option it had, under the value its
answers keep (new options and translations may be added), so what people answered keeps its meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from .. import security
from ..agenda.models import AgendaSession
from ..errors import DomainError, Forbidden
from ..events.models import Event
from ..extensions import db
from ..questions import kinds
from ..questions.engine import QuestionData as BaseQuestionData
from ..questions.engine import Questionnaire
from ..questions.options import option_for, option_value
from ..translated import LANGUAGES, Translated
from .models import EvaluationAnswer, EvaluationQuestion
from .models import EvaluationQuestionKind as Kind

EVALUATION = Questionnaire(
    question_model=EvaluationQuestion,
    answer_model=EvaluationAnswer,
    kinds={
        Kind.RATING: kinds.RATING,
        Kind.CHOICE: kinds.ONE_CHOICE,
        Kind.MULTIPLE_CHOICE: kinds.SEVERAL_CHOICES,
        Kind.TEXT: kinds.LONG_TEXT,
    },
    options_max=50,
    deletes_unanswered=True,
)


@dataclass
class QuestionData(BaseQuestionData):
    session_id: int | None = None  # a question about one session of the agenda


# The "Add the standard questions" button: (kind, label, options, required); added in every language
STANDARD_QUESTIONS = [
    (Kind.RATING, _l("Overall, how would you rate the event?"), [], True),
    (Kind.RATING, _l("How useful was the content for your work?"), [], False),
    (Kind.RATING, _l("How would you rate the speakers and trainers?"), [], False),
    (Kind.RATING, _l("How would you rate the organisation (information, venue, logistics)?"), [], False),
    (Kind.CHOICE, _l("Would you recommend this event to a colleague?"), [_l("Yes"), _l("No")], False),
    (Kind.TEXT, _l("What was most useful to you?"), [], False),
    (Kind.TEXT, _l("What should we improve?"), [], False),
]


def in_every_language(text) -> Translated:
    """A text of the message catalogue in every language it is translated into, whoever asks."""
    texts = {}
    for language in LANGUAGES:
        with force_locale(language):
            texts[language] = str(text)
    return Translated(texts)


def standard_questions() -> list[tuple[Kind, Translated, list[Translated], bool]]:
    """The standard questions in every language, whatever the language of the organiser who adds them."""
    return [
        (kind, in_every_language(label), [in_every_language(option) for option in options], required)
        for kind, label, options, required in STANDARD_QUESTIONS
    ]


def questions_of(event: Event, archived: bool = False) -> list[EvaluationQuestion]:
    """The questions on the form in their order (or, with ``archived``, the removed ones kept for their answers)."""
    return EVALUATION.questions(event.id, archived)


def answer_counts(event: Event) -> dict[int, int]:
    return EVALUATION.answer_counts(event.id)


def has_answers(question_id: int) -> bool:
    return EVALUATION.has_answers(question_id)


def sessions_to_ask_about(event: Event) -> list[AgendaSession]:
    return list(
        db.session.scalars(
            db.select(AgendaSession)
            .where(AgendaSession.event_id == event.id)
            .order_by(AgendaSession.starts_at, AgendaSession.id)
        )
    )


# --- checks -------------------------------------------------------------------------


def clean(event: Event, data: QuestionData) -> QuestionData:
    def check_session(data: QuestionData) -> None:
        if data.session_id is not None:
            session = db.session.get(AgendaSession, data.session_id)
            if session is None or session.event_id != event.id:
                raise DomainError(_l("Choose a session of this event's agenda."), field="session_id")

    return EVALUATION.clean(data, check_session)


def _require_builder(actor, event: Event) -> None:
    if not security.can_build_evaluation(actor, event):
        raise Forbidden(_l("Only the event's organisers build its evaluation."))


def _question_of(actor, event: Event, question_id: int) -> EvaluationQuestion:
    _require_builder(actor, event)
    return EVALUATION.question(event.id, question_id)


def _refuse_lost_options(question: EvaluationQuestion, data: QuestionData) -> None:
    """An answered question keeps each option's value, the text its answers keep (its other languages may change)."""
    missing = [option_value(option) for option in question.options]
    missing = [value for value in missing if option_for(data.options, value) is None]
    if missing and EVALUATION.has_answers(question.id):
        raise DomainError(
            _l(
                "People have answered this question already, so its options cannot be removed or renamed: "
                "“%(option)s” is missing. You can add options.",
                option=missing[0],
            ),
            field="options",
        )


# --- services -------------------------------------------------------------------------


def add_question(actor, event: Event, data: QuestionData) -> EvaluationQuestion:
    _require_builder(actor, event)
    return EVALUATION.add(event.id, clean(event, data))


def add_standard_questions(actor, event: Event) -> list[EvaluationQuestion]:
    """The usual questions, in every language whatever the language of the organiser who adds them;
    those already on the form (in any language) are skipped."""
    _require_builder(actor, event)
    asked = {text.casefold() for question in questions_of(event) for text in question.label.texts.values()}
    position = EVALUATION.next_position(event.id)
    added = []
    for kind, label, options, required in standard_questions():
        if any(text.casefold() in asked for text in label.texts.values()):
            continue
        question = EvaluationQuestion(
            event_id=event.id, kind=kind, label=label, required=required, position=position + len(added)
        )
        question.options = options
        db.session.add(question)
        added.append(question)
    db.session.commit()
    return added


def update_question(actor, event: Event, question_id: int, data: QuestionData) -> EvaluationQuestion:
    """Change the wording, options, session and flags. An answered question keeps its kind and its options."""
    question = _question_of(actor, event, question_id)
    EVALUATION.refuse_removed(question)
    data = clean(event, data)
    EVALUATION.refuse_new_kind(question, data)
    _refuse_lost_options(question, data)
    return EVALUATION.update(question, data)


def move_question(actor, event: Event, question_id: int, direction: str) -> EvaluationQuestion:
    """Swap the question with its neighbour above ("up") or below ("down"); at either end nothing moves."""
    return EVALUATION.move(_question_of(actor, event, question_id), direction)


def remove_question(actor, event: Event, question_id: int) -> bool:
    """Take the question off the form: deleted when nobody answered it (False), else archived with its answers "
    "(True)."""
    return EVALUATION.remove(_question_of(actor, event, question_id))


def set_options(question: EvaluationQuestion, options: list[Translated | str]) -> None:
    question.options = options
