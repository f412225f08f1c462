"""What a view looks up first: the acting user, and the event named in the URL with its access
check (404 for an unknown slug; security.py decides between 403 and 404 for the rest)."""

from __future__ import annotations

from functools import cache, wraps
from typing import TYPE_CHECKING

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import bindparam

from . import security
from .extensions import db

if TYPE_CHECKING:
    from .events.models import Event


def acting_user():
    """The logged-in user itself, not Flask-Login's proxy, for services to keep."""
    return current_user._get_current_object()


@cache
def _event_by_slug():
    """Built once (building a statement costs more than running it), at the first page: the events
    package's views import this module, so its models cannot be imported above."""
    from .events.models import Event

    return db.select(Event).where(Event.slug == bindparam("slug"))


@cache
def _event_by_slug_for_person():
    """The event and whether the person asking organises it or checks people in at it, which most
    of its pages ask."""
    from sqlalchemy import exists

    from .attendance.models import check_in_staff
    from .events.models import Event, event_organiser

    person = bindparam("user_id")
    organises = exists().where(event_organiser.c.event_id == Event.id, event_organiser.c.user_id == person)
    checks_in = exists().where(check_in_staff.c.event_id == Event.id, check_in_staff.c.user_id == person)
    return db.select(Event, organises, checks_in).where(Event.slug == bindparam("slug"))


def event_or_404(slug: str) -> Event:
    user = current_user._get_current_object()
    if not security.is_signed_in(user):
        event = db.session.scalar(_event_by_slug(), {"slug": slug})
    else:
        row = db.session.execute(_event_by_slug_for_person(), {"slug": slug, "user_id": user.id}).first()
        event = row[0] if row else None
        if event is not None:
            event.organiser_known = (user.id, bool(row[1]))
            event.check_in_staff_known = (user.id, bool(row[2]))
    if event is None:
        abort(404)
    return event


def of_event_or_404(model, row_id: int, event: Event):
    """The ``model`` row with ``row_id`` when it belongs to ``event``; 404 otherwise, so that the ids
    of other events' rows lead nowhere."""
    row = db.session.get(model, row_id)
    if row is None or row.event_id != event.id:
        abort(404)
    return row


def event_for(may, signed_in: bool = True):
    """A page of the event named by the URL's ``slug``, for those ``may(user, event)`` allows:
    404 for an unknown slug, else ``security.require_event`` answers; the view is given the
    event instead of the slug. Unless ``signed_in`` is False, a visitor who is not logged in is
    first sent to the login page, as ``login_required`` does."""

    def decorate(view):
        @wraps(view)
        def with_event(slug, **url_values):
            event = event_or_404(slug)
            security.require_event(current_user, event, may)
            return view(event, **url_values)

        return login_required(with_event) if signed_in else with_event

    return decorate


visible_event = event_for(security.can_view_event, signed_in=False)
signed_in_event = event_for(security.can_view_event)
managed_event = event_for(security.can_manage_event)
check_in_event = event_for(security.can_check_in)
