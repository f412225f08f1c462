"""Forms: a participant's passport details, the organisers' settings (the letterhead and the purpose
of the visit), and their decisions."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Optional

from ..bounds import BoundedDateField
from ..countries import country_choices
from ..formtools import optional_long_text, optional_text
from ..letterhead.forms import LetterheadForm
from .services import DETAIL_FIELDS, PREFIX_MAX, PURPOSE_MAX, REASON_MAX, LetterRules, PassportDetails

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
    passport_expires_on = BoundedDateField(_l("Date of expiry"), validators=[Optional()])
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
    passport_months = StringField(
        _l("Months of passport validity after the event"),
        description=_l(
            "A passport must be valid at least this many months after the event's last day; many consulates ask "
            "for 6. 0: until the last day."
        ),
        render_kw={"inputmode": "numeric"},
    )
    reference_prefix = optional_text(_l("Prefix of the references"), PREFIX_MAX)

    def __init__(self, *args, default_prefix: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.reference_prefix.description = _l(
            "Letters A to Z, digits and hyphens, e.g. EVT2026: the letters are numbered EVT2026-V-0001, "
            "EVT2026-V-0002 and so on. Empty: %(prefix)s. Letters approved already keep their reference.",
            prefix=default_prefix,
        )

    def rules(self) -> LetterRules:
        typed = (self.passport_months.data or "").strip()
        months = int(typed) if re.fullmatch(r"-?[0-9]{1,6}", typed) else None
        return LetterRules(self.purpose.data or "", months, self.reference_prefix.data or "")


class RejectForm(FlaskForm):
    reason = optional_long_text(_l("Why is the letter refused?"), REASON_MAX)
    submit = SubmitField(_l("Refuse"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

    submit = SubmitField(_l("Go"))
