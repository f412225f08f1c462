"""A participant's answers to the evaluation: checked against the questions, whatever was posted,
and kept as the results count them (a rating as a number, a choice as a list of options)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .models import EvaluationAnswer, EvaluationQuestion, EvaluationQuestionKind as Kind
from .questions import EVALUATION


@dataclass(frozen=True)
class CleanAnswer:
    rating: int | None = None
    value: list[str] | str | None = None  # choices: a list; text: a string

    def as_row(self, question: EvaluationQuestion) -> EvaluationAnswer:
        value_json = "" if self.value is None else json.dumps(self.value, ensure_ascii=False)
        return EvaluationAnswer(question_id=question.id, rating=self.rating, value_json=value_json)


def answer_to_keep(question: EvaluationQuestion, value) -> CleanAnswer:
    if question.kind is Kind.RATING:
        return CleanAnswer(rating=value)
    if question.kind is Kind.CHOICE:
        return CleanAnswer(value=[value])
    return CleanAnswer(value=value)


def clean_answers(questions: list[EvaluationQuestion], raw_answers: dict[int, object]) -> dict[int, CleanAnswer]:
    """Every question's answer (unanswered optional questions left out); the first problem raises."""
    values = EVALUATION.clean_answers(questions, raw_answers)
    return {question.id: answer_to_keep(question, values[question.id]) for question in questions if values[question.id] is not None}
