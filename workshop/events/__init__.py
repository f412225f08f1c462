from flask import Blueprint

bp = Blueprint("events", __name__)

from . import reuse_views, series_views, views  # noqa: F401
