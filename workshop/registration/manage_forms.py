"""The organisers' forms: the event's questions, and decisions on registrations."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField

from ..bounds import id_choice
from ..formtools import optional_long_text
from ..questions.forms import QuestionForm as BaseQuestionForm
from ..questions.forms import kind_field, options_field
from ..translated_fields import translated_line, translated_text
from .models import QuestionKind
from .questions import QuestionData

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


class QuestionForm(BaseQuestionForm):
    shown = ("kind", "label", "help_text", "options", "required", "sensitive")
    data_class = QuestionData

    kind = kind_field(KIND_LABELS)
    options = options_field(
        _l(
            "For single and multiple choice: one option per line, at least two, on the same lines in every language. "
            "Answers already given keep the option chosen."
        ),
        30000,
    )
    sensitive = BooleanField(_l("Sensitive: only the organisers see the answers"))

    def own_data(self) -> dict:
        return {"sensitive": bool(self.sensitive.data)}

    def fill_from(self, question) -> None:
        super().fill_from(question)
        self.sensitive.data = question.sensitive


class RegistrationsActionForm(FlaskForm):
    """The action on the rows ticked in the list (``ids``), or on one registration's page."""

    ids = SelectMultipleField(coerce=id_choice, validate_choice=False)
    action = SelectField(choices=[MESSAGE, *DECISIONS], validate_choice=True)
    reason = optional_long_text(
        _l("Reason"), 1000, _l("Required to reject, optional to cancel; the participant reads it in the e-mail.")
    )
    subject = translated_line(_l("Subject"), 200, _l("Each participant reads their language, else the other."))
    text = translated_text(_l("Message"), 10000)
