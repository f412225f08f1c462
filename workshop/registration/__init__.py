from flask import Blueprint

bp = Blueprint("registration", __name__)

from . import (
    manage_views,  # noqa: F401
    unconfirmed,  # noqa: F401  (its scheduled task)
    views,  # noqa: F401
)
