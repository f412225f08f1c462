"""iCalendar files of the agenda: a whole event, one session, and a person's feed.

Every session is a VEVENT with a UID that never changes (``session-<id>@workshops``), so a calendar
application updates the entry it has rather than adding another; its SEQUENCE grows with every change
the organisers make; times carry the event's time zone, described by a VTIMEZONE in the file.
Names are given as their owners write them: "Wang Fang 王芳 (Chair)".
"""

from datetime import date, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar, Timezone
from icalendar import Event as VEvent

from ..accounts.models import User
from ..events.models import Event
from ..urls import external_url
from .forms import SESSION_KIND_LABELS
from .models import AgendaSession, SessionSpeaker, Speaker
from .speakers import ROLE_LABELS

UID_DOMAIN = "workshops"  # the same on every host, so a UID survives a move to another address
PRODID = "-//Workshop Manager//Agenda//EN"
FEED_REFRESH = timedelta(hours=1)  # how often a subscribed calendar application should look again


def session_uid(session: AgendaSession) -> str:
    return f"session-{session.id}@{UID_DOMAIN}"


def speaker_name(speaker: Speaker) -> str:
    """The name in Latin letters followed by the name in the speaker's own script: "Wang Fang 王芳"."""
    native = (speaker.native_name or "").strip()
    if native and native != speaker.full_name:
        return f"{speaker.full_name} {native}"
    return speaker.full_name


def speaker_with_role(link: SessionSpeaker) -> str:
    return _("%(name)s (%(role)s)", name=speaker_name(link.speaker), role=ROLE_LABELS[link.role])


def location_of(session: AgendaSession, event: Event) -> str:
    """Room, address and city of the session; a room alone is completed with the event's venue and city."""
    if session.address or session.city:
        return session.place
    return ", ".join(part for part in (session.room, event.venue, event.city) if part)


def description_of(session: AgendaSession, url: str) -> str:
    parts = []
    if session.cancelled:
        parts.append(_("This session is cancelled."))
    if session.speakers:
        parts.append("\n".join(speaker_with_role(link) for link in session.speakers))
    if session.description.strip():
        parts.append(session.description.strip())
    if session.directions.strip():
        parts.append(_("How to get there: %(directions)s", directions=session.directions.strip()))
    parts.append(url)
    return "\n\n".join(parts)


def session_component(session: AgendaSession, event: Event) -> VEvent:
    zone = ZoneInfo(event.timezone)
    url = external_url("agenda.session", slug=event.slug, session_id=session.id)
    component = VEvent()
    component.add("uid", session_uid(session))
    component.add("sequence", session.sequence or 0)
    component.add("dtstamp", session.updated_at)  # when this version was written (RFC 5545: no METHOD)
    component.add("last-modified", session.updated_at)
    component.add("created", session.created_at)
    component.add("dtstart", session.starts_at.astimezone(zone))
    component.add("dtend", session.ends_at.astimezone(zone))
    component.add("summary", session.title)
    component.add("categories", [str(SESSION_KIND_LABELS[session.kind])])
    location = location_of(session, event)
    if location:
        component.add("location", location)
    component.add("description", description_of(session, url))
    component.add("url", url)
    component.add("status", "CANCELLED" if session.cancelled else "CONFIRMED")
    component.add("transp", "OPAQUE")
    return component


@lru_cache(maxsize=128)
def _timezone_ical(zone: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of ``zone`` for those years; building one takes a while, so it is kept."""
    return Timezone.from_tzid(zone, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)).to_ical()


def add_timezones(calendar: Calendar, sessions: list[AgendaSession], zones: set[str]) -> None:
    """A VTIMEZONE for every zone the sessions' times are given in, covering the years they span."""
    if not sessions:
        return
    first_year = min(s.starts_at for s in sessions).year - 1
    last_year = max(s.ends_at for s in sessions).year + 1
    for zone in sorted(zones):
        if zone != "UTC":  # UTC times are written with Z and need no VTIMEZONE
            calendar.add_component(Timezone.from_ical(_timezone_ical(zone, first_year, last_year)))


def new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.calendar_name = name
    return calendar


def finish(calendar: Calendar, sessions: list[AgendaSession], events: dict[int, Event]) -> bytes:
    add_timezones(calendar, sessions, {event.timezone for event in events.values()})
    for session in sessions:
        calendar.add_component(session_component(session, events[session.event_id]))
    return calendar.to_ical()


def agenda_calendar(event: Event, sessions: list[AgendaSession]) -> bytes:
    """The whole agenda of ``event``."""
    calendar = new_calendar(event.title)
    calendar.add("x-wr-timezone", event.timezone)
    if event.summary:
        calendar.add("x-wr-caldesc", event.summary)
    return finish(calendar, sessions, {event.id: event})


def session_calendar(event: Event, session: AgendaSession) -> bytes:
    calendar = new_calendar(f"{session.title} – {event.title}")
    calendar.add("x-wr-timezone", event.timezone)
    return finish(calendar, [session], {event.id: event})


def personal_calendar(user: User, sessions: list[AgendaSession]) -> bytes:
    """The feed of ``user``: the sessions of every event they take part in, refreshed every hour."""
    calendar = new_calendar(_("My workshops and training"))
    calendar.add("x-wr-caldesc", _("The programme of the events you are confirmed for or speak at."))
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", FEED_REFRESH)
    events = {session.event_id: session.event for session in sessions}
    return finish(calendar, sessions, events)
