"""Platform administration: the dashboard of the whole platform and the accounts of its users."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import views  # noqa: F401
