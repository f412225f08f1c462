"""The forms of the administration pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

from ..bounds import DatabaseIntegerField


class RolesForm(FlaskForm):
    is_admin = BooleanField(
        _l("Administrator"), description=_l("Manages every event, the accounts and this administration.")
    )
    can_create_events = BooleanField(_l("May create events"), description=_l("Creates events and organises them."))
    submit = SubmitField(_l("Save the roles"))


class ResendForm(FlaskForm):
    message_id = DatabaseIntegerField()  # empty: every failed message
