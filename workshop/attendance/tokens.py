"""Keys for scanner devices: an organiser creates a named token for one event, sees it once, and
revokes it when the device is lost or the event is over. Only the token's SHA-256 is kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload

from .. import security
from ..database import lock_for_update
from ..errors import DomainError, Forbidden, NotFound
from ..events.models import Event
from ..extensions import db
from ..timeutil import utcnow
from .models import ApiToken

NAME_MAX = 100
TOKEN_PREFIX = "wmc_"  # recognisable in a configuration file or a leaked log
LAST_USED_PRECISION = timedelta(minutes=1)  # "last used" is written at most once a minute per token


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def require_manage(actor, event: Event) -> None:
    if not security.can_manage_event(actor, event):
        raise Forbidden(_l("Only the event's organisers can manage scanner tokens."))


def create_token(actor, event: Event, name: str) -> tuple[ApiToken, str]:
    """A new token for ``event``; answers the row and the token itself, which is not kept anywhere."""
    require_manage(actor, event)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_l("Give the token a name, e.g. the device that will use it."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_l("The name is longer than %(max)d characters.", max=NAME_MAX), field="name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(event_id=event.id, name=name, token_hash=token_hash(raw), created_by_id=actor.id)
    db.session.add(token)
    db.session.commit()
    return token, raw


def revoke_token(actor, event: Event, token_id: int) -> ApiToken:
    """The token stops working at once; it stays in the list, marked revoked."""
    require_manage(actor, event)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.event_id != event.id:
        raise NotFound(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token


def event_tokens(event: Event) -> list[ApiToken]:
    return db.session.scalars(
        db.select(ApiToken)
        .where(ApiToken.event_id == event.id)
        .options(joinedload(ApiToken.created_by))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


TOKEN_BY_HASH = (
    db.select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash")).options(joinedload(ApiToken.event))
)  # built once: every scan runs it


def active_token(raw: str | None) -> ApiToken | None:
    """The unrevoked token with this value, with its event loaded (one query); None otherwise.

    Notes when it was last used, at most once a minute, so a busy scanner does not write on every scan.
    """
    if not raw or len(raw) > 200:
        return None
    token = db.session.scalar(TOKEN_BY_HASH, {"token_hash": token_hash(raw)})
    if token is None or token.revoked_at is not None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        # Take the write lock before writing, as every other write does: on SQLite a transaction
        # that has only read cannot start writing once another worker has written ("database is locked").
        token = lock_for_update(ApiToken, token.id)
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            token.last_used_at = now
        db.session.commit()
    return token
