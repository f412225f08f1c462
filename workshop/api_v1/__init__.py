"""The documented JSON API, version 1, under /api/v1: public reading of published events, their
agenda, speakers and resources; organisers' registrations, attendance, certificates and exports
with personal API tokens. ``pages`` holds what people read: the API's documentation and the page
where organisers keep their tokens."""

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
pages = Blueprint("api_pages", __name__)
csrf.exempt(bp)  # authenticated by a bearer token, never by a cookie: nothing for a forged form to borrow

from . import docs, models, organiser, public, views  # noqa: F401
from .problems import register_handlers

register_handlers(bp)
