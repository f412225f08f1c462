"""The organisers' forms: the event's questions, and decisions on registrations."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from .models import QuestionKind
from .questions import HELP_TEXT_MAX, LABEL_MAX, QuestionData

KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.SINGLE_CHOICE: _l("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
    QuestionKind.YES_NO: _l("Yes or no"),
    QuestionKind.COUNTRY: _l("Country"),
    QuestionKind.DATE: _l("Date"),
}

# The actions on registrations, as the buttons send them.
APPROVE, REJECT, PROMOTE, CANCEL, MESSAGE = "approve", "reject", "promote", "cancel", "message"
DECISIONS = (APPROVE, REJECT, PROMOTE, CANCEL)


class QuestionForm(FlaskForm):
    kind = SelectField(
        _l("Kind of answer"), choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()], validate_choice=False
    )
    label = StringField(_l("Question"), validators=[Length(max=LABEL_MAX)])
    help_text = StringField(_l("Help text"), validators=[Optional(), Length(max=HELP_TEXT_MAX)], description=_l("Shown under the question; optional."))
    options = TextAreaField(
        _l("Options"),
        validators=[Optional(), Length(max=30000)],
        description=_l("For single and multiple choice: one option per line, at least two. Answers already given keep the text of the option chosen."),
    )
    required = BooleanField(_l("An answer is required"))
    sensitive = BooleanField(_l("Sensitive: only the organisers see the answers"))
    submit = SubmitField(_l("Add the question"))


def question_data(form: QuestionForm, kind=None) -> QuestionData:
    """``kind`` stands in for the form's when the kind cannot change (its select is disabled)."""
    return QuestionData(
        kind=kind if kind is not None else (form.kind.data or ""),
        label=form.label.data or "",
        help_text=form.help_text.data or "",
        options=(form.options.data or "").splitlines(),
        required=bool(form.required.data),
        sensitive=bool(form.sensitive.data),
    )


def fill_from_question(form: QuestionForm, question) -> None:
    form.kind.data = question.kind.value
    form.label.data = question.label
    form.help_text.data = question.help_text
    form.options.data = "\n".join(question.options)
    form.required.data = question.required
    form.sensitive.data = question.sensitive


class RegistrationsActionForm(FlaskForm):
    """The action on the rows ticked in the list (``ids``), or on one registration's page."""

    ids = SelectMultipleField(coerce=int, validate_choice=False)
    action = SelectField(choices=[MESSAGE, *DECISIONS], validate_choice=True)
    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Required to reject, optional to cancel; the participant reads it in the e-mail."),
    )
    subject = StringField(_l("Subject"), validators=[Optional(), Length(max=200)])
    text = TextAreaField(_l("Message"), validators=[Optional(), Length(max=10000)])
