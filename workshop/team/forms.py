"""The form that adds a person to an event's team."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SubmitField

from ..bounds import id_choice
from ..formtools import email_address
from ..questions.kinds import CheckboxesField
from .models import TeamRole
from .services import ROLE_LABELS


class TeamMemberForm(FlaskForm):
    email = email_address(_l("E-mail address"))
    role = RadioField(
        _l("Role"),
        choices=[SelectChoice(role.value, ROLE_LABELS[role]) for role in TeamRole],
        default=TeamRole.CHECK_IN_STAFF.value,
        validate_choice=True,
    )
    sessions = CheckboxesField(
        _l("Sessions the rapporteur reports on"),
        coerce=id_choice,
        description=_l("Only for a rapporteur."),
    )
    submit = SubmitField(_l("Add to the team"))

    def set_sessions(self, sessions) -> None:
        self.sessions.choices = [SelectChoice(session.id, str(session.title)) for session in sessions]
