"""Forms: the organisers' question builder and settings, and the participants' form built from the questions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..formatting import format_in_zone
from ..registration.forms import CheckboxesField
from .answers import TEXT_MAX, field_name
from .models import EvaluationQuestion, EvaluationQuestionKind as Kind
from .questions import HELP_TEXT_MAX, LABEL_MAX, QuestionData
from .services import INTRODUCTION_MAX

KIND_LABELS = {
    Kind.RATING: _l("Rating from 1 to 5"),
    Kind.CHOICE: _l("One choice"),
    Kind.MULTIPLE_CHOICE: _l("Multiple choice"),
    Kind.TEXT: _l("Free text"),
}
RATING_CHOICES = [
    SelectChoice("1", _l("1 poor")),
    SelectChoice("2", "2"),
    SelectChoice("3", "3"),
    SelectChoice("4", "4"),
    SelectChoice("5", _l("5 excellent")),
]
REQUIRED = _l("This question needs an answer.")


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Kind of answer"), choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()], validate_choice=False)
    label = StringField(_l("Question"), validators=[Length(max=LABEL_MAX)])
    help_text = StringField(_l("Help text"), validators=[Optional(), Length(max=HELP_TEXT_MAX)], description=_l("Shown under the question; optional."))
    options = TextAreaField(
        _l("Options"),
        validators=[Optional(), Length(max=20000)],
        description=_l("For one choice and multiple choice: one option per line, at least two."),
    )
    session_id = SelectField(
        _l("About"), validate_choice=False, description=_l("A question about one session of the agenda, or about the whole event.")
    )
    required = BooleanField(_l("An answer is required"))
    submit = SubmitField(_l("Add the question"))

    def offer_sessions(self, sessions, zone: str) -> None:
        self.session_id.choices = [SelectChoice("", _l("The whole event"))] + [
            SelectChoice(str(session.id), f"{session.title} ({format_in_zone(session.starts_at, zone)})") for session in sessions
        ]

    def data_for_service(self, kind=None) -> QuestionData:
        """``kind`` stands in for the form's when the kind cannot change (its select is disabled)."""
        raw_session = (self.session_id.data or "").strip()
        return QuestionData(
            kind=kind if kind is not None else (self.kind.data or ""),
            label=self.label.data or "",
            help_text=self.help_text.data or "",
            options=(self.options.data or "").splitlines(),
            required=bool(self.required.data),
            session_id=(int(raw_session) if raw_session.isdigit() else -1) if raw_session else None,
        )

    def fill_from(self, question: EvaluationQuestion) -> None:
        self.kind.data = question.kind.value
        self.label.data = question.label
        self.help_text.data = question.help_text
        self.options.data = "\n".join(question.options)
        self.required.data = question.required
        self.session_id.data = str(question.session_id) if question.session_id else ""


class SettingsForm(FlaskForm):
    introduction = TextAreaField(
        _l("Introduction"),
        validators=[Optional(), Length(max=INTRODUCTION_MAX)],
        description=_l("Shown above the questions. Markdown: **bold**, *italic*, lists, links."),
    )
    anonymous = BooleanField(
        _l("Anonymous answers"),
        description=_l("The answers are kept without the participant's name and with the day only, not the time. This cannot change once anyone has answered."),
    )
    submit = SubmitField(_l("Save"))


class ActionForm(FlaskForm):
    """A button that changes something: the CSRF token only."""


class AnswerFormBase(FlaskForm):
    submit = SubmitField(_l("Send my answers"))


def question_field(question: EvaluationQuestion):
    presence = [InputRequired(message=REQUIRED)] if question.required else [Optional()]
    common = {"label": question.label, "description": question.help_text, "validators": presence}
    if question.kind is Kind.RATING:
        return RadioField(choices=RATING_CHOICES, validate_choice=False, **common)
    if question.kind is Kind.CHOICE:
        return RadioField(choices=[SelectChoice(option) for option in question.options], validate_choice=False, **common)
    if question.kind is Kind.MULTIPLE_CHOICE:
        return CheckboxesField(choices=[SelectChoice(option) for option in question.options], validate_choice=False, **common)
    common["validators"] = [*presence, Length(max=TEXT_MAX)]
    return TextAreaField(**common)


def answer_form_class(questions: list[EvaluationQuestion]) -> type[FlaskForm]:
    """A form with one field ``q_<id>`` per question, in their order."""
    fields = {field_name(question): question_field(question) for question in questions}
    return type("AnswerForm", (AnswerFormBase,), fields)


def raw_answers(form: FlaskForm, questions: list[EvaluationQuestion]) -> dict[int, object]:
    return {question.id: form[field_name(question)].data for question in questions}
