from flask import Blueprint

bp = Blueprint("letters", __name__)

from . import models  # noqa: E402,F401
