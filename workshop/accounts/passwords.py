"""What makes a password acceptable."""

from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 128


@cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


def password_problem(password: str) -> str | None:
    """Why ``password`` is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(count)d characters.", count=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(count)d characters.", count=MAX_LENGTH))
    if password.lower() in common_passwords() or len(set(password)) < 4:
        return str(_l("This password is too common; choose one that is harder to guess."))
    return None


def hash_password(password: str) -> str:
    """Werkzeug's hash; the method is configurable so that tests need not pay for scrypt."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
