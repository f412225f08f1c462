from flask import Blueprint

bp = Blueprint("feedback", __name__)

from . import models  # noqa: E402,F401
