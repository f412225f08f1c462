from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..formtools import email_address, optional_text, required_text
from .passwords import MAX_LENGTH, password_problem


def acceptable_password(form, field) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in current_app.config["LANGUAGES"].items()]


class LanguageField(SelectField):
    def __init__(self, label=None, **kwargs):
        super().__init__(label, choices=language_choices, **kwargs)


NAME_MAX = 200


def chosen_password(label) -> PasswordField:
    """A password being chosen, checked against the rules of ``password_problem``."""
    return PasswordField(
        label,
        validators=[DataRequired(), acceptable_password],
        description=_l("At least 10 characters; not a common password."),
    )


def repeated_password(label, of: str = "password") -> PasswordField:
    """The password of the field ``of`` typed again."""
    return PasswordField(label, validators=[DataRequired(), EqualTo(of, message=_l("The two passwords differ."))])


class SignUpForm(FlaskForm):
    email = email_address(_l("E-mail address"))
    full_name = required_text(
        _l("Full name in Latin letters"), NAME_MAX, _l("As in your passport, e.g. Li Wei or Maria Rossi.")
    )
    native_name = optional_text(
        _l("Name in your own script"), NAME_MAX, _l("Optional, e.g. 李伟. Shown next to your name in Latin letters.")
    )
    locale = LanguageField(_l("Preferred language"))
    password = chosen_password(_l("Password"))
    confirm = repeated_password(_l("Repeat the password"))
    next = HiddenField()
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    email = email_address(_l("E-mail address"))
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class EmailOnlyForm(FlaskForm):
    email = email_address(_l("E-mail address"))
    submit = SubmitField(_l("Send the link"))


class ResetPasswordForm(FlaskForm):
    password = chosen_password(_l("New password"))
    confirm = repeated_password(_l("Repeat the new password"))
    submit = SubmitField(_l("Set the new password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    new_password = chosen_password(_l("New password"))
    confirm = repeated_password(_l("Repeat the new password"), of="new_password")
    submit = SubmitField(_l("Change password"))


class ProfileForm(FlaskForm):
    full_name = required_text(_l("Full name in Latin letters"), NAME_MAX)
    native_name = optional_text(_l("Name in your own script"), NAME_MAX)
    locale = LanguageField(_l("Preferred language"))
    prefills_personal_details = BooleanField(
        _l(
            "Fill in my sex, dietary and accessibility needs from my last registration when I register for another "
            "event"
        )
    )
    submit = SubmitField(_l("Save"))


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change something."""

    submit = SubmitField(_l("Confirm"))
