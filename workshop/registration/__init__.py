from flask import Blueprint

bp = Blueprint("registration", __name__)

from . import (
    manage_views,  # noqa: F401
    views,  # noqa: F401
)
