"""A person's own data and how long the product keeps it: the export of everything held about a
person, the deletion of their account, and the retention period after which an event's
registrations are anonymised."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from . import (
    models,  # noqa: F401
    retention,  # noqa: F401  the scheduled anonymisation
    views,  # noqa: F401
)
