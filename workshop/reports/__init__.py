from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import models  # noqa: E402,F401
from . import views  # noqa: E402,F401  the organisers' report page, session summaries, the compiled PDF
