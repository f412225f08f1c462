"""The programmes of the demo events: sessions and speakers with their roles, so that the agenda and
the speakers' pages look as they will in real use.

They are read from ``programme.toml``, where each session stands as an organiser would type it, its
texts in English and in Chinese; the agenda service checks and adds it.
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
from ..translated import Translated
from .events import wall_clock
from .people import PEOPLE

PROGRAMME_FILE = Path(__file__).with_name("programme.toml")
NOT_SESSION_DATA = ("day", "starts", "ends", "speakers")
PERSON_BY_EMAIL = {person.email: person for person in PEOPLE}
SESSION_TEXTS = ("title", "description")  # each a table by language
SPEAKER_TEXTS = ("title", "affiliation", "biography")


def demo_programme() -> dict:
    """``speaker``: the profiles by key; ``session``: each event's sessions, by the event's key."""
    with PROGRAMME_FILE.open("rb") as file:
        return tomllib.load(file)


def translated(fields: dict, names: tuple[str, ...]) -> dict:
    """``fields`` with the texts of ``names``, tables by language, as ``Translated``."""
    return fields | {name: Translated(fields[name]) for name in names if name in fields}


def session_data(item: dict, first_day: date) -> SessionData:
    day = first_day + timedelta(days=item["day"])
    fields = translated({name: value for name, value in item.items() if name not in NOT_SESSION_DATA}, SESSION_TEXTS)
    return SessionData(starts_at=wall_clock(day, item["starts"]), ends_at=wall_clock(day, item["ends"]), **fields)


def add_programme(event: Event, sessions: list[dict], profiles: dict[str, dict], accounts: dict[str, User]) -> None:
    """The ``sessions`` of the event, with the speakers of ``profiles`` they name."""
    first_day = utc_to_local(event.starts_at, event.timezone).date()
    speakers: dict[str, Speaker] = {}
    for item in sessions:
        data = session_data(item, first_day)
        session = new_session(event, data)
        for position, (key, role) in enumerate(item.get("speakers", [])):
            if key not in speakers:
                speakers[key] = speaker_profile(event, profiles[key], accounts[profiles[key]["email"]])
            session.speakers.append(SessionSpeaker(speaker=speakers[key], role=SpeakerRole(role), position=position))


def speaker_profile(event: Event, speaker: dict, user: User) -> Speaker:
    """The speaker's profile at the event, under the name of their demo account."""
    person = PERSON_BY_EMAIL[speaker["email"]]
    data = SpeakerData(full_name=person.full_name, native_name=person.native_name, **translated(speaker, SPEAKER_TEXTS))
    profile = Speaker(event=event, user=user, **asdict(clean(data)))
    db.session.add(profile)
    return profile
