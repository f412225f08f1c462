"""Helpers shared by the views of every domain."""

from flask import flash

from .errors import DomainError


def show_domain_error(form, error: DomainError) -> None:
    """Put the message next to its field when the form has one, else flash it."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)] if isinstance(field.errors, list) else [str(error)]
    else:
        flash(str(error), "danger")
