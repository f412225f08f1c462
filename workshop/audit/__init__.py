"""The record of who did what: every change by a person or by the system, and every reading of
personal data that leaves the product, is one row of one table, written in the transaction of what
it records."""

from flask import Blueprint

bp = Blueprint("audit", __name__)

from . import models  # noqa: F401
from .recording import Actor, acting_as, record_action, record_attempt  # noqa: F401
