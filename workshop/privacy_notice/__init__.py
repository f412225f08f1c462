"""An event's privacy notice: who is responsible for the participants' data, why it is kept, who
receives it, how long it is kept and how to get or delete it. Organisers write it in every
language; each change is a new version, and a registration keeps the version it agreed to."""

from flask import Blueprint

bp = Blueprint("privacy_notice", __name__)

from . import (
    models,  # noqa: F401
    views,  # noqa: F401
)
