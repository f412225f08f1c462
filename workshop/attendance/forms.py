"""Forms of the check-in desk, the check-in staff and the badges."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from ..bounds import DatabaseIntegerField, id_choice
from .badges import LAYOUT_LABELS, LAYOUTS


def strip(value):
    return value.strip() if isinstance(value, str) else value


class DeskForm(FlaskForm):
    """One check-in: a badge's code (scanned or typed) or a registration found by name, for arrival
    (``slot`` 0) or a session. The code has no length limit here: whatever is scanned, the desk
    answers what it is ("Unknown code"), rather than a form error."""

    slot = DatabaseIntegerField(
        _l("Checking in for"), validators=[InputRequired(message=_l("Choose arrival or a session of this event."))]
    )
    code = StringField(
        _l("Ticket code"),
        filters=[strip],
        description=_l("Scan the QR code on the badge, or type the code printed under it."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "autocorrect": "off"},
    )
    registration_id = DatabaseIntegerField(validators=[Optional()])
    submit = SubmitField(_l("Check in"))


class StaffForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Type the e-mail address of the person's account.")),
            Length(max=254),
            Email(),
        ],
        description=_l("The person needs an account on this site; they sign up with this address."),
    )
    submit = SubmitField(_l("Add to the check-in staff"))


class RemoveStaffForm(FlaskForm):
    """The Remove button of one member of the check-in staff."""


class BadgesForm(FlaskForm):
    """The badges page: which badges to print, in which layout."""

    id = SelectMultipleField(coerce=id_choice, validate_choice=False)
    layout = RadioField(
        _l("Layout"), choices=[SelectChoice(layout, LAYOUT_LABELS[layout]) for layout in LAYOUTS], default="a4"
    )
