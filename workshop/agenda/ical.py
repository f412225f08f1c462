"""iCalendar files of the agenda: a whole event, one session, and a person's feed.

Every session is a VEVENT with a UID that never changes (``session-<id>@workshops``), so a calendar
application updates the entry it has rather than adding another; its SEQUENCE grows with every change
the organisers make; times carry the event's time zone, described by a VTIMEZONE in the file.
Names are given as their owners write them: "Wang Fang 王芳 (Chair)".
"""

from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

from flask_babel import gettext as _
from icalendar import Timezone

from ..accounts.models import User
from ..events.models import Event
from ..timeutil import utc_to_local
from ..translated import joined
from ..urls import external_url
from . import content_lines as ics
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


def speaker_labeller() -> Callable[[SessionSpeaker], str]:
    """Names with their roles, "Wang Fang 王芳 (Chair)", in the current language; the words are
    translated once for a whole document rather than once a name."""
    pattern = _("%(name)s (%(role)s)")
    roles = {role: str(label) for role, label in ROLE_LABELS.items()}
    return lambda link: pattern % {"name": speaker_name(link.speaker), "role": roles[link.role]}


def speaker_with_role(link: SessionSpeaker) -> str:
    return speaker_labeller()(link)


def location_of(session: AgendaSession, event: Event) -> str:
    """Room, address and city of the session; a room alone is completed with the event's venue and city."""
    if session.address or session.city:
        return session.place
    return joined((session.room, event.venue, event.city))


class Writer:
    """Writes the VEVENTs of one calendar in the current language."""

    def __init__(self) -> None:
        self.label_speaker = speaker_labeller()
        self.kinds = {kind: ics.text(str(label)) for kind, label in SESSION_KIND_LABELS.items()}
        self.cancelled = _("This session is cancelled.")

    def description(self, session: AgendaSession, url: str) -> str:
        parts = []
        if session.cancelled:
            parts.append(self.cancelled)
        if session.speakers:
            parts.append("\n".join(self.label_speaker(link) for link in session.speakers))
        if description := str(session.description).strip():
            parts.append(description)
        if session.directions.strip():
            parts.append(_("How to get there: %(directions)s", directions=session.directions.strip()))
        parts.append(url)
        return "\n\n".join(parts)

    def vevent(self, session: AgendaSession, event: Event) -> bytes:
        url = external_url("agenda.session", slug=event.slug, session_id=session.id)
        if event.timezone == "UTC":
            starts, ends = ("DTSTART", ics.utc(session.starts_at)), ("DTEND", ics.utc(session.ends_at))
        else:
            zone = f";TZID={event.timezone}"
            starts = ("DTSTART" + zone, ics.local(utc_to_local(session.starts_at, event.timezone)))
            ends = ("DTEND" + zone, ics.local(utc_to_local(session.ends_at, event.timezone)))
        location = location_of(session, event)
        lines = [
            b"BEGIN:VEVENT\r\n",
            ics.line("UID", session_uid(session)),
            ics.line("SEQUENCE", str(session.sequence or 0)),
            ics.line("DTSTAMP", ics.utc(session.updated_at)),  # when this version was written (RFC 5545: no METHOD)
            ics.line("LAST-MODIFIED", ics.utc(session.updated_at)),
            ics.line("CREATED", ics.utc(session.created_at)),
            ics.line(*starts),
            ics.line(*ends),
            ics.line("SUMMARY", ics.text(session.title)),
            ics.line("CATEGORIES", self.kinds[session.kind]),
            ics.line("LOCATION", ics.text(location)) if location else b"",
            ics.line("DESCRIPTION", ics.text(self.description(session, url))),
            ics.line("URL", url),
            ics.line("STATUS", "CANCELLED" if session.cancelled else "CONFIRMED"),
            ics.line("TRANSP", "OPAQUE"),
            b"END:VEVENT\r\n",
        ]
        return b"".join(lines)


@lru_cache(maxsize=128)
def _timezone_ical(zone: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of ``zone`` for those years; building one takes a while, so it is kept."""
    return Timezone.from_tzid(zone, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)).to_ical()


def timezones(sessions: list[AgendaSession], zones: set[str]) -> list[bytes]:
    """A VTIMEZONE for every zone the sessions' times are given in, covering the years they span."""
    if not sessions:
        return []
    first_year = min(s.starts_at for s in sessions).year - 1
    last_year = max(s.ends_at for s in sessions).year + 1
    # UTC times are written with Z and need no VTIMEZONE
    return [_timezone_ical(zone, first_year, last_year) for zone in sorted(zones) if zone != "UTC"]


def calendar(name: str, properties: list[tuple[str, str]], sessions, events: dict[int, Event]) -> bytes:
    """The VCALENDAR named ``name`` with ``properties``, the time zones and a VEVENT per session."""
    writer = Writer()
    head = [
        b"BEGIN:VCALENDAR\r\n",
        ics.line("VERSION", "2.0"),
        ics.line("PRODID", PRODID),
        ics.line("CALSCALE", "GREGORIAN"),
        ics.line("NAME", ics.text(name)),
        ics.line("X-WR-CALNAME", ics.text(name)),
        *(ics.line(key, value) for key, value in properties),
    ]
    zones = timezones(sessions, {event.timezone for event in events.values()})
    vevents = [writer.vevent(session, events[session.event_id]) for session in sessions]
    return b"".join([*head, *zones, *vevents, b"END:VCALENDAR\r\n"])


def agenda_calendar(event: Event, sessions: list[AgendaSession]) -> bytes:
    """The whole agenda of ``event``."""
    properties = [("X-WR-TIMEZONE", event.timezone)]
    if event.summary:
        properties.append(("X-WR-CALDESC", ics.text(event.summary)))
    return calendar(event.title, properties, sessions, {event.id: event})


def session_calendar(event: Event, session: AgendaSession) -> bytes:
    return calendar(
        f"{session.title} – {event.title}", [("X-WR-TIMEZONE", event.timezone)], [session], {event.id: event}
    )


def personal_calendar(user: User, sessions: list[AgendaSession]) -> bytes:
    """The feed of ``user``: the sessions of every event they take part in, refreshed every hour."""
    properties = [
        ("X-WR-CALDESC", ics.text(_("The programme of the events you are confirmed for or speak at."))),
        ("REFRESH-INTERVAL;VALUE=DURATION", ics.duration(FEED_REFRESH)),
        ("X-PUBLISHED-TTL", ics.duration(FEED_REFRESH)),
    ]
    events = {session.event_id: session.event for session in sessions}
    return calendar(_("My workshops and training"), properties, sessions, events)
