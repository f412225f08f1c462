from flask import Blueprint

bp = Blueprint("materials", __name__)

from . import models  # noqa: E402,F401
from . import views  # noqa: E402,F401
