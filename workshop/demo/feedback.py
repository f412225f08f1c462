"""Demo data: the evaluation of a past demo event, open, with the answers of most of its participants.

The demo participant who logs in (``people.PARTICIPANT_EMAIL``) is left to answer it herself, unless she
is the event's only participant. The answers are fixed, so the demo looks the same on every install.
The caller commits.
"""

from __future__ import annotations

from datetime import timedelta

from ..events.models import Event
from ..extensions import db
from ..feedback.answers import CleanAnswer
from ..feedback.models import (
    Evaluation,
    EvaluationQuestion,
    EvaluationResponse,
    EvaluationSubmission,
)
from ..feedback.models import (
    EvaluationQuestionKind as Kind,
)
from ..feedback.questions import standard_questions
from ..questions.options import option_value
from ..timeutil import utc_to_local
from ..translated import Translated
from .participants import confirmed_in_order
from .people import PARTICIPANT_EMAIL

INTRODUCTION = Translated(
    {
        "en": """\
Thank you for taking part. Your answers help the partners plan the next dialogue.

The evaluation is **anonymous** and takes about five minutes.""",
        "zh": """\
感谢您的参与。您的回答将帮助各合作伙伴筹划下一次对话。

本评估为**匿名**评估，约需五分钟。""",
    }
)

# One row per participant who answers, cycled: overall, content, speakers, organisation, recommend, useful, improve
ANSWERS = [
    (
        5,
        5,
        4,
        4,
        "Yes",
        "The comparison of pre-departure information in China and in the EU.",
        "More time for questions after the panel.",
    ),
    (
        4,
        4,
        5,
        3,
        "Yes",
        "Meeting colleagues from the European Commission and the ILO.",
        "Send the slides before the sessions.",
    ),
    (4, 5, 4, 5, "Yes", "The case studies on legal pathways for workers.", ""),
    (3, 3, 4, 4, "No", "", "Interpretation into Chinese for every session, not only the plenaries."),
    (5, 4, 5, 5, "Yes", "The conclusions and the joint recommendations.", "A site visit would make it more concrete."),
]


def seed_demo_evaluation(event: Event) -> Evaluation:
    """The standard evaluation of ``event`` (a past event), opened after it ended, answered by most participants."""
    db.session.flush()  # the event's and registrations' ids
    evaluation = Evaluation(
        event_id=event.id, anonymous=True, introduction=INTRODUCTION, opened_at=event.ends_at + timedelta(hours=2)
    )
    db.session.add(evaluation)
    questions = []
    for position, (kind, label, options, required) in enumerate(standard_questions()):
        question = EvaluationQuestion(event_id=event.id, kind=kind, label=label, required=required, position=position)
        question.options = options
        db.session.add(question)
        questions.append(question)
    db.session.flush()

    confirmed = confirmed_in_order(event)
    answering = [
        registration for registration in confirmed if registration.user.email != PARTICIPANT_EMAIL
    ] or confirmed
    answered_on = utc_to_local(evaluation.opened_at, event.timezone).date()
    for index, registration in enumerate(answering):
        db.session.add(
            EvaluationSubmission(
                event_id=event.id,
                registration_id=registration.id,
                submitted_at=evaluation.opened_at + timedelta(hours=index + 1),
            )
        )
        response = EvaluationResponse(event_id=event.id, registration_id=None, submitted_on=answered_on)
        response.answers = [
            answer.as_row(question)
            for question, answer in zip(questions, demo_answers(questions, ANSWERS[index % len(ANSWERS)]), strict=False)
            if answer is not None
        ]
        db.session.add(response)
    db.session.flush()
    return evaluation


def demo_answers(questions: list[EvaluationQuestion], row: tuple) -> list[CleanAnswer | None]:
    answers = []
    for question, value in zip(questions, row, strict=False):
        if value == "":
            answers.append(None)
        elif question.kind is Kind.RATING:
            answers.append(CleanAnswer(rating=value))
        elif question.kind is Kind.CHOICE:
            answers.append(CleanAnswer(value=[option_value(question.options[0 if value == "Yes" else 1])]))
        else:
            answers.append(CleanAnswer(value=value))
    return answers
