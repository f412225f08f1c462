"""What the views of every domain do with their forms: errors by their fields, missing files, posted buttons."""

from flask import abort, flash
from flask_babel import gettext as _

from .errors import DomainError


def show_domain_error(form, error: DomainError) -> None:
    """Put the message next to its field when the form has one, else flash it."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)] if isinstance(field.errors, list) else [str(error)]
    else:
        flash(str(error), "danger")


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
