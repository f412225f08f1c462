from flask import Blueprint

bp = Blueprint("feedback", __name__)

from . import (
    manage_views,  # noqa: F401
    models,  # noqa: F401
    views,  # noqa: F401
)
