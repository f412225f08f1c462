"""The public part of the API: published events, their agenda and speakers, and the resource library.
Anyone may read it, from any web page (CORS), at a rate limited per address."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from ..agenda.models import AgendaSession, SessionSpeaker
from ..agenda.speakers import event_speakers
from ..events.models import PUBLIC_STATUSES, Event, EventKind
from ..extensions import db, limiter
from ..publishing.library import LibraryFilter, library_page
from ..publishing.models import PublicationKind
from . import bp, schemas
from .answers import Page, answer, paged, query_of
from .problems import Problem

PUBLIC_ENDPOINTS: set[str] = set()
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match",
    "Access-Control-Expose-Headers": "ETag, Link",
    "Access-Control-Max-Age": "3600",
}


def public_limit() -> str:
    return current_app.config["API_PUBLIC_RATE_LIMIT"]


def public_route(rule: str):
    """A public GET route: rate-limited per address, open to other sites' pages."""

    def register(view):
        limited = limiter.limit(public_limit, exempt_when=lambda: request.method == "OPTIONS")(view)
        PUBLIC_ENDPOINTS.add(f"{bp.name}.{view.__name__}")
        return bp.get(rule)(limited)

    return register


@bp.after_request
def open_to_other_sites(response):
    """CORS on the public routes only: a token route never answers another site's page."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        response.headers.update(CORS_HEADERS)
    return response


def public_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or event.status not in PUBLIC_STATUSES or event.is_template:
        raise Problem(404, _("There is no published event with this number."))
    return event


@public_route("/events")
def events():
    """Published events, soonest first."""
    query = query_of(schemas.EventsQuery)
    conditions = [Event.status.in_(PUBLIC_STATUSES), Event.is_template.is_(False)]
    if query.get("from_") is not None:
        conditions.append(Event.ends_at >= datetime.combine(query["from_"], time.min, UTC))
    if query.get("to") is not None:
        conditions.append(Event.starts_at < datetime.combine(query["to"] + timedelta(days=1), time.min, UTC))
    if query.get("series") is not None:
        conditions.append(Event.series_id == query["series"])
    if query.get("kind"):
        conditions.append(Event.kind == EventKind(query["kind"]))
    if query.get("language"):
        conditions.append(Event.title.like(f'%"{query["language"]}": %'))
    total = db.session.scalar(db.select(func.count(Event.id)).where(*conditions))
    page = Page([], query["page"], query["per_page"], total)
    page.items = paged(
        db.select(Event).where(*conditions).order_by(Event.starts_at, Event.id), page.page, page.per_page
    )
    return answer(page.body(schemas.EventOut(many=True).dump(page.items)), page=page)


@public_route("/events/<int:event_id>")
def event(event_id):
    query_of(schemas.Strict)
    return answer(schemas.EventOut().dump(public_event(event_id)))


@public_route("/events/<int:event_id>/sessions")
def sessions(event_id):
    """The agenda: every session, with its speakers and room, in order."""
    query_of(schemas.Strict)
    event = public_event(event_id)
    items = db.session.scalars(
        db.select(AgendaSession)
        .where(AgendaSession.event_id == event.id)
        .options(selectinload(AgendaSession.speakers).joinedload(SessionSpeaker.speaker))
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    ).all()
    return answer({"items": schemas.SessionOut(many=True).dump(items)})


@public_route("/events/<int:event_id>/speakers")
def speakers(event_id):
    query_of(schemas.Strict)
    event = public_event(event_id)
    return answer({"items": schemas.SpeakerOut(many=True).dump(event_speakers(event.id))})


@public_route("/resources")
def resources():
    """The resource library: the public publications of published events, newest first."""
    query = query_of(schemas.ResourcesQuery)
    chosen = LibraryFilter(
        query=query.get("q", ""),
        event_id=query.get("event"),
        series_id=query.get("series"),
        kind=PublicationKind(query["kind"]) if query.get("kind") else None,
        language=query.get("language"),
        year=query.get("year"),
    )
    found = library_page(chosen, query["page"], query["per_page"])
    page = Page(found.items, found.page, found.per_page, found.total)
    return answer(page.body(schemas.ResourceOut(many=True).dump(page.items)), page=page)
