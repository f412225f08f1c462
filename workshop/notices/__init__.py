"""Telling organisers what needs them (registrations waiting for approval, visa letter requests,
e-mails that could not be delivered): at once, in a daily digest, or never, as each one chooses."""

from flask import Blueprint

bp = Blueprint("notices", __name__)

from . import (
    digest,  # noqa: F401  the worker's daily task
    models,  # noqa: F401
    views,  # noqa: F401  the organiser's choice
)
