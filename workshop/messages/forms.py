"""The form that writes to participants: who (filters, the rows ticked in the list), what (subject
and text in every language), and a recipient to preview it for, or a name to save it under."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, SelectMultipleField

from ..bounds import id_choice
from ..countries import country_names, sort_key
from ..formtools import optional_text
from ..questions.kinds import CheckboxesField
from ..registration.forms import ORGANISATION_TYPE_LABELS
from ..registration.models import OrganisationType
from ..registration.search import countries_in_use
from ..registration.services import STATE_LABELS
from ..registration.states import State
from ..translated_fields import translated_line, translated_text
from .recipients import ATTENDANCE_LABELS, CERTIFICATE_LABELS, VISA_LABELS, Recipients

ANY = _l("Any")


def with_any(labels: dict) -> list[SelectChoice]:
    return [SelectChoice("", ANY), *(SelectChoice(getattr(k, "value", k), label) for k, label in labels.items())]


class ComposeForm(FlaskForm):
    ids = SelectMultipleField(coerce=id_choice, validate_choice=False)
    only_selected = BooleanField(_l("Only the registrations ticked in the list"))
    states = CheckboxesField(
        _l("Registration state"),
        choices=[SelectChoice(state.value, label) for state, label in STATE_LABELS.items()],
        default=[State.CONFIRMED.value],
        description=_l("None ticked: every state."),
    )
    country = SelectField(_l("Country"), validate_choice=False, default="")
    organisation_type = SelectField(_l("Type of organisation"), choices=with_any(ORGANISATION_TYPE_LABELS), default="")
    attendance = SelectField(_l("Attendance"), choices=with_any(ATTENDANCE_LABELS), default="")
    certificate = SelectField(_l("Certificate"), choices=with_any(CERTIFICATE_LABELS), default="")
    visa_letter = SelectField(_l("Visa letter"), choices=with_any(VISA_LABELS), default="")
    evaluation_unanswered = BooleanField(_l("Has not answered the evaluation yet"))
    recipients = HiddenField(_l("Recipients"))  # the fingerprint of the recipients shown
    subject = translated_line(_l("Subject"), 200, _l("Each participant reads their language, else the other."))
    text = translated_text(_l("Message"), 10000)
    preview_for = SelectField(_l("Preview the e-mail of"), coerce=id_choice, validate_choice=False)
    template_name = optional_text(_l("Template name"), 100, _l("A template of the same name is replaced."))
    template_for_series = BooleanField(_l("For every event of the series"))

    def __init__(self, event, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale = str(get_locale())
        names, by_name = country_names(locale), sort_key(locale)
        countries = sorted(
            ((code, names.get(code, code)) for code in countries_in_use(event.id)), key=lambda c: by_name(c[1])
        )
        self.country.choices = [SelectChoice("", ANY), *(SelectChoice(code, name) for code, name in countries)]

    def chosen(self) -> Recipients:
        """The filters as sent; a value that is not one of the choices lets everybody through."""
        states = tuple(state for state in State if state.value in (self.states.data or []))
        organisation_type = next((t for t in OrganisationType if t.value == self.organisation_type.data), None)
        country = (self.country.data or "").strip().upper()
        return Recipients(
            states=states,
            country=country if len(country) == 2 and country.isalpha() else "",
            organisation_type=organisation_type,
            attendance=self.attendance.data if self.attendance.data in ATTENDANCE_LABELS else "",
            certificate=self.certificate.data if self.certificate.data in CERTIFICATE_LABELS else "",
            visa_letter=self.visa_letter.data if self.visa_letter.data in VISA_LABELS else "",
            evaluation_unanswered=bool(self.evaluation_unanswered.data),
            selected=tuple(sorted(set(self.ids.data or []))) if self.only_selected.data else None,
        )


class TemplateButtonForm(FlaskForm):
    """A button on a saved template (delete): the CSRF token alone."""
