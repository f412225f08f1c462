"""An evaluation's results in figures: what the results page charts and the workshop report prints.

Free-text answers come without the response they belong to and in a stable order that is not the
order they arrived in, so a comment cannot be matched to a participant by its place in the list.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..events.models import Event
from ..extensions import db
from ..questions.kinds import RATINGS
from ..questions.options import option_value, readable
from ..registration.models import Registration
from ..registration.states import State
from ..translated import Translated
from .models import EvaluationAnswer, EvaluationQuestion, EvaluationQuestionKind, EvaluationResponse


@dataclass
class QuestionResult:
    question: EvaluationQuestion
    answered: int = 0  # responses that answered this question
    rating_counts: list[int] = field(default_factory=lambda: [0] * len(RATINGS))  # for 1, 2, 3, 4, 5
    # choices, in the form's order, each option in every language (an answer in any language counts for its option)
    option_counts: list[tuple[Translated, int]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # free text

    @property
    def average(self) -> float | None:
        total = sum(self.rating_counts)
        if not total:
            return None
        return sum(rating * count for rating, count in zip(RATINGS, self.rating_counts, strict=False)) / total


@dataclass
class EvaluationResults:
    responses: int  # how many answered
    participants: int  # confirmed participants, who could answer
    questions: list[QuestionResult]

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.participants if self.participants else None


def evaluation_results(event: Event) -> EvaluationResults:
    questions = db.session.scalars(
        db.select(EvaluationQuestion)
        .where(EvaluationQuestion.event_id == event.id)
        .order_by(EvaluationQuestion.position, EvaluationQuestion.id)
    ).all()
    responses = db.session.scalar(
        db.select(db.func.count(EvaluationResponse.id)).where(EvaluationResponse.event_id == event.id)
    )
    participants = db.session.scalar(
        db.select(db.func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.state == State.CONFIRMED
        )
    )
    answers_of: dict[int, list[EvaluationAnswer]] = defaultdict(list)
    for answer in db.session.scalars(
        db.select(EvaluationAnswer).join(EvaluationResponse).where(EvaluationResponse.event_id == event.id)
    ):
        answers_of[answer.question_id].append(answer)
    results = [
        question_result(question, answers_of[question.id])
        for question in questions
        if not question.archived or answers_of[question.id]
    ]
    return EvaluationResults(responses=responses or 0, participants=participants or 0, questions=results)


def question_result(question: EvaluationQuestion, answers: list[EvaluationAnswer]) -> QuestionResult:
    result = QuestionResult(question=question)
    options = question.options
    chosen: Counter[Translated] = Counter()
    for answer in answers:
        if question.kind == EvaluationQuestionKind.RATING:
            if answer.rating in RATINGS:
                result.rating_counts[answer.rating - 1] += 1
                result.answered += 1
        elif question.kind == EvaluationQuestionKind.TEXT:
            text = json.loads(answer.value_json) if answer.value_json else ""
            if isinstance(text, str) and text.strip():
                result.comments.append(text.strip())
                result.answered += 1
        else:
            values = json.loads(answer.value_json) if answer.value_json else []
            if values:
                chosen.update(readable(options, value) for value in values)
                result.answered += 1
    if question.kind in (EvaluationQuestionKind.CHOICE, EvaluationQuestionKind.MULTIPLE_CHOICE):
        # Options removed from the form since keep their counts, after the current ones
        extra = sorted((option for option in chosen if option not in options), key=option_value)
        result.option_counts = [(option, chosen[option]) for option in [*options, *extra]]
    result.comments.sort(key=str.casefold)
    return result
