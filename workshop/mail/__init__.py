"""E-mail: composed in the recipient's language, written to the outbox with the change that
causes it, sent by the worker, and its delivery shown to the event's organisers."""

from flask import Blueprint

from .outbox import Mail, compose, compose_around, queue, queue_to_participant  # noqa: F401

bp = Blueprint("mail", __name__)

from . import (
    delivery,  # noqa: F401  the worker's tasks
    models,  # noqa: F401
    views,  # noqa: F401  the organisers' list of an event's e-mails
)
