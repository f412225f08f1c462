"""The form of an event's certificate rule. It reads the numbers and checks what it can alone, so
that every mistake is shown at once; ``eligibility.set_rule`` checks everything again, and the
hours against the time the programme's slots cover."""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SubmitField, ValidationError
from wtforms.widgets import TextInput


class NumberText(Field):
    """A number typed as text: empty is None; what was typed is shown again when it is not a number.
    A phone offers the keyboard of ``inputmode``."""

    widget = TextInput()
    message = _l("Type a number.")
    inputmode = "decimal"

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": self.inputmode, "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self.format(self.data)

    def format(self, value) -> str:
        return str(value)

    def parse(self, text: str):
        raise NotImplementedError

    def process_formdata(self, valuelist):
        text = "".join((valuelist[0] if valuelist else "").split())
        if not text:
            self.data = None
            return
        try:
            self.data = self.parse(text)
        except (ValueError, InvalidOperation):
            self.data = None
            raise ValueError(str(self.message)) from None


class PercentField(NumberText):
    message = _l("Type a whole number from 1 to 100.")
    inputmode = "numeric"

    def parse(self, text: str) -> int:
        return int(text.removesuffix("%").removesuffix("％"))


class HoursField(NumberText):
    message = _l("Type a number of hours, e.g. 12 or 5.5.")

    def format(self, value) -> str:
        return f"{value:g}"

    def parse(self, text: str) -> float:
        number = Decimal(text.replace(",", ".").removesuffix("h"))
        if not number.is_finite():
            raise ValueError(text)
        return float(number)


class CertificateRuleForm(FlaskForm):
    min_percent = PercentField(
        _l("Time slots attended, in per cent"),
        description=_l(
            "The share of the programme's time slots in which a participant must be present, e.g. 80. Leave empty "
            "to ask for hours only."
        ),
    )
    min_hours = HoursField(
        _l("Hours attended"),
        description=_l(
            "The hours a participant must have spent at the sessions that count for attendance, e.g. 12 or 5.5. Leave "
            "empty to ask for a share of time slots only."
        ),
    )
    submit = SubmitField(_l("Save the rule"))

    def validate_min_percent(self, field):
        if field.data is not None and not 1 <= field.data <= 100:
            raise ValidationError(str(PercentField.message))

    def validate_min_hours(self, field):
        if field.data is not None and field.data <= 0:
            raise ValidationError(str(_l("Type a number of hours greater than 0.")))
