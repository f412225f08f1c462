from flask import Blueprint

bp = Blueprint("registration", __name__)

from . import views  # noqa: E402,F401
from . import manage_views  # noqa: E402,F401
