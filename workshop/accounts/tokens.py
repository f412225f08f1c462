"""Signed, time-limited links for e-mail verification and password reset."""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..errors import DomainError

VERIFY_SALT = "verify-email"
RESET_SALT = "reset-password"


class ExpiredToken(DomainError):
    pass


class InvalidToken(DomainError):
    pass


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def password_fingerprint(password_hash: str) -> str:
    """Changes whenever the password does, so a reset link works once."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def make_token(salt: str, payload: dict) -> str:
    return _serializer(salt).dumps(payload)


def read_token(salt: str, token: str, max_age: int, expired_message: str, invalid_message: str) -> dict:
    try:
        payload = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise ExpiredToken(expired_message) from error
    except BadSignature as error:
        raise InvalidToken(invalid_message) from error
    if not isinstance(payload, dict):
        raise InvalidToken(invalid_message)
    return payload
