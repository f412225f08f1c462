"""Calendars: personal feeds, and the sessions that go into them.

The ``.ics`` files of one event and the programme read the agenda with ``services.agenda_sessions``.

A personal feed is a secret address, one per person, that a calendar application subscribes to:
it carries the sessions of every published event the person is confirmed for or speaks at.
Whoever knows the address reads the feed, so revoking it deletes it (the old address is then not
found) and a new address has a new random token.
"""

import secrets

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from ..accounts.models import User
from ..events.models import PUBLIC_STATUSES, Event
from ..extensions import db
from ..registration.models import Registration
from ..registration.states import State
from .models import AgendaSession, CalendarFeed, SessionSpeaker, Speaker

TOKEN_BYTES = 32  # 43 characters of base64url


# --- the sessions in a calendar ---------------------------------------------------------


def _with_speakers(query):
    """The speakers of every session in two more queries, however many sessions there are."""
    return query.options(selectinload(AgendaSession.speakers).selectinload(SessionSpeaker.speaker))


def feed_event_ids(user: User):
    """The events whose sessions go into ``user``'s feed: confirmed registrations and speaker profiles."""
    confirmed = db.select(Registration.event_id).where(
        Registration.user_id == user.id, Registration.state == State.CONFIRMED
    )
    speaking = db.select(Speaker.event_id).where(Speaker.user_id == user.id)
    return confirmed.union(speaking)


def feed_events(user: User) -> list[Event]:
    """The published events in ``user``'s feed, for the page that explains it."""
    query = (
        db.select(Event)
        .where(Event.id.in_(feed_event_ids(user)), Event.status.in_(PUBLIC_STATUSES))
        .order_by(Event.starts_at, Event.id)
    )
    return list(db.session.scalars(query))


def feed_revisions(user: User) -> list[tuple[int, int]]:
    """(event id, agenda revision) of every published event in ``user``'s feed, in one query."""
    query = db.select(Event.id, Event.agenda_revision).where(
        Event.id.in_(feed_event_ids(user)), Event.status.in_(PUBLIC_STATUSES)
    )
    return [(event_id, revision) for event_id, revision in db.session.execute(query)]


def feed_sessions(user: User) -> list[AgendaSession]:
    """Every session of the published events in ``user``'s feed, with their events and speakers.
    Drafts stay out, even for their organisers: a feed is read without logging in."""
    query = (
        db.select(AgendaSession)
        .join(AgendaSession.event)
        .where(AgendaSession.event_id.in_(feed_event_ids(user)), Event.status.in_(PUBLIC_STATUSES))
        .options(contains_eager(AgendaSession.event))
        .order_by(AgendaSession.starts_at, AgendaSession.ends_at, AgendaSession.id)
    )
    return list(db.session.scalars(_with_speakers(query)))


# --- personal feeds -----------------------------------------------------------------------


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def feed_by_token(token: str) -> CalendarFeed | None:
    """The feed with this token, or None: revoked and replaced tokens are not in the database."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        db.select(CalendarFeed).where(CalendarFeed.token == token).options(selectinload(CalendarFeed.user))
    )


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def create_feed(actor: User) -> CalendarFeed:
    """``actor``'s feed: the one they have, or a new one."""
    existing = feed_of(actor)
    if existing is not None:
        return existing
    return _add_feed(actor)


def revoke_feed(actor: User) -> bool:
    """Delete ``actor``'s feed, so its address is not found any more. False when there was none."""
    deleted = db.session.execute(db.delete(CalendarFeed).where(CalendarFeed.user_id == actor.id)).rowcount
    db.session.commit()
    return bool(deleted)


def renew_feed(actor: User) -> CalendarFeed:
    """A new address for ``actor``'s feed; the old one is not found any more."""
    db.session.execute(db.delete(CalendarFeed).where(CalendarFeed.user_id == actor.id))
    return _add_feed(actor)


def _add_feed(actor: User) -> CalendarFeed:
    feed = CalendarFeed(user_id=actor.id, token=new_token())
    db.session.add(feed)
    try:
        db.session.commit()
    except IntegrityError:  # made at the same moment in another tab: that address counts
        db.session.rollback()
        return feed_of(actor)
    return feed
