"""Log-ins kept on the server: each log-in on a device is a row named by a random token that its
cookies carry, so a log-out ends it for good (a copied cookie is anonymous afterwards) while the
person's other devices stay logged in. Ending them all raises the account's session version too.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import bindparam

from ..database import write_transaction
from ..extensions import db
from ..timeutil import utcnow
from .models import LoginSession, User


def start(user: User) -> None:
    """A new log-in of ``user``, named on it for the cookies; log-ins older than a remembered one
    may last are forgotten on the way."""
    lasting = current_app.config["REMEMBER_COOKIE_DURATION"]  # a timedelta, or seconds from the environment
    oldest = utcnow() - (lasting if isinstance(lasting, timedelta) else timedelta(seconds=int(lasting)))
    token = secrets.token_hex(16)
    with write_transaction() as session:  # the request has read: on SQLite, wait for the write lock
        session.execute(
            db.delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.created_at < oldest)
        )
        session.add(LoginSession(user_id=user.id, token=token))
    user.login_token = token


@cache
def user_of_log_in():
    """Every page a person opens runs this, so it is built once (building a statement costs more than
    running it); it also asks whether the person is on some event's team, which the menus need, and
    whether they speak at some event, which "My registrations" needs."""
    from ..security import on_a_team, speaks_somewhere  # the conditions read other domains' tables, loaded by now

    return (
        db.select(User, on_a_team(User.id), speaks_somewhere(User.id))
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == bindparam("user_id"), LoginSession.token == bindparam("token"))
        .where(User.disabled_at.is_(None))
    )


def user_of(identity: str) -> User | None:
    """The user whose cookies say ``identity`` ("id:version:token"), while that log-in lasts."""
    parts = identity.split(":")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[2]:
        return None
    user_id, version, token = parts
    row = db.session.execute(user_of_log_in(), {"user_id": int(user_id), "token": token}).first()
    if row is None or str(row[0].session_version) != version:
        return None
    user, user.on_a_team, user.speaks_somewhere = row[0], bool(row[1]), bool(row[2])
    user.login_token = token
    return user


def end(user: User) -> None:
    """This log-in of ``user`` ends; the others go on."""
    user_id, token = user.id, user.login_token
    with write_transaction() as session:
        session.execute(db.delete(LoginSession).where(LoginSession.user_id == user_id, LoginSession.token == token))


def forget_all(user: User) -> None:
    """Every log-in of ``user`` ends with the caller's commit."""
    user.session_version += 1
    db.session.execute(db.delete(LoginSession).where(LoginSession.user_id == user.id))


def end_all(user: User) -> None:
    with write_transaction():
        forget_all(user)
