from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import models  # noqa: E402,F401
