from flask import Blueprint

bp = Blueprint("jobs", __name__)

from . import models  # noqa: E402,F401
from . import views  # noqa: E402,F401  the progress of an event's job
