from flask import Blueprint

bp = Blueprint("publishing", __name__)

from . import (
    models,  # noqa: F401
    views,  # noqa: F401
)
