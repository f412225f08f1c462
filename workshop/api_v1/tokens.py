"""Personal API tokens: made by an organiser for events they organise, shown once, kept as their
SHA-256, listed with their last use, revoked."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from .. import security
from ..accounts.models import User
from ..database import lock_for_update
from ..errors import DomainError, Forbidden, NotFound
from ..events.lifecycle import managed_events
from ..events.models import Event
from ..extensions import db
from ..timeutil import utcnow
from .models import PersonalToken

NAME_MAX = 100
TOKEN_PREFIX = "wmp_"  # recognisable in a configuration file or a leaked log
RAW_MAX = 200
LAST_USED_PRECISION = timedelta(minutes=1)  # "last used" is written at most once a minute per token


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def events_to_choose(actor: User) -> list[Event]:
    """The events a token of ``actor`` may name: those they organise, not archived."""
    return managed_events(actor)


def require_holder(actor: User) -> None:
    if not security.can_hold_api_tokens(actor):
        raise Forbidden(_l("API tokens are for the organisers of events."))


def create_token(
    actor: User, name: str, event_ids: list[int], can_write: bool, expires_on: date | None = None
) -> tuple[PersonalToken, str]:
    """A new token; answers the row and the token itself, which is kept nowhere."""
    require_holder(actor)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_l("Give the token a name, e.g. the program that will use it."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_l("The name is longer than %(max)d characters.", max=NAME_MAX), field="name")
    chosen = {event.id: event for event in events_to_choose(actor)}
    if not event_ids:
        raise DomainError(_l("Choose at least one event."), field="events")
    if any(event_id not in chosen for event_id in event_ids):
        raise DomainError(_l("Choose among the events you organise."), field="events")
    expires_at = None
    if expires_on is not None:
        if expires_on <= utcnow().date():
            raise DomainError(_l("The expiry date must be after today."), field="expires_on")
        expires_at = datetime.combine(expires_on, time(0, 0), tzinfo=UTC)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalToken(
        user_id=actor.id,
        name=name,
        token_hash=token_hash(raw),
        can_write=bool(can_write),
        expires_at=expires_at,
        events=[chosen[event_id] for event_id in dict.fromkeys(event_ids)],
    )
    db.session.add(token)
    db.session.commit()
    return token, raw


def revoke_token(actor: User, token_id: int) -> PersonalToken:
    """The token stops working at once; it stays in the list, marked revoked."""
    token = db.session.get(PersonalToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token


def tokens_of(user: User) -> list[PersonalToken]:
    return list(
        db.session.scalars(
            db.select(PersonalToken)
            .where(PersonalToken.user_id == user.id)
            .options(selectinload(PersonalToken.events))
            .order_by(PersonalToken.created_at.desc(), PersonalToken.id.desc())
        )
    )


def token_named(raw: str | None) -> PersonalToken | None:
    """The token with this value, whatever its state (the caller tells revoked from unknown)."""
    if not raw or len(raw) > RAW_MAX:
        return None
    return db.session.scalar(
        db.select(PersonalToken)
        .where(PersonalToken.token_hash == token_hash(raw))
        .options(selectinload(PersonalToken.events), selectinload(PersonalToken.user))
    )


def note_use(token: PersonalToken) -> None:
    """When it was last used, written at most once a minute, so a busy client does not write on every call."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    locked = lock_for_update(PersonalToken, token.id)
    locked.last_used_at = now
    db.session.commit()
