"""The registration form: the standard fields, then the event's own questions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from ..accounts.forms import NAME_MAX, LanguageField, chosen_password, repeated_password
from ..countries import country_choices
from ..formtools import email_address, optional_long_text, optional_text, required_text, texts
from ..questions.forms import answers_from_form, fill_answers
from ..questions.kinds import REQUIRED
from .answers import previous_answers
from .models import OrganisationType, Question, Registration, Sex
from .prefill import starting_values
from .questions import REGISTRATION_FORM
from .services import Details

ORGANISATION_TYPE_LABELS = {
    OrganisationType.GOVERNMENT: _l("Government"),
    OrganisationType.EMPLOYERS: _l("Employers' organisation"),
    OrganisationType.WORKERS: _l("Workers' organisation"),
    OrganisationType.NGO: _l("Non-governmental organisation"),
    OrganisationType.ACADEMIA: _l("University or research institute"),
    OrganisationType.INTERNATIONAL: _l("International organisation"),
    OrganisationType.OTHER: _l("Other"),
}
SEX_LABELS = {Sex.FEMALE: _l("Female"), Sex.MALE: _l("Male"), Sex.UNDISCLOSED: _l("Prefer not to say")}


def enum_choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(member.value, label) for member, label in labels.items()]


class ParticipantForm(FlaskForm):
    full_name = required_text(_l("Full name in Latin letters"), NAME_MAX, _l("As in your passport."))
    native_name = optional_text(_l("Name in your own script"), NAME_MAX, _l("Optional, e.g. 李伟."))
    organisation = required_text(_l("Organisation"), 200)
    organisation_type = SelectField(_l("Type of organisation"), choices=enum_choices(ORGANISATION_TYPE_LABELS))
    job_title = optional_text(_l("Position"), 200, _l("Your job title."))
    country = SelectField(
        _l("Country"),
        choices=country_choices,
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose a country from the list."))],
    )
    sex = RadioField(
        _l("Sex"),
        choices=enum_choices(SEX_LABELS),
        validators=[InputRequired(message=REQUIRED)],
        description=_l("For statistics by sex in the workshop report; only the organisers see it."),
    )
    dietary_needs = optional_text(
        _l("Dietary needs"), 500, _l("e.g. vegetarian, halal, no nuts. Only the organisers see it.")
    )
    accessibility_needs = optional_text(
        _l("Accessibility needs"), 500, _l("Anything that helps you take part. Only the organisers see it.")
    )
    visa_letter_needed = BooleanField(_l("I need an invitation letter for a visa"))
    listed_publicly = BooleanField(_l("My name and organisation may appear on the list of participants"))


class RegistrationForm(ParticipantForm):
    prefill_personal_details = BooleanField(
        _l("Fill in my sex, dietary and accessibility needs for me when I register for another event"),
        description=_l("They are kept with your account for this; untick the box to stop it."),
    )
    privacy = BooleanField(
        _l("I have read the privacy notice and agree to it"),
        validators=[DataRequired(message=_l("Please agree to the privacy notice to register."))],
    )
    privacy_notice = HiddenField()  # the version of the event's own notice shown, when it has one
    submit = SubmitField(_l("Register"))


class VisitorRegistrationForm(RegistrationForm):
    email = email_address(_l("E-mail address"))
    password = chosen_password(_l("Choose a password"))
    confirm = repeated_password(_l("Repeat the password"))
    locale = LanguageField(_l("Preferred language"))


class EditRegistrationForm(ParticipantForm):
    submit = SubmitField(_l("Save changes"))


class CancelForm(FlaskForm):
    reason = optional_long_text(_l("Reason (optional)"), 1000)
    submit = SubmitField(_l("Cancel my registration"))


def details_from_form(form: ParticipantForm, questions: list[Question]) -> Details:
    typed = texts(
        form, "full_name", "native_name", "organisation", "job_title", "dietary_needs", "accessibility_needs", "country"
    )
    return Details(
        **typed,
        organisation_type=OrganisationType(form.organisation_type.data),
        sex=Sex(form.sex.data),
        visa_letter_needed=bool(form.visa_letter_needed.data),
        listed_publicly=bool(form.listed_publicly.data),
        answers=answers_from_form(form, questions),
        prefill_personal_details="prefill_personal_details" in form and bool(form.prefill_personal_details.data),
    )


def fill_from_registration(form: ParticipantForm, registration: Registration, questions: list[Question]) -> None:
    form.process(obj=registration)
    form.organisation_type.data = registration.organisation_type.value
    form.sex.data = registration.sex.value
    fill_answers(REGISTRATION_FORM, form, questions, previous_answers(registration))


def fill_from_user(form: ParticipantForm, user) -> None:
    """A new registration: the profile's names and what the person's last registration said."""
    for name, value in starting_values(user).items():
        if name in form:
            form[name].data = value
