"""The event's own questions: checking answers and keeping them."""

from datetime import date

from flask_babel import lazy_gettext as _l

from ..countries import is_country
from ..errors import DomainError
from .models import Answer, Question, QuestionKind, Registration

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 5000


def field_name(question: Question) -> str:
    return f"q_{question.id}"


def is_empty(raw) -> bool:
    return raw is None or raw == "" or raw == [] or (isinstance(raw, str) and not raw.strip())


def allowed_options(question: Question, previous=None) -> list[str]:
    """The options offered now, plus any the person chose before the organiser renamed or removed it:
    an answer already given stays valid and is not silently dropped by the next edit."""
    kept = previous if isinstance(previous, list) else [previous] if isinstance(previous, str) and previous else []
    return list(question.options) + [value for value in kept if value not in question.options]


def previous_answers(registration: Registration) -> dict[int, object]:
    return {answer.question_id: answer.value for answer in registration.answers}


def clean_answer(question: Question, raw, previous=None):
    """The value to keep for ``raw``, or a DomainError by the question's field. ``previous`` is the
    answer given before, if any."""

    def problem(message):
        return DomainError(message, field=field_name(question))

    if is_empty(raw):
        if question.required:
            raise problem(_l("This question needs an answer."))
        return None
    kind = question.kind
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        limit = SHORT_TEXT_MAX if kind is QuestionKind.SHORT_TEXT else LONG_TEXT_MAX
        text = str(raw).strip()
        if len(text) > limit:
            raise problem(_l("Use at most %(count)d characters.", count=limit))
        return text
    if kind is QuestionKind.SINGLE_CHOICE:
        if raw not in allowed_options(question, previous):
            raise problem(_l("Choose one of the options."))
        return raw
    if kind is QuestionKind.MULTIPLE_CHOICE:
        chosen = list(raw) if isinstance(raw, (list, tuple)) else [raw]
        options = allowed_options(question, previous)
        if any(choice not in options for choice in chosen):
            raise problem(_l("Choose among the options."))
        return [option for option in options if option in chosen]
    if kind is QuestionKind.YES_NO:
        if raw in (True, "yes"):
            return True
        if raw in (False, "no"):
            return False
        raise problem(_l("Answer yes or no."))
    if kind is QuestionKind.COUNTRY:
        if not is_country(str(raw)):
            raise problem(_l("Choose a country from the list."))
        return str(raw)
    if kind is QuestionKind.DATE:
        try:
            return (raw if isinstance(raw, date) else date.fromisoformat(str(raw))).isoformat()
        except ValueError as error:
            raise problem(_l("Enter a date.")) from error
    raise problem(_l("This question cannot be answered."))


def clean_answers(questions: list[Question], raw_answers: dict[int, object], previous: dict[int, object] | None = None) -> dict[int, object]:
    previous = previous or {}
    return {question.id: clean_answer(question, raw_answers.get(question.id), previous.get(question.id)) for question in questions}


def store_answers(registration: Registration, questions: list[Question], values: dict[int, object]) -> None:
    """Keep the answers to the current questions; answers to archived questions stay as they were."""
    existing = {answer.question_id: answer for answer in registration.answers}
    for question in questions:
        value = values.get(question.id)
        answer = existing.get(question.id)
        if value is None:
            if answer is not None:
                registration.answers.remove(answer)
            continue
        if answer is None:
            answer = Answer(question=question)
            registration.answers.append(answer)
        answer.value = value


def display_value(answer: Answer):
    """An answer as people read it: yes/no in words, lists joined."""
    value = answer.value
    if answer.question.kind is QuestionKind.YES_NO:
        return _l("Yes") if value else _l("No")
    if isinstance(value, list):
        return ", ".join(value)
    return value
