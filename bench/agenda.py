"""A big programme: an event with 300 sessions (five days, three parallel tracks) and 150 speakers,
two to a session with Chinese and European names, next to one a tenth of its size. The agenda
page, the speakers page and the event's .ics are counted in SQL statements at both sizes (they
must not grow) and loaded under gunicorn at the large size."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from workshop.agenda.models import AgendaSession, SessionKind, SessionSpeaker, Speaker, SpeakerRole
from workshop.events.models import Event, EventKind, EventStatus
from workshop.extensions import db

from .seed import NAMES

SMALL_SESSIONS, LARGE_SESSIONS = 30, 300
TRACKS = ("Labour migration", "Forced labour", "Social protection")
ROLES = (SpeakerRole.SPEAKER, SpeakerRole.CHAIR, SpeakerRole.DISCUSSANT, SpeakerRole.MODERATOR)
COLUMNS = (
    f"{'page':<22}{'rps':>8}{'p50 ms':>9}{'p99 ms':>9}{'failed':>8}  {'queries(30 s.)':<16}{'queries(300 s.)':<15}"
)


@dataclass(frozen=True)
class AgendaPage:
    label: str
    small_path: str
    large_path: str


def seed_programmes() -> list[AgendaPage]:
    """Adds both events inside the current app context and returns the pages to measure."""
    small = seed_programme(SMALL_SESSIONS, "bench-programme-small")
    large = seed_programme(LARGE_SESSIONS, "bench-programme-large")
    return [
        AgendaPage("agenda", f"/events/{small}/agenda", f"/events/{large}/agenda"),
        AgendaPage("speakers", f"/events/{small}/speakers", f"/events/{large}/speakers"),
        AgendaPage("agenda.ics", f"/events/{small}/agenda.ics", f"/events/{large}/agenda.ics"),
    ]


def seed_programme(session_count: int, slug: str) -> str:
    first_day = datetime.combine(datetime.now(UTC).date() + timedelta(days=40), time(1, 0), tzinfo=UTC)
    days = 5
    event = Event(
        slug=slug,
        kind=EventKind.CONFERENCE,
        status=EventStatus.PUBLISHED,
        title=f"Programme of {session_count} sessions",
        summary="The agenda benchmark's event.",
        venue="China National Convention Center",
        city="Beijing",
        country="CN",
        timezone="Asia/Shanghai",
        starts_at=first_day,
        ends_at=first_day + timedelta(days=days - 1, hours=10),
    )
    speakers = [speaker(event, i) for i in range(session_count // 2)]
    per_day = session_count // days
    for i in range(session_count):
        day, slot = divmod(i, per_day)
        starts = first_day + timedelta(days=day, minutes=(slot // len(TRACKS)) * 10)
        session = AgendaSession(
            event=event,
            title=f"Session {i + 1}: {TRACKS[i % len(TRACKS)].lower()} in practice",
            kind=SessionKind.PANEL,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=45),
            room=f"Room {i % len(TRACKS) + 1}",
            track=TRACKS[i % len(TRACKS)],
            description="Short presentations, then questions from the floor.",
        )
        session.speakers = [
            SessionSpeaker(speaker=speakers[(i + n) % len(speakers)], role=ROLES[(i + n) % len(ROLES)], position=n)
            for n in range(2)
        ]
        db.session.add(session)
    db.session.add(event)
    db.session.commit()
    return slug


def speaker(event: Event, i: int) -> Speaker:
    full_name, native_name = NAMES[i % len(NAMES)]
    return Speaker(
        event=event,
        full_name=f"{full_name} {i + 1}",
        native_name=native_name,
        title="Senior Specialist",
        affiliation="International Labour Organization (ILO)",
        biography="Works on labour migration and social dialogue.",
    )
