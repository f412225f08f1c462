"""Forms: a participant's passport details, the organisers' settings (the letterhead and the purpose
of the visit), and their decisions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.validators import Optional

from ..bounds import BoundedDateField
from ..countries import country_choices
from ..formtools import optional_long_text, optional_text
from ..letterhead.forms import LetterheadForm
from .services import DETAIL_FIELDS, PURPOSE_MAX, REASON_MAX, PassportDetails

NOT_A_DATE = _l("Give a date, e.g. 2031-05-20.")
DATE_FIELDS = ("date_of_birth", "passport_issued_on", "passport_expires_on")


class PassportForm(FlaskForm):
    """Every field is checked by the service (``services.problems_with``), which names what is missing."""

    passport_name = optional_text(
        _l("Name as in your passport"),
        200,
        _l("In Latin letters, exactly as printed on the passport's photo page, e.g. LI WEI."),
    )
    passport_number = optional_text(_l("Passport number"), 40, _l("Letters and digits only, e.g. E12345678."))
    nationality = SelectField(_l("Nationality"), choices=country_choices, validate_choice=False)
    date_of_birth = BoundedDateField(_l("Date of birth"), validators=[Optional()])
    passport_issued_on = BoundedDateField(_l("Date of issue"), validators=[Optional()])
    passport_expires_on = BoundedDateField(
        _l("Date of expiry"),
        validators=[Optional()],
        description=_l("It must not expire before the event ends; many consulates ask for six months more."),
    )
    issuing_authority = optional_text(
        _l("Issuing authority"),
        200,
        _l("In English, as printed in the passport, e.g. National Immigration Administration, PRC."),
    )
    consulate = optional_text(
        _l("Embassy or consulate where you apply"),
        200,
        _l("In English or pinyin, e.g. British Embassy Beijing, Visa Section. The letter is addressed to it."),
    )
    submit = SubmitField(_l("Save and send to the organisers"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name in DATE_FIELDS:
            if self[name].errors:
                self[name].errors = [NOT_A_DATE]
        return valid

    def details(self) -> PassportDetails:
        return PassportDetails(
            **{name: self[name].data if name in DATE_FIELDS else (self[name].data or "") for name in DETAIL_FIELDS}
        )


class SettingsForm(LetterheadForm):
    purpose = optional_long_text(
        _l("Purpose of the visit"),
        PURPOSE_MAX,
        _l("What the participant comes to do, in one or two sentences. Empty: the event's summary."),
    )


class RejectForm(FlaskForm):
    reason = optional_long_text(_l("Why is the letter refused?"), REASON_MAX)
    submit = SubmitField(_l("Refuse"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

    submit = SubmitField(_l("Go"))
