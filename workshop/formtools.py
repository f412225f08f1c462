"""What the forms and views of every domain share: the common kinds of field, and the messages of
services by their fields, missing files, posted buttons."""

from contextlib import contextmanager

from flask import abort, flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from .bounds import BoundedDateTimeLocalField
from .errors import DomainError, Forbidden
from .extensions import db

LIVE_PARTS_HEADER = "X-Live-Parts"  # sent by static/js/live-form.js
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"  # what a browser's date-and-time input sends
EMAIL_MAX = 254


def optional_text(label, max_length: int, help_text="", render_kw=None) -> StringField:
    """A line that may stay empty, of at most ``max_length`` characters; ``help_text`` stands under it."""
    return StringField(
        label, validators=[Optional(), Length(max=max_length)], description=help_text, render_kw=render_kw
    )


def optional_long_text(label, max_length: int, help_text="") -> TextAreaField:
    """Several lines that may stay empty, of at most ``max_length`` characters."""
    return TextAreaField(label, validators=[Optional(), Length(max=max_length)], description=help_text)


def required_text(label, max_length: int, help_text="", message=None) -> StringField:
    """A line that must be filled in; ``message`` says so when it is empty (WTForms' own when None)."""
    return StringField(label, validators=[DataRequired(message=message), Length(max=max_length)], description=help_text)


def email_address(label, required: bool = True) -> EmailField:
    """An e-mail address, with an example when it is not one."""
    presence = DataRequired() if required else Optional()
    message = _l("Enter an e-mail address such as name@example.org.")
    return EmailField(label, validators=[presence, Length(max=EMAIL_MAX), Email(message=message)])


def wall_clock_time(label, required: bool = True) -> BoundedDateTimeLocalField:
    """A date and time as typed into the browser's date-and-time input, in the event's time zone."""
    presence = DataRequired(message=_l("Enter a date and time.")) if required else Optional()
    return BoundedDateTimeLocalField(label, format=DATETIME_FORMAT, validators=[presence])


def texts(form, *names: str) -> dict[str, str]:
    """What was typed into each of the fields ``names``, by name; "" for a field left empty."""
    return {name: form[name].data or "" for name in names}


def show_domain_error(form, error: DomainError) -> None:
    """Put the message next to its field when the form has one, else flash it; an error that
    lists several ``problems`` (each with its own field) shows each of them."""
    for problem in getattr(error, "problems", None) or [error]:
        field = getattr(form, problem.field, None) if problem.field else None
        if field is not None:
            field.errors = [*field.errors, str(problem)] if isinstance(field.errors, list) else [str(problem)]
        else:
            flash(str(problem), "danger")


@contextmanager
def showing_errors(form=None):
    """Run the block; when a service in it refuses with a message for the person, nothing it
    began is kept, the rest of the block is skipped and the message is shown next to its field of
    ``form`` (else flashed), so the view goes on to show the form again, or to redirect.
    ``Forbidden`` is left to the 403 page.

        with showing_errors(form):
            services.save(...)
            flash(_("Saved."), "success")
            return redirect(...)
        return render_template(..., form=form)
    """
    try:
        yield
    except Forbidden:
        raise
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)


def mark_missing_files(form, fields: list[str]) -> None:
    """Say by each of ``fields`` (file fields) that the file uploaded there is missing."""
    for name in fields:
        form[name].errors = [*form[name].errors, _("The file uploaded here is missing on the server: upload it again.")]


def posted_or_400(form) -> bool:
    """True when the form is valid; 400 without a valid CSRF token; False (with the errors
    flashed) for anything else."""
    if form.validate_on_submit():
        return True
    if "csrf_token" in form.errors:
        abort(400)
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "danger")
    return False


def wants_live_parts() -> bool:
    """Whether the form was sent by a live form, which replaces the parts of the page it marks and
    needs nothing else: a page that can answer with those parts alone (``_layout/live_parts.html``)
    spares the rest, most of the cost of a check-in desk's answer."""
    return request.headers.get(LIVE_PARTS_HEADER) == "1"
