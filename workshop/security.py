"""Who may do what: every access rule of the product lives here.

Views call ``require_*`` (which aborts with 403/404); templates and services ask the
``can_*`` predicates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import abort

if TYPE_CHECKING:
    from .events.models import Event

Actor = Any  # a User, Flask-Login's anonymous user, or None


def is_admin(user: Actor) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_admin)


def can_create_events(user: Actor) -> bool:
    return is_admin(user) or bool(user is not None and getattr(user, "is_authenticated", False) and user.can_create_events)


def can_manage_event(user: Actor, event: Event) -> bool:
    if is_admin(user):
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return any(organiser.id == user.id for organiser in event.organisers)


def can_see_personal_data(user: Actor, event: Event) -> bool:
    """Sex, dietary and accessibility needs, visa letters and sensitive answers: the event's organisers and admins only."""
    return can_manage_event(user, event)


def can_name_organisers(user: Actor, event: Event) -> bool:
    return is_admin(user)


def can_view_event(user: Actor, event: Event) -> bool:
    return event.is_public or can_manage_event(user, event)


def require_view_event(user: Actor, event: Event) -> None:
    """A draft is not found for anyone who may not manage it: its existence is not revealed."""
    if not can_view_event(user, event):
        abort(404)


def require_manage_event(user: Actor, event: Event) -> None:
    if not can_manage_event(user, event):
        abort(404 if not event.is_public else 403)


def require_create_events(user: Actor) -> None:
    if not can_create_events(user):
        abort(403)


def require_admin(user: Actor) -> None:
    if not is_admin(user):
        abort(403)
