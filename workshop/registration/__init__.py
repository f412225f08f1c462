from flask import Blueprint

bp = Blueprint("registration", __name__)

from . import (
    manage_views,  # noqa: F401
    revision,  # noqa: F401  the counter the organisers' list is kept under
    unconfirmed,  # noqa: F401  (its scheduled task)
    views,  # noqa: F401
)
