"""The questions organisers add to a form of their event, and the answers people give them.

One ``Questionnaire`` per form that asks them (the registration form, the evaluation) names its
question and answer models and the kinds of answer it offers; everything else is the same for
both: checking what an organiser typed, adding, editing, ordering and removing questions, and
checking the answers. Who may change the questions is for each form to check before calling.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from ..errors import DomainError, NotFound
from ..extensions import db
from ..translated import LANGUAGE_LABELS, Translated, too_long
from .kinds import AnswerKind, SeveralChoices, WrongAnswer, is_empty
from .options import option_for

LABEL_MAX = 300
HELP_TEXT_MAX = 500
OPTION_MAX = 200
DIRECTIONS = ("up", "down")


@dataclass
class QuestionData:
    """A question as an organiser typed it, in every language. A form with more to say about its
    questions (e.g. whether the answers are sensitive) adds fields named as the model's columns."""

    kind: enum.Enum | str
    label: Translated | str
    help_text: Translated | str = ""
    # As typed: each language's text with one option per line (options matched by their line,
    # blank lines dropped), or a list of options (each a Translated, or one language's text).
    options: Translated | list = field(default_factory=list)
    required: bool = False


class QuestionNotFound(NotFound):
    def __init__(self):
        super().__init__(_l("This question does not exist."))


def field_name(question) -> str:
    return f"q_{question.id}"


def offered_options(question, previous=None) -> list[Translated]:
    """The options offered now, plus any the person chose before the organiser renamed or removed it:
    an answer already given stays valid and is not silently dropped by the next edit."""
    options = question.options
    kept = previous if isinstance(previous, list) else [previous] if isinstance(previous, str) and previous else []
    return options + [Translated.of(value) for value in kept if option_for(options, value) is None]


def options_by_line(typed: Translated) -> list[Translated]:
    """The options typed one per line in each language's box, matched by their line; a language
    left empty is not translated yet. A DomainError when two languages list a different number."""
    lines = {
        language: [line.strip() for line in text.splitlines() if line.strip()] for language, text in typed.texts.items()
    }
    lines = {language: given for language, given in lines.items() if given}
    counts = {len(given) for given in lines.values()}
    if len(counts) > 1:
        first, second = list(lines)[:2]  # in the order of LANGUAGES
        raise DomainError(
            _l(
                "The options are matched by their line: the %(first)s list has %(first_count)d and the %(second)s "
                "list %(second_count)d. Give each option on the same line in every language, or leave a language "
                "empty.",
                first=LANGUAGE_LABELS.get(first, first),
                first_count=len(lines[first]),
                second=LANGUAGE_LABELS.get(second, second),
                second_count=len(lines[second]),
            ),
            field="options",
        )
    count = counts.pop() if counts else 0
    return [Translated({language: given[n] for language, given in lines.items()}) for n in range(count)]


def typed_options(typed) -> list[Translated]:
    if isinstance(typed, Translated):
        return options_by_line(typed)
    return [Translated.of(option).strip() for option in typed or [] if option]


def language_problem(text: Translated, limit: int, field: str) -> None:
    """A DomainError by ``field`` when a language's text is longer than ``limit``."""
    if message := too_long(text, limit):
        raise DomainError(message, field=field)


