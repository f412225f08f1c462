from flask import Blueprint

bp = Blueprint("agenda", __name__)

from . import (
    calendar_views,  # noqa: F401  .ics files, personal feeds, the printable programme
    models,  # noqa: F401
    revision,  # noqa: F401  the counter that calendar files and the programme are validated against
    speaker_views,  # noqa: F401  speakers, their invitations and profiles
    views,  # noqa: F401  sessions and the public agenda
)
