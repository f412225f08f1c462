"""An event's team: its organisers, check-in staff and rapporteurs, named by e-mail address;
people without an account are invited and take their role when they accept."""

from flask import Blueprint

bp = Blueprint("team", __name__)

from . import models, views  # noqa: F401
