from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from ..accounts.passwords import MAX_LENGTH


class ExportForm(FlaskForm):
    submit = SubmitField(_l("Prepare a copy of my data"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("To confirm that it is you who deletes the account."),
    )
    submit = SubmitField(_l("Delete my account for good"))


class EventRetentionForm(FlaskForm):
    months = IntegerField(
        _l("Months after the event's end"),
        validators=[Optional()],
        description=_l("Leave empty to follow the platform's default."),
    )
    submit = SubmitField(_l("Save"))


class PlatformRetentionForm(FlaskForm):
    months = IntegerField(
        _l("Months after an event's end"),
        validators=[Optional()],
        description=_l("For the events that do not set their own period."),
    )
    submit = SubmitField(_l("Save"))
