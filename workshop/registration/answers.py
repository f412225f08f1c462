"""The answers to the event's own questions: checked, kept, and read."""

from .models import Answer, Question, Registration
from .questions import REGISTRATION_FORM


def previous_answers(registration: Registration) -> dict[int, object]:
    return {answer.question_id: answer.value for answer in registration.answers}


def clean_answers(questions: list[Question], raw_answers: dict[int, object], previous: dict[int, object] | None = None) -> dict[int, object]:
    return REGISTRATION_FORM.clean_answers(questions, raw_answers, previous)


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
    return REGISTRATION_FORM.answer_text(answer.question, answer.value)
