"""The record of who did what: every change by a person or by the system, and every reading of
personal data that leaves the product, is one row of one table, written in the transaction of what
it records."""

from flask import Blueprint

bp = Blueprint("audit", __name__)

from . import models  # noqa: F401
from .guard import LogIsReadOnly, init_guard  # noqa: F401
from .recording import (  # noqa: F401
    Actor,
    acting_as,
    erasing_values,
    record_action,
    record_attempt,
    record_download,
    through_api_token,
)
from .tracking import init_tracking

init_tracking()
init_guard()

from . import retention, views  # noqa: F401
from .retention import forget_person, forget_registrations  # noqa: F401
