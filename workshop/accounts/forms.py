from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

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


EMAIL = [DataRequired(), Length(max=254), Email(message=_l("Enter an e-mail address such as name@example.org."))]
FULL_NAME = [DataRequired(), Length(max=200)]
NATIVE_NAME = [Optional(), Length(max=200)]


class SignUpForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=EMAIL)
    full_name = StringField(
        _l("Full name in Latin letters"),
        validators=FULL_NAME,
        description=_l("As in your passport, e.g. Li Wei or Maria Rossi."),
    )
    native_name = StringField(
        _l("Name in your own script"),
        validators=NATIVE_NAME,
        description=_l("Optional, e.g. 李伟. Shown next to your name in Latin letters."),
    )
    locale = LanguageField(_l("Preferred language"))
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), acceptable_password],
        description=_l("At least 10 characters; not a common password."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=EMAIL)
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class EmailOnlyForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=EMAIL)
    submit = SubmitField(_l("Send the link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), acceptable_password],
        description=_l("At least 10 characters; not a common password."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Set the new password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), acceptable_password],
        description=_l("At least 10 characters; not a common password."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class ProfileForm(FlaskForm):
    full_name = StringField(_l("Full name in Latin letters"), validators=FULL_NAME)
    native_name = StringField(_l("Name in your own script"), validators=NATIVE_NAME)
    locale = LanguageField(_l("Preferred language"))
    submit = SubmitField(_l("Save"))


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change something."""

    submit = SubmitField(_l("Confirm"))
