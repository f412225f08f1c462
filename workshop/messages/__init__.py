"""Messages from an event's organisers to its participants: chosen by filters, written in every
language with placeholders filled for each person, previewed, sent by a job, and kept with the
delivery of each e-mail; saved templates of subject and text."""

from flask import Blueprint

bp = Blueprint("messages", __name__)

from . import (
    models,  # noqa: F401
    services,  # noqa: F401  (its kind of job)
    views,  # noqa: F401
)
