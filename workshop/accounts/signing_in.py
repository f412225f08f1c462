"""Logging a person in and out of this browser, with the log-in kept on the server (``logins``)."""

from flask_login import current_user, login_user, logout_user

from . import logins
from .models import User


def log_in(user: User, remember: bool = False) -> None:
    logins.start(user)
    login_user(user, remember=remember)


def log_out() -> None:
    """This browser's log-in ends on the server too; the person's other devices stay logged in."""
    if current_user.is_authenticated:
        logins.end(current_user._get_current_object())
    logout_user()
