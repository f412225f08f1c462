"""The programmes of the demo events: sessions and speakers with their roles, so that the agenda and
the speakers' pages look as they will in real use.

They are read from ``programme.toml``, where each session stands as an organiser would type it; the
agenda service checks and adds it.
"""

import tomllib
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path

from ..accounts.models import User
from ..agenda.models import SessionSpeaker, Speaker, SpeakerRole
from ..agenda.services import SessionData, new_session
from ..agenda.speakers import SpeakerData, clean
from ..events.models import Event
from ..extensions import db
from ..timeutil import utc_to_local
from .events import wall_clock
from .people import PEOPLE

PROGRAMME_FILE = Path(__file__).with_name("programme.toml")
NOT_SESSION_DATA = ("day", "starts", "ends", "speakers")
PERSON_BY_EMAIL = {person.email: person for person in PEOPLE}


def demo_programme() -> dict:
    """``speaker``: the profiles by key; ``session``: each event's sessions, by the event's key."""
    with PROGRAMME_FILE.open("rb") as file:
        return tomllib.load(file)


def session_data(item: dict, first_day: date) -> SessionData:
    day = first_day + timedelta(days=item["day"])
    fields = {name: value for name, value in item.items() if name not in NOT_SESSION_DATA}
    return SessionData(starts_at=wall_clock(day, item["starts"]), ends_at=wall_clock(day, item["ends"]), **fields)


def add_programme(event: Event, sessions: list[dict], profiles: dict[str, dict], accounts: dict[str, User]) -> None:
    """The ``sessions`` of the event, with the speakers of ``profiles`` they name."""
    first_day = utc_to_local(event.starts_at, event.timezone).date()
    speakers: dict[str, Speaker] = {}
    for item in sessions:
        session = new_session(event, session_data(item, first_day))
        for position, (key, role) in enumerate(item.get("speakers", [])):
            if key not in speakers:
                speakers[key] = speaker_profile(event, profiles[key], accounts[profiles[key]["email"]])
            session.speakers.append(SessionSpeaker(speaker=speakers[key], role=SpeakerRole(role), position=position))


def speaker_profile(event: Event, speaker: dict, user: User) -> Speaker:
    """The speaker's profile at the event, under the name of their demo account."""
    person = PERSON_BY_EMAIL[speaker["email"]]
    data = clean(SpeakerData(full_name=person.full_name, native_name=person.native_name, **speaker))
    profile = Speaker(event=event, user=user, **asdict(data))
    db.session.add(profile)
    return profile
