from flask import Blueprint

bp = Blueprint("letters", __name__)

from . import (
    models,  # noqa: F401
    views,  # noqa: F401  a participant's request and download; the organisers' list, decisions and letterhead
)
