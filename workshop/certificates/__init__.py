from flask import Blueprint

bp = Blueprint("certificates", __name__)

from . import (
    models,  # noqa: F401
    views,  # noqa: F401  organisers' pages, a participant's download, public verification
)
