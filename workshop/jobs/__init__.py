from flask import Blueprint

bp = Blueprint("jobs", __name__)

from . import (
    models,  # noqa: F401
    views,  # noqa: F401  the progress of an event's job
)
