"""Forms of rosters, session codes, self check-in and scanner tokens."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from ..bounds import DatabaseIntegerField, id_choice
from .tokens import NAME_MAX


class RosterForm(FlaskForm):
    """The ticked rows (``ids``) to mark present, or the row whose Undo button was pressed (``undo``)."""

    ids = SelectMultipleField(coerce=id_choice, validate_choice=False)
    undo = DatabaseIntegerField(validators=[Optional()])


class SessionCodeForm(FlaskForm):
    """Make the session's code, or a new one in place of the old."""


class SelfCheckInForm(FlaskForm):
    # Only the code: whom to mark present is always the person logged in.
    code = StringField(
        _l("Session code"),
        validators=[InputRequired(message=_l("Type the code shown on the screen.")), Length(max=32)],
        description=_l("The six characters shown on the screen in the room."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Check in"))


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(message=_l("Give the token a name, e.g. the device that will use it.")),
            Length(max=NAME_MAX),
        ],
        description=_l("For example the device or desk that will use it: “Scanner 3, main entrance”."),
    )
    submit = SubmitField(_l("Create a token"))


class RevokeTokenForm(FlaskForm):
    """The Revoke button of one token."""
