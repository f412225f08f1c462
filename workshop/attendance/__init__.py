from flask import Blueprint

bp = Blueprint("attendance", __name__)

from . import (
    api,  # noqa: F401  the scanner API
    models,  # noqa: F401
    report_views,  # noqa: F401  statistics and certificate eligibility
    roster_views,  # noqa: F401  rosters and self check-in
    views,  # noqa: F401  badges, the check-in desk, check-in staff
)
