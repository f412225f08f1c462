"""What the pages people open most need besides the benchmark's events: the demo events (the
demo workshop's agenda and speakers), a participant with five registrations and an organiser whose
event has 120, so that the organiser's list shows a full page of 50. Both log in with a password
the benchmark knows."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from werkzeug.security import generate_password_hash

from workshop.accounts.models import User
from workshop.demo import load_demo
from workshop.demo.events import demo_events
from workshop.events.models import Event
from workshop.events.services import slugify
from workshop.extensions import db
from workshop.registration.models import OrganisationType, Registration, Sex
from workshop.registration.states import State

PASSWORD = "bench pages password"
PARTICIPANT_EMAIL = "bench.participant@example.org"
ORGANISER_EMAIL = "bench.organiser@example.org"
PARTICIPANT_REGISTRATIONS = 5
LISTED_REGISTRATIONS = 120
STATES = (State.CONFIRMED, State.WAITLISTED, State.PENDING, State.CANCELLED)
COUNTRIES = ("CN", "GB", "KE", "DE", "VN", "TH", "BE", "IT")


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    login: str = ""  # the e-mail address of the account that opens it; empty: a visitor


def seed_page_data(events: list[Event]) -> list[Page]:
    """Inside an app context, on a database that has the benchmark's ``events`` (see seed.py):
    returns the pages to load, the public ones first."""
    load_demo()
    workshop = demo_workshop_slug()
    upcoming = [event for event in events if event.starts_at > datetime.now(UTC)]
    participant = account(PARTICIPANT_EMAIL, "Wang Fang", "王芳")
    organiser = account(ORGANISER_EMAIL, "Claire Dubois", "")
    for n, event in enumerate(upcoming[:PARTICIPANT_REGISTRATIONS]):
        db.session.add(registration(event, participant, STATES[n % len(STATES)], n))
    listed = upcoming[PARTICIPANT_REGISTRATIONS]
    listed.organisers.append(organiser)
    listed_hash = generate_password_hash(secrets.token_urlsafe(16))  # hashed once: these never log in
    for n in range(LISTED_REGISTRATIONS):
        person = account(f"bench.listed{n}@example.org", f"Participant {n + 1}", "", listed_hash)
        db.session.add(registration(listed, person, STATES[n % len(STATES)], n))
    db.session.commit()
    return [
        Page("/ (upcoming events)", "/"),
        Page("/events/past", "/events/past"),
        Page("/events/<slug>", f"/events/{upcoming[0].slug}"),
        Page("demo agenda", f"/events/{workshop}/agenda"),
        Page("demo speakers", f"/events/{workshop}/speakers"),
        Page("my registrations (5)", "/registrations", PARTICIPANT_EMAIL),
        Page("registrations (50)", f"/manage/events/{listed.slug}/registrations", ORGANISER_EMAIL),
    ]


def demo_workshop_slug() -> str:
    """Its slug begins with its slug words and the year (its title is a text in two languages)."""
    words = next(event["slug_words"] for event in demo_events() if event["key"] == "migration_workshop")
    return db.session.scalar(db.select(Event.slug).where(Event.slug.startswith(f"{slugify(words)}-")))


def account(email: str, full_name: str, native_name: str, password_hash: str = "") -> User:
    """An account that logs in with PASSWORD, or, given a hash, one that only needs to exist."""
    user = User(
        email=email, full_name=full_name, native_name=native_name, locale="en", email_verified_at=datetime.now(UTC)
    )
    if password_hash:
        user.password_hash = password_hash
    else:
        user.set_password(PASSWORD)
    db.session.add(user)
    return user


def registration(event: Event, user: User, state: State, n: int) -> Registration:
    return Registration(
        event=event,
        user=user,
        state=state,
        waitlist_seq=n if state is State.WAITLISTED else None,
        full_name=user.full_name,
        native_name=user.native_name,
        organisation="Ministry of Human Resources and Social Security",
        organisation_type=OrganisationType.GOVERNMENT,
        country=COUNTRIES[n % len(COUNTRIES)],
        sex=(Sex.FEMALE, Sex.MALE)[n % 2],
        privacy_accepted_at=datetime.now(UTC),
    )
