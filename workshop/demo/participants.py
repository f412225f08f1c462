"""The participants of the demo events: their registrations (read from ``participants.toml``), as
they registered and the organiser decided, and who came to each session of the past event, so that
"My registrations", the lists of participants, the statistics and the certificates show something to read.

Nothing here sends e-mail: the demo's registrations and check-ins happened before it was loaded.
"""

import tomllib
from datetime import datetime
from pathlib import Path

from ..accounts.models import User
from ..agenda.models import AgendaSession
from ..attendance.models import ARRIVAL, Attendance, AttendanceChange, Method
from ..events.models import Event
from ..extensions import db
from ..privacy_notice.services import current_notice
from ..registration.models import OrganisationType, Registration, RegistrationChange, Sex
from ..registration.services import Details, apply_details
from ..registration.states import State
from ..timeutil import utcnow

CONFIRMED, PENDING = State.CONFIRMED, State.PENDING
PARTICIPANTS_FILE = Path(__file__).with_name("participants.toml")
NOT_DETAILS = ("email", "events")


def demo_participants() -> list[dict]:
    with PARTICIPANTS_FILE.open("rb") as file:
        return tomllib.load(file)["participant"]


def details_of(person: dict, user: User) -> Details:
    """The person's answers to the standard questions, under the names of their account."""
    answers = {name: value for name, value in person.items() if name not in NOT_DETAILS}
    answers |= {"organisation_type": OrganisationType(answers["organisation_type"]), "sex": Sex(answers["sex"])}
    return Details(full_name=user.full_name, native_name=user.native_name, listed_publicly=True, **answers)


def add_registrations(events: dict[str, Event], accounts: dict[str, User], organiser: User) -> None:
    for person in demo_participants():
        user = accounts[person["email"]]
        details = details_of(person, user)
        for key, state in person["events"].items():
            add_registration(events[key], user, details, State(state), organiser)


def add_registration(event: Event, user: User, details: Details, state: State, organiser: User) -> None:
    """The registration in ``state``: made by the participant, and decided by the organiser when the
    event asks for approval."""
    registration = Registration(
        event=event, user=user, state=state, privacy_accepted_at=utcnow(), privacy_notice=current_notice(event.id)
    )
    apply_details(registration, details, questions=[])
    first = PENDING if event.approval_required else state
    registration.changes.append(RegistrationChange(actor=user, from_state=None, to_state=first))
    if first is not state:
        registration.changes.append(RegistrationChange(actor=organiser, from_state=PENDING, to_state=state))
    db.session.add(registration)


def confirmed_in_order(event: Event) -> list[Registration]:
    """The event's confirmed registrations in the order they were made."""
    db.session.flush()  # the event's and the registrations' ids
    statement = db.select(Registration).where(Registration.event_id == event.id, Registration.state == CONFIRMED)
    return list(db.session.scalars(statement.order_by(Registration.id)))


def add_past_attendance(event: Event, organiser: User) -> None:
    """Who came to each session of a past event: everyone to the first, fewer to the later ones,
    so the statistics, certificates and report of the demo show something to read."""
    db.session.flush()  # the ids of sessions and registrations
    sessions = db.session.scalars(
        db.select(AgendaSession).where(AgendaSession.event_id == event.id).order_by(AgendaSession.starts_at)
    ).all()
    registrations = confirmed_in_order(event)
    for index, session in enumerate(sessions):
        present = registrations[: max(1, len(registrations) - index)]
        for registration in present:
            if index == 0:
                add_mark(event, registration, None, ARRIVAL, session.starts_at, organiser)
            add_mark(event, registration, session, session.id, session.starts_at, organiser)


def add_mark(
    event: Event, registration: Registration, session: AgendaSession | None, slot: int, at: datetime, organiser: User
) -> None:
    attendance = Attendance(
        registration=registration,
        event_id=event.id,
        session=session,
        slot=slot,
        method=Method.ROSTER,
        recorded_by=organiser,
        recorded_at=at,
    )
    attendance.changes.append(AttendanceChange(present=True, method=Method.ROSTER, actor=organiser, created_at=at))
    db.session.add(attendance)
