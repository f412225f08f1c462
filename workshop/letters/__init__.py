from flask import Blueprint

bp = Blueprint("letters", __name__)

from . import models  # noqa: E402,F401
from . import views  # noqa: E402,F401  a participant's request and download; the organisers' list, decisions and letterhead
