from flask import Blueprint

bp = Blueprint("publishing", __name__)

from . import (  # noqa: E402
    models,  # noqa: F401
    views,  # noqa: F401
)