@dataclass(frozen=True)
class Questionnaire:
    question_model: type
    answer_model: type
    kinds: dict[enum.Enum, AnswerKind]  # in the order the builder offers them
    options_max: int
    # Removing a question nobody answered deletes it; otherwise every removed question is archived.
    deletes_unanswered: bool = False

    # --- reading ----------------------------------------------------------------------------

    def questions(self, event_id: int, archived: bool = False) -> list:
        """The questions on the form in their order (or, with ``archived``, the removed ones kept for their answers)."""
        model = self.question_model
        return list(
            db.session.scalars(
                db.select(model)
                .where(model.event_id == event_id, model.archived.is_(archived))
                .order_by(model.position, model.id)
            )
        )

    def questions_with_archived(self, event_id: int) -> list:
        """The questions on the form in their order, then the removed ones, in one query."""
        model = self.question_model
        return list(
            db.session.scalars(
                db.select(model).where(model.event_id == event_id).order_by(model.archived, model.position, model.id)
            )
        )

    def answer_counts(self, event_id: int) -> dict[int, int]:
        question, answer = self.question_model, self.answer_model
        rows = db.session.execute(
            db.select(answer.question_id, func.count())
            .join(question, question.id == answer.question_id)
            .where(question.event_id == event_id)
            .group_by(answer.question_id)
        )
        return dict(rows.all())

    def has_answers(self, question_id: int) -> bool:
        return db.session.scalar(db.select(db.exists().where(self.answer_model.question_id == question_id)))

    def question(self, event_id: int, question_id: int):
        """The event's question (archived or not), or QuestionNotFound."""
        question = db.session.get(self.question_model, question_id)
        if question is None or question.event_id != event_id:
            raise QuestionNotFound()
        return question

    def answer_kind(self, question) -> AnswerKind:
        return self.kinds[question.kind]

    # --- what organisers type ---------------------------------------------------------------

    def kind(self, value) -> enum.Enum:
        for kind in self.kinds:
            if value is kind or value == kind.value:
                return kind
        raise DomainError(_l("Choose a kind of question from the list."), field="kind")

    def clean_options(self, kind: enum.Enum, typed) -> list[Translated]:
        if not self.kinds[kind].has_options:
            return []
        options = typed_options(typed)
        if len(options) < 2:
            raise DomainError(_l("Give at least two options, one per line."), field="options")
        if len(options) > self.options_max:
            raise DomainError(_l("Give at most %(count)d options.", count=self.options_max), field="options")
        seen = set()  # in any language: an answer's value is matched to its option in every language
        for option in options:
            if any(len(text) > OPTION_MAX for text in option.texts.values()):
                raise DomainError(
                    _l("An option can have at most %(count)d characters.", count=OPTION_MAX), field="options"
                )
            texts = {text.casefold(): text for text in option.texts.values()}  # "ILO" may read the same in both
            twice = next((text for folded, text in texts.items() if folded in seen), None)
            if twice is not None:
                raise DomainError(
                    _l("Each option must be different: “%(option)s” appears twice.", option=twice), field="options"
                )
            seen.update(texts)
        return options

    def clean(self, data: QuestionData, check_own=None) -> QuestionData:
        """The question to keep, or a DomainError by the field to correct. ``check_own`` checks
        the fields a form adds of its own (it may return them corrected), before the options."""
        kind = self.kind(data.kind)
        label = Translated.of(data.label).strip()
        help_text = Translated.of(data.help_text).strip()
        if not label:
            raise DomainError(_l("Write the question."), field="label")
        language_problem(label, LABEL_MAX, "label")
        language_problem(help_text, HELP_TEXT_MAX, "help_text")
        data = replace(data, kind=kind, label=label, help_text=help_text, required=bool(data.required))
        if check_own is not None:
            data = check_own(data) or data
        return replace(data, options=self.clean_options(kind, data.options or []))

    # --- changing the questions (each commits) --------------------------------------------------

    def add(self, event_id: int, data: QuestionData):
        """Add a cleaned question at the end of the form."""
        question = self.question_model(event_id=event_id, position=self.next_position(event_id))
        write(question, data)
        db.session.add(question)
        db.session.commit()
        return question

    def next_position(self, event_id: int) -> int:
        model = self.question_model
        last = db.session.scalar(db.select(func.max(model.position)).where(model.event_id == event_id))
        return (last if last is not None else -1) + 1

    def refuse_removed(self, question) -> None:
        if question.archived:
            raise DomainError(_l("This question is removed; it cannot change."))

    def refuse_new_kind(self, question, data: QuestionData) -> None:
        if data.kind is not question.kind and self.has_answers(question.id):
            raise DomainError(
                _l(
                    "People have answered this question already, so its kind cannot change. Add a new question instead."
                ),
                field="kind",
            )

    def update(self, question, data: QuestionData):
        """Keep the cleaned changes (the form has checked what an answered question may not change)."""
        write(question, data)
        db.session.commit()
        return question

    def move(self, question, direction: str):
        """Swap the question with its neighbour above ("up") or below ("down"); at either end nothing moves."""
        if direction not in DIRECTIONS:
            raise DomainError(_l("Move a question up or down."))
        self.refuse_removed(question)
        ordered = self.questions(question.event_id)
        index = ordered.index(question)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered):
            item.position = position
        db.session.commit()
        return question

    def remove(self, question) -> bool:
        """Take the question off the form: True when it is archived (kept for its answers), False when deleted."""
        if self.deletes_unanswered and not self.has_answers(question.id):
            db.session.delete(question)
            kept = False
        else:
            question.archived = True
            kept = True
        db.session.commit()
        return kept

    # --- answers ----------------------------------------------------------------------------

    def clean_answer(self, question, raw, previous=None):
        """The value to keep for ``raw`` (None when there is none), or a DomainError by the question's
        field. ``previous`` is the answer given before, if any: its options stay on offer."""
        kind = self.answer_kind(question)
        if isinstance(raw, (list, tuple)) and not isinstance(kind, SeveralChoices):
            raw = raw[0] if len(raw) == 1 else raw
        if is_empty(raw):
            if question.required:
                raise DomainError(_l("This question needs an answer."), field=field_name(question))
            return None
        try:
            return kind.clean(raw, offered_options(question, previous))
        except WrongAnswer as problem:
            raise DomainError(problem.args[0], field=field_name(question)) from problem

    def clean_answers(
        self, questions: list, raw_answers: dict[int, object], previous: dict[int, object] | None = None
    ) -> dict[int, object]:
        """Every question's value (None for an unanswered optional one); the first problem raises."""
        previous = previous or {}
        return {
            question.id: self.clean_answer(question, raw_answers.get(question.id), previous.get(question.id))
            for question in questions
        }

    def answer_text(self, question, value) -> str:
        """A kept answer as the reader reads it: a chosen option in the reader's language."""
        return self.answer_kind(question).text(value, question.options)


def write(question, data: QuestionData) -> None:
    """Copy every field of ``data`` onto the question's column of the same name."""
    for item in fields(data):
        setattr(question, item.name, getattr(data, item.name))
