"""E-mail: composed in the recipient's language, written to the outbox with the change that
causes it, sent by the worker, and its delivery shown to the event's organisers."""

from flask import Blueprint

from .outbox import Mail, compose, queue  # noqa: F401

bp = Blueprint("mail", __name__)

from . import models  # noqa: E402,F401
from . import delivery  # noqa: E402,F401  the worker's tasks
from . import views  # noqa: E402,F401  the organisers' list of an event's e-mails
