from flask import Blueprint

bp = Blueprint("feedback", __name__)

from . import models  # noqa: E402,F401
from . import views  # noqa: E402,F401
from . import manage_views  # noqa: E402,F401
