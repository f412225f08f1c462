"""What the views of every domain share about forms and the messages of services: errors by their
fields, missing files, posted buttons."""

from contextlib import contextmanager

from flask import abort, flash
from flask_babel import gettext as _

from .errors import DomainError, Forbidden
from .extensions import db


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
