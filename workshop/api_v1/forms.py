from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from ..bounds import BoundedDateField
from ..questions.kinds import CheckboxesField
from .tokens import NAME_MAX

ACCESS_CHOICES = [SelectChoice("read", _l("Read")), SelectChoice("write", _l("Read and write"))]


class PersonalTokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(message=_l("Give the token a name, e.g. the program that will use it.")),
            Length(max=NAME_MAX),
        ],
        description=_l("For example the program that will use it: “Registration dashboard”."),
    )
    events = CheckboxesField(
        _l("Events"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose at least one event."))],
        description=_l("The token reaches only these events, and only while you organise them."),
    )
    access = RadioField(_l("Access"), choices=ACCESS_CHOICES, default="read")
    expires_on = BoundedDateField(
        _l("Expires on"), validators=[Optional()], description=_l("Optional: the token stops working on this day.")
    )
    submit = SubmitField(_l("Create a token"))


class RevokeForm(FlaskForm):
    """The Revoke button of one token."""
