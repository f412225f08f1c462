"""Writing the record. Who acts is read from the request (the signed-in person and their address)
unless a job or a command says otherwise with ``acting_as``; with neither, it is the system. A request
made with a device's token (a scanner at the check-in desk) names the device in ``g.audit_device``;
one made with a person's API token acts as them, named with the token (``through_api_token``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import inspect

from ..extensions import db
from .models import AuditEntry


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str
    address: str | None = None


SYSTEM = Actor(None, "system")
VISITOR = "visitor"  # not logged in
DEVICE_PREFIX = "device:"
THROUGH_API_TOKEN = re.compile(r"(?P<person>.+) \(API token “(?P<token>.*)”\)")
_acting: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)


def through_api_token(person: str, token_name: str) -> str:
    """The label of a person acting with one of their API tokens: the log says which program it was."""
    return f"{person} (API token “{token_name}”)"


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    token = _acting.set(actor)
    try:
        yield
    finally:
        _acting.reset(token)


ERASING = "audit_erasing"


@contextmanager
def erasing_values() -> Iterator[None]:
    """While personal data is erased, the log records what changed but not the values: it must not
    keep what the erasure removes."""
    info = db.session.info
    already = info.get(ERASING, False)
    info[ERASING] = True
    try:
        yield
    finally:
        info[ERASING] = already


def current_actor() -> Actor:
    chosen = _acting.get()
    if chosen is not None:
        return chosen
    if not has_request_context():
        return SYSTEM
    address = request.remote_addr
    device = g.get("audit_device")  # a request authenticated by a device's token, not a log-in
    if device:
        return Actor(None, f"{DEVICE_PREFIX}{device}"[:200], address)
    user = current_user._get_current_object() if current_user else None
    if user is not None and getattr(user, "is_authenticated", False):
        return Actor(user.id, user.email, address)
    return Actor(None, VISITOR, address)


def record_action(
    action: str,
    *,
    event_id: int | None = None,
    target: object | None = None,
    object_type: str | None = None,
    summary: str = "",
    changes: dict | None = None,
) -> AuditEntry:
    """Adds the entry to the session of the caller, who commits it with what it records."""
    actor = current_actor()
    entry = AuditEntry(
        actor_id=actor.user_id,
        actor_label=actor.label[:200],
        address=actor.address,
        event_id=event_id,
        action=action[:60],
        object_type=object_type or (type(target).__name__ if target is not None else None),
        object_id=getattr(target, "id", None) if target is not None else None,
        registration_id=registration_id_of(target) if target is not None else None,
        summary=summary[:300],
        changes=changes,
    )
    db.session.add(entry)
    return entry


def record_download(what: str, *, event_id: int | None, target: object | None = None, summary: str = "") -> None:
    """Personal data leaving the product: who took ``what`` (a kind of document), committed at once,
    as the download itself changes nothing."""
    record_action("downloaded", event_id=event_id, target=target, object_type=what, summary=summary)
    db.session.commit()


def record_check_in_staff(event_id: int, user_id: int, *, added: bool) -> None:
    """Check-in staff are rows of a plain table, which the automatic record does not see."""
    from ..accounts.models import User

    user = db.session.get(User, user_id)
    record_action(
        "created" if added else "deleted",
        event_id=event_id,
        object_type="CheckInStaff",
        summary=user.full_name if user is not None else "",
        changes={"user_id": [None, user_id] if added else [user_id, None]},
    )


def record_attempt(action: str, **fields) -> None:
    """For what was refused: rolls back whatever the attempt left in the session and commits only
    the record of the attempt."""
    db.session.rollback()
    record_action(action, **fields)
    db.session.commit()


def registration_id_of(obj) -> int | None:
    """The registration ``obj`` is, or belongs to (an answer, a mark, a certificate, a letter)."""
    if not hasattr(obj, "_sa_instance_state"):
        return None
    state = inspect(obj)
    if type(obj).__name__ == "Registration":
        identity = state.identity
        value = identity[0] if identity else state.dict.get("id")
    else:
        value = state.dict.get("registration_id")
    return value if isinstance(value, int) else None
