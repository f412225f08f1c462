"""What a view looks up first: the acting user, and the event named in the URL with its access
check (404 for an unknown slug; security.py decides between 403 and 404 for the rest)."""

from flask import abort
from flask_login import current_user

from . import security
from .events.models import Event
from .extensions import db


def acting_user():
    """The logged-in user itself, not Flask-Login's proxy, for services to keep."""
    return current_user._get_current_object()


def event_or_404(slug: str) -> Event:
    event = db.session.scalar(db.select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


def visible_event_or_404(slug: str) -> Event:
    event = event_or_404(slug)
    security.require_view_event(current_user, event)
    return event


def managed_event_or_error(slug: str) -> Event:
    event = event_or_404(slug)
    security.require_manage_event(current_user, event)
    return event


def check_in_event_or_error(slug: str) -> Event:
    """The event's organisers and check-in staff (403; 404 for a draft)."""
    event = event_or_404(slug)
    security.require_check_in(current_user, event)
    return event
