"""Forms: the organisers' question builder and settings, and the participants' form built from the questions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, SubmitField

from ..bounds import database_id
from ..formatting import format_in_zone
from ..questions.forms import QuestionForm as BaseQuestionForm
from ..questions.forms import kind_field, options_field
from ..translated_fields import translated_text
from .models import EvaluationQuestion
from .models import EvaluationQuestionKind as Kind
from .questions import QuestionData
from .services import INTRODUCTION_MAX

KIND_LABELS = {
    Kind.RATING: _l("Rating from 1 to 5"),
    Kind.CHOICE: _l("One choice"),
    Kind.MULTIPLE_CHOICE: _l("Multiple choice"),
    Kind.TEXT: _l("Free text"),
}


class QuestionForm(BaseQuestionForm):
    shown = ("kind", "label", "help_text", "options", "session_id", "required")
    data_class = QuestionData

    kind = kind_field(KIND_LABELS)
    options = options_field(
        _l(
            "For one choice and multiple choice: one option per line, at least two, on the same lines in each language."
        ),
        20000,
    )
    session_id = SelectField(
        _l("About"),
        validate_choice=False,
        description=_l("A question about one session of the agenda, or about the whole event."),
    )

    def offer_sessions(self, sessions, zone: str) -> None:
        self.session_id.choices = [SelectChoice("", _l("The whole event"))] + [
            SelectChoice(str(session.id), f"{session.title} ({format_in_zone(session.starts_at, zone)})")
            for session in sessions
        ]

    def own_data(self) -> dict:
        raw_session = (self.session_id.data or "").strip()
        return {"session_id": (database_id(raw_session) or -1) if raw_session else None}

    def fill_from(self, question: EvaluationQuestion) -> None:
        super().fill_from(question)
        self.session_id.data = str(question.session_id) if question.session_id else ""


class SettingsForm(FlaskForm):
    introduction = translated_text(
        _l("Introduction"),
        INTRODUCTION_MAX,
        _l("Shown above the questions. Markdown: **bold**, *italic*, lists, links."),
    )
    anonymous = BooleanField(
        _l("Anonymous answers"),
        description=_l(
            "The answers are kept without the participant's name and with the day only, not the time. This cannot "
            "change once anyone has answered."
        ),
    )
    submit = SubmitField(_l("Save"))


class ActionForm(FlaskForm):
    """A button that changes something: the CSRF token only."""


class AnswerFormBase(FlaskForm):
    submit = SubmitField(_l("Send my answers"))
