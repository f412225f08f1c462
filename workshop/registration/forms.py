"""The registration form: the standard fields, then the event's own questions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from ..accounts.forms import LanguageField, acceptable_password
from ..countries import country_choices
from ..questions.forms import answers_from_form, fill_answers
from ..questions.kinds import REQUIRED
from .answers import previous_answers
from .models import OrganisationType, Question, Registration, Sex
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
    full_name = StringField(
        _l("Full name in Latin letters"), validators=[DataRequired(), Length(max=200)], description=_l("As in your passport.")
    )
    native_name = StringField(_l("Name in your own script"), validators=[Optional(), Length(max=200)], description=_l("Optional, e.g. 李伟."))
    organisation = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    organisation_type = SelectField(_l("Type of organisation"), choices=enum_choices(ORGANISATION_TYPE_LABELS))
    job_title = StringField(_l("Position"), validators=[Optional(), Length(max=200)], description=_l("Your job title."))
    country = SelectField(_l("Country"), choices=country_choices, validate_choice=False, validators=[DataRequired(message=_l("Choose a country from the list."))])
    sex = RadioField(
        _l("Sex"),
        choices=enum_choices(SEX_LABELS),
        validators=[InputRequired(message=REQUIRED)],
        description=_l("For statistics by sex in the workshop report; only the organisers see it."),
    )
    dietary_needs = StringField(
        _l("Dietary needs"), validators=[Optional(), Length(max=500)], description=_l("e.g. vegetarian, halal, no nuts. Only the organisers see it.")
    )
    accessibility_needs = StringField(
        _l("Accessibility needs"), validators=[Optional(), Length(max=500)], description=_l("Anything that helps you take part. Only the organisers see it.")
    )
    visa_letter_needed = BooleanField(_l("I need an invitation letter for a visa"))
    listed_publicly = BooleanField(_l("My name and organisation may appear on the list of participants"))


class RegistrationForm(ParticipantForm):
    privacy = BooleanField(_l("I have read the privacy notice and agree to it"), validators=[DataRequired(message=_l("Please agree to the privacy notice to register."))])
    submit = SubmitField(_l("Register"))


class VisitorRegistrationForm(RegistrationForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254), Email(message=_l("Enter an e-mail address such as name@example.org."))])
    password = PasswordField(
        _l("Choose a password"), validators=[DataRequired(), acceptable_password], description=_l("At least 10 characters; not a common password.")
    )
    confirm = PasswordField(_l("Repeat the password"), validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
    locale = LanguageField(_l("Preferred language"))


class EditRegistrationForm(ParticipantForm):
    submit = SubmitField(_l("Save changes"))


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Cancel my registration"))


def details_from_form(form: ParticipantForm, questions: list[Question]) -> Details:
    return Details(
        full_name=form.full_name.data or "",
        native_name=form.native_name.data or "",
        organisation=form.organisation.data or "",
        organisation_type=OrganisationType(form.organisation_type.data),
        country=form.country.data or "",
        sex=Sex(form.sex.data),
        job_title=form.job_title.data or "",
        dietary_needs=form.dietary_needs.data or "",
        accessibility_needs=form.accessibility_needs.data or "",
        visa_letter_needed=bool(form.visa_letter_needed.data),
        listed_publicly=bool(form.listed_publicly.data),
        answers=answers_from_form(form, questions),
    )


def fill_from_registration(form: ParticipantForm, registration: Registration, questions: list[Question]) -> None:
    for name in ("full_name", "native_name", "organisation", "job_title", "dietary_needs", "accessibility_needs", "visa_letter_needed", "listed_publicly", "country"):
        form[name].data = getattr(registration, name)
    form.organisation_type.data = registration.organisation_type.value
    form.sex.data = registration.sex.value
    fill_answers(REGISTRATION_FORM, form, questions, previous_answers(registration))


def fill_from_user(form: ParticipantForm, user) -> None:
    form.full_name.data = user.full_name
    form.native_name.data = user.native_name
