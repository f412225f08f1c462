from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import (
    models,  # noqa: F401
    views,  # noqa: F401  the organisers' report page, session summaries, the compiled PDF
)
