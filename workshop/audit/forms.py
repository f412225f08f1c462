from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ..bounds import BoundedDateField
from .words import ACTION_LABELS, OBJECT_LABELS

WHO_MAX = 200


class LogFilterForm(FlaskForm):
    """The log's filters, read from the address; a select's other values are its error."""

    class Meta:
        csrf = False

    who = StringField(_l("Who"), validators=[Length(max=WHO_MAX)], description=_l("Part of an e-mail address"))
    object_type = SelectField(_l("Kind of object"), choices=[], default="")
    action = SelectField(_l("Action"), choices=[], default="")
    first_day = BoundedDateField(_l("From"), validators=[Optional()])
    last_day = BoundedDateField(_l("To"), validators=[Optional()])
    event = SelectField(_l("Event"), choices=[], default="")

    def offer(self, events=None) -> None:
        everything = SelectChoice("", _l("All"))
        kinds = sorted(OBJECT_LABELS.items(), key=lambda item: str(item[1]))
        self.object_type.choices = [everything] + [SelectChoice(key, label) for key, label in kinds]
        self.action.choices = [everything] + [SelectChoice(key, label) for key, label in ACTION_LABELS.items()]
        if events is None:
            del self.event
        else:
            self.event.choices = [everything] + [SelectChoice(str(e.id), e.title) for e in events]

    def validate_last_day(self, field) -> None:
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day comes before the first."))
