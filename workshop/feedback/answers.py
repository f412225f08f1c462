"""A participant's answers to the evaluation: checked against the questions, whatever was posted."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..errors import DomainError
from .models import EvaluationAnswer, EvaluationQuestion, EvaluationQuestionKind as Kind

TEXT_MAX = 5000
RATINGS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class CleanAnswer:
    rating: int | None = None
    value: list[str] | str | None = None  # choices: a list; text: a string

    def as_row(self, question: EvaluationQuestion) -> EvaluationAnswer:
        value_json = "" if self.value is None else json.dumps(self.value, ensure_ascii=False)
        return EvaluationAnswer(question_id=question.id, rating=self.rating, value_json=value_json)


def field_name(question: EvaluationQuestion) -> str:
    return f"q_{question.id}"


def is_empty(raw) -> bool:
    return raw is None or raw == [] or (isinstance(raw, str) and not raw.strip())


def clean_answer(question: EvaluationQuestion, raw) -> CleanAnswer | None:
    """The answer to keep for ``raw`` (None when there is none), or a DomainError by the question's field."""

    def problem(message):
        return DomainError(message, field=field_name(question))

    if isinstance(raw, (list, tuple)) and question.kind is not Kind.MULTIPLE_CHOICE:
        raw = raw[0] if len(raw) == 1 else raw
    if is_empty(raw):
        if question.required:
            raise problem(_l("This question needs an answer."))
        return None
    if question.kind is Kind.RATING:
        try:
            rating = int(str(raw).strip())
        except ValueError:
            rating = None
        if rating not in RATINGS:
            raise problem(_l("Choose a rating from 1 to 5."))
        return CleanAnswer(rating=rating)
    if question.kind is Kind.CHOICE:
        if not isinstance(raw, str) or raw not in question.options:
            raise problem(_l("Choose one of the options."))
        return CleanAnswer(value=[raw])
    if question.kind is Kind.MULTIPLE_CHOICE:
        chosen = list(raw) if isinstance(raw, (list, tuple)) else [raw]
        if any(choice not in question.options for choice in chosen):
            raise problem(_l("Choose among the options."))
        return CleanAnswer(value=[option for option in question.options if option in chosen])
    text = str(raw).strip()
    if len(text) > TEXT_MAX:
        raise problem(_l("Use at most %(count)d characters.", count=TEXT_MAX))
    return CleanAnswer(value=text)


def clean_answers(questions: list[EvaluationQuestion], raw_answers: dict[int, object]) -> dict[int, CleanAnswer]:
    """Every question's answer (unanswered optional questions left out); the first problem raises."""
    cleaned = {question.id: clean_answer(question, raw_answers.get(question.id)) for question in questions}
    return {question_id: answer for question_id, answer in cleaned.items() if answer is not None}
