"""Helpers shared by the views of every domain."""

from flask import flash
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
