from flask import Blueprint

bp = Blueprint("certificates", __name__)

from . import models  # noqa: E402,F401
from . import views  # noqa: E402,F401  organisers' pages, a participant's download, public verification
