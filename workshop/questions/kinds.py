"""The kinds of answer a question can ask for: the field a person fills in, how what they sent is
checked and kept, and how a kept answer reads.

Every form built from an organiser's questions goes through here, so a question's label, help text
and options become a field in one place, and an answer becomes text in one place. Options are
``Translated``: a field offers each in the reader's language, and a choice is kept as the option's
value whatever language it was made in (``options``).
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..bounds import BoundedDateField
from ..countries import country_choices, is_country
from ..language_of_parts import with_lang
from ..translated import Translated
from .options import kept_values, option_for, option_value, readable

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 5000
RATINGS = (1, 2, 3, 4, 5)
REQUIRED = _l("This question needs an answer.")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RatingField(RadioField):
    """A rating from 1 to 5: the forms macro lays its options out in one line."""


class WrongAnswer(ValueError):
    """What is wrong with an answer, in words for the person who gave it."""


def is_empty(raw) -> bool:
    return raw is None or raw == [] or (isinstance(raw, str) and not raw.strip())


class AnswerKind:
    """One kind of answer. ``options`` are the choices on offer (only choice kinds have any)."""

    has_options = False

    def field(self, label, description, required: bool, options: list[Translated]):
        """The form field that asks the question (unbound: it goes into a form class)."""
        raise NotImplementedError

    def clean(self, raw, options: list[Translated]):
        """The value to keep for a non-empty ``raw``, or WrongAnswer."""
        raise NotImplementedError

    def form_data(self, value, options: list[Translated] = ()):
        """A kept value as the field shows it again."""
        return value

    def text(self, value, options: list[Translated] = ()) -> str:
        """A kept value as people read it."""
        return ", ".join(value) if isinstance(value, list) else value


def presence(required: bool) -> list:
    return [InputRequired(message=REQUIRED)] if required else [Optional()]


class Text(AnswerKind):
    def __init__(self, limit: int, field_class):
        self.limit = limit
        self.field_class = field_class

    def field(self, label, description, required, options):
        return self.field_class(
            label=label, description=description, validators=[*presence(required), Length(max=self.limit)]
        )

    def clean(self, raw, options):
        text = str(raw).strip()
        if len(text) > self.limit:
            raise WrongAnswer(_l("Use at most %(count)d characters.", count=self.limit))
        return text


class Choice(AnswerKind):
    """The options offered in the reader's language, each sent as its value; an option posted in
    any of its languages is taken as that option."""

    has_options = True
    field_class: type = RadioField

    def field(self, label, description, required, options):
        choices = [SelectChoice(option_value(option), with_lang(option)) for option in options]
        return self.field_class(
            label=label, description=description, validators=presence(required), choices=choices, validate_choice=False
        )

    def form_data(self, value, options=()):
        values = kept_values(options, value)
        return values if isinstance(value, list) else values[0] if values else None

    def text(self, value, options=()) -> str:
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(readable(options, item)) for item in values if item)


class OneChoice(Choice):
    def clean(self, raw, options):
        option = option_for(options, raw)
        if option is None:
            raise WrongAnswer(_l("Choose one of the options."))
        return option_value(option)


class SeveralChoices(Choice):
    field_class = CheckboxesField

    def clean(self, raw, options):
        chosen = [option_for(options, choice) for choice in (list(raw) if isinstance(raw, (list, tuple)) else [raw])]
        if None in chosen:
            raise WrongAnswer(_l("Choose among the options."))
        return [option_value(option) for option in options if option in chosen]


class YesNo(AnswerKind):
    def field(self, label, description, required, options):
        choices = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
        return RadioField(
            label=label, description=description, validators=presence(required), choices=choices, validate_choice=False
        )

    def clean(self, raw, options):
        if raw in (True, "yes"):
            return True
        if raw in (False, "no"):
            return False
        raise WrongAnswer(_l("Answer yes or no."))

    def form_data(self, value, options=()):
        return None if value is None else "yes" if value else "no"

    def text(self, value, options=()) -> str:
        return _l("Yes") if value else _l("No")


class Country(AnswerKind):
    def field(self, label, description, required, options):
        return SelectField(
            label=label,
            description=description,
            validators=presence(required),
            choices=country_choices,
            validate_choice=False,
        )

    def clean(self, raw, options):
        if not is_country(str(raw)):
            raise WrongAnswer(_l("Choose a country from the list."))
        return str(raw)


class Date(AnswerKind):
    """Kept as an ISO date (2025-03-14)."""

    def field(self, label, description, required, options):
        return BoundedDateField(label=label, description=description, validators=presence(required))

    def clean(self, raw, options):
        try:
            return (raw if isinstance(raw, date) else date.fromisoformat(str(raw))).isoformat()
        except ValueError as error:
            raise WrongAnswer(_l("Enter a date.")) from error

    def form_data(self, value, options=()):
        return date.fromisoformat(value) if value else value


class Rating(AnswerKind):
    """From 1 (poor) to 5 (excellent), kept as a number."""

    CHOICES = (
        SelectChoice("1", _l("1 poor")),
        SelectChoice("2", "2"),
        SelectChoice("3", "3"),
        SelectChoice("4", "4"),
        SelectChoice("5", _l("5 excellent")),
    )

    def field(self, label, description, required, options):
        return RatingField(
            label=label,
            description=description,
            validators=presence(required),
            choices=list(self.CHOICES),
            validate_choice=False,
        )

    def clean(self, raw, options):
        try:
            rating = int(str(raw).strip())
        except ValueError:
            rating = None
        if rating not in RATINGS:
            raise WrongAnswer(_l("Choose a rating from 1 to 5."))
        return rating

    def text(self, value, options=()) -> str:
        return str(value)


SHORT_TEXT = Text(SHORT_TEXT_MAX, StringField)
LONG_TEXT = Text(LONG_TEXT_MAX, TextAreaField)
ONE_CHOICE = OneChoice()
SEVERAL_CHOICES = SeveralChoices()
YES_NO = YesNo()
COUNTRY = Country()
DATE = Date()
RATING = Rating()
