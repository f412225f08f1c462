"""Demo data for ``flask seed-demo``: the accounts and events a visitor sees on a fresh install.

Everything is loaded once, in one transaction. The marker is the demo administrator's e-mail
address: when that account exists, ``load_demo`` changes nothing. The people are fictional.

The demo builds on the domain packages and none of them imports it:

    people.py          the accounts and the printed log-ins
    events.toml        the events, as data; events.py builds them (and the coming workshop's privacy notice)
    programme.toml     sessions and speakers, as data; programme.py adds them
    participants.toml  the registrations, as data; participants.py makes them, and the past event's attendance
    letters.py, feedback.py, reports.py   visa letters, the evaluation, the written report
    publications.py    what the past event's organisers published
"""

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..timeutil import utcnow
from .events import add_demo_series, add_event, add_privacy_notice, demo_events
from .feedback import seed_demo_evaluation
from .letters import seed_demo_letters
from .participants import add_past_attendance, add_registrations
from .people import ADMIN_EMAIL, DEMO_LOGINS, ORGANISER_EMAIL, PARTICIPANT_EMAIL, PASSWORDS, demo_accounts, demo_loaded
from .programme import add_programme, demo_programme
from .publications import seed_demo_publications
from .reports import seed_demo_report

__all__ = ["ADMIN_EMAIL", "DEMO_LOGINS", "ORGANISER_EMAIL", "PARTICIPANT_EMAIL", "PASSWORDS", "load_demo"]

COMING_WORKSHOP, PAST_CONFERENCE = "migration_workshop", "brussels_conference"


def load_demo() -> bool:
    """Create the demo accounts and events; False (and nothing changed) when they are already there."""
    if demo_loaded():
        return False
    accounts = demo_accounts()
    organiser = accounts[ORGANISER_EMAIL]
    today = utcnow().date()
    events = {}
    programme = demo_programme()
    for event in demo_events():
        events[event["key"]] = add_event(event, today, organiser)
        add_programme(events[event["key"]], programme["session"].get(event["key"], []), programme["speaker"], accounts)
    add_demo_series([events[COMING_WORKSHOP], events[PAST_CONFERENCE]], organiser)
    add_privacy_notice(events[COMING_WORKSHOP], organiser)
    add_registrations(events, accounts, organiser)
    add_past_attendance(events[PAST_CONFERENCE], organiser)
    seed_demo_letters(events[COMING_WORKSHOP])
    seed_demo_evaluation(events[PAST_CONFERENCE])
    seed_demo_report(events[PAST_CONFERENCE])
    seed_demo_publications(events[PAST_CONFERENCE], organiser)
    try:
        db.session.commit()
    except IntegrityError:  # another process loaded the demo at the same moment
        db.session.rollback()
        return False
    return True
