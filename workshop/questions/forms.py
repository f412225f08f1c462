"""Forms: the organisers' question builder, and the fields that ask an event's questions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, SubmitField

from ..language_of_parts import with_lang
from ..translated import LANGUAGES, Translated
from ..translated_fields import TranslatedField, translated_line
from .engine import HELP_TEXT_MAX, LABEL_MAX, QuestionData, Questionnaire, field_name, offered_options


def kind_field(kind_labels: dict) -> SelectField:
    return SelectField(
        _l("Kind of answer"),
        choices=[SelectChoice(kind.value, label) for kind, label in kind_labels.items()],
        validate_choice=False,
    )


def options_field(description, max_length: int) -> TranslatedField:
    """The options, one per line in each language's box; the options are matched by their line."""
    return TranslatedField(_l("Options"), max_length=max_length, multiline=True, description=description)


class QuestionForm(FlaskForm):
    """The builder's form; each questionnaire's form sets ``kind`` and ``options`` and adds its own fields.
    The pages show the fields in the order of ``shown``."""

    shown = ("kind", "label", "help_text", "options", "required")

    label = translated_line(_l("Question"), LABEL_MAX)
    help_text = translated_line(_l("Help text"), HELP_TEXT_MAX, _l("Shown under the question; optional."))
    required = BooleanField(_l("An answer is required"))
    submit = SubmitField(_l("Add the question"))

    data_class = QuestionData

    def question_data(self, kind=None) -> QuestionData:
        """``kind`` stands in for the form's when the kind cannot change (its select is disabled)."""
        return self.data_class(
            kind=kind if kind is not None else (self.kind.data or ""),
            label=self.label.data,
            help_text=self.help_text.data,
            options=self.options.data,
            required=bool(self.required.data),
            **self.own_data(),
        )

    def own_data(self) -> dict:
        """The values of the fields this form adds, as its ``data_class`` takes them."""
        return {}

    def fill_from(self, question) -> None:
        self.kind.data = question.kind.value
        self.label.data = question.label
        self.help_text.data = question.help_text
        self.options.data = options_as_lines(question.options)
        self.required.data = question.required


def options_as_lines(options: list[Translated]) -> Translated:
    """The options one per line in each language's box. A box lists every option or none (the lines
    are matched by position): an option a language lacks shows there as its readers see it, in the
    first language that has it, for the organiser to translate."""
    written = [language for language in LANGUAGES if any(option.get(language) for option in options)]
    return Translated({language: "\n".join(option.in_language(language) for option in options) for language in written})


def form_with_questions(
    questionnaire: Questionnaire, form_class: type[FlaskForm], questions: list, previous: dict | None = None
) -> type[FlaskForm]:
    """A subclass of ``form_class`` with one field ``q_<id>`` per question, in their order; ``previous``
    (the answers given before) keeps a since-renamed option on offer to the person who chose it."""
    previous = previous or {}
    fields = {}
    for question in questions:
        kind = questionnaire.answer_kind(question)
        options = offered_options(question, previous.get(question.id)) if kind.has_options else []
        fields[field_name(question)] = kind.field(
            with_lang(question.label), with_lang(question.help_text), question.required, options
        )
    return type(form_class.__name__, (form_class,), fields)


def question_fields(form, questions: list) -> list:
    return [form[field_name(question)] for question in questions]


def answers_from_form(form, questions: list) -> dict[int, object]:
    """What was posted for each question, as the services take it (a date as an ISO date)."""
    answers = {}
    for question in questions:
        raw = form[field_name(question)].data
        answers[question.id] = raw.isoformat() if hasattr(raw, "isoformat") else raw
    return answers


def fill_answers(questionnaire: Questionnaire, form, questions: list, kept: dict[int, object]) -> None:
    """Show the answers ``kept`` (question id to value) in the form's question fields."""
    for question in questions:
        kind = questionnaire.answer_kind(question)
        form[field_name(question)].data = kind.form_data(kept.get(question.id), question.options)
