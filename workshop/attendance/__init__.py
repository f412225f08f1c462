from flask import Blueprint

bp = Blueprint("attendance", __name__)

from . import models  # noqa: E402,F401
from . import views  # noqa: E402,F401  badges, the check-in desk, check-in staff
from . import roster_views  # noqa: E402,F401  rosters and self check-in
from . import api  # noqa: E402,F401  the scanner API
from . import report_views  # noqa: E402,F401  statistics and certificate eligibility
