from flask import Blueprint

bp = Blueprint("agenda", __name__)

from . import models  # noqa: E402,F401
from . import views  # noqa: E402,F401  sessions and the public agenda
from . import speaker_views  # noqa: E402,F401  speakers, their invitations and profiles
from . import calendar_views  # noqa: E402,F401  .ics files, personal feeds, the printable programme
