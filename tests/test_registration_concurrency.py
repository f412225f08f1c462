"""Many people at once: the places never exceed the capacity and the waiting list has no gaps.

Each participant is a separate HTTP session in its own thread; all of them send their form
at the same moment (a barrier), against a server that handles each request in its own thread
with its own database connection.
"""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC

import requests

from workshop.extensions import db
from workshop.registration import services
from workshop.registration.models import Registration
from workshop.registration.states import State

from .conftest import PASSWORD, REGISTRATION_FORM

PARTICIPANTS = 50
CAPACITY = 10


def csrf_token_of(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    page.raise_for_status()
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def send_together(jobs):
    """Run the prepared requests at the same moment; return their status codes."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait()
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def prepared_registration(base: str, event, n: int):
    session = requests.Session()
    url = f"{base}/events/{event.slug}/register"
    data = {
        **REGISTRATION_FORM,
        "csrf_token": csrf_token_of(session, url),
        "email": f"participant{n}@example.org",
        "full_name": f"Participant {n}",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "locale": "en",
    }

    def send():
        with session:
            return session.post(url, data=data, allow_redirects=False, timeout=120).status_code

    return send


def final_registrations(event) -> list[Registration]:
    db.session.commit()
    return list(db.session.scalars(db.select(Registration).where(Registration.event_id == event.id)))


def test_fifty_simultaneous_registrations_fill_ten_places_and_queue_the_rest(app, live_url, make_event, mailbox):
    event = make_event(capacity=CAPACITY)
    jobs = [prepared_registration(live_url, event, n) for n in range(PARTICIPANTS)]

    statuses = send_together(jobs)

    assert statuses == [302] * PARTICIPANTS  # every one answered with its registration page, no 5xx
    registrations = final_registrations(event)
    assert len(registrations) == PARTICIPANTS
    states = [r.state for r in registrations]
    assert states.count(State.CONFIRMED) == CAPACITY
    assert states.count(State.WAITLISTED) == PARTICIPANTS - CAPACITY
    assert sorted(services.waitlist_positions(event.id).values()) == list(range(1, PARTICIPANTS - CAPACITY + 1))
    assert len({r.waitlist_seq for r in registrations if r.state is State.WAITLISTED}) == PARTICIPANTS - CAPACITY


def test_twenty_simultaneous_cancellations_promote_the_waiting_list_in_order(app, live_url, make_event, make_user):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    event = make_event(capacity=20)
    confirmed = [make_registration(event, make_user(), State.CONFIRMED) for _ in range(20)]
    waiting = [make_registration(event, make_user(), State.WAITLISTED, seq=n) for n in range(1, 31)]

    statuses = send_together([prepared_cancellation(live_url, registration) for registration in confirmed])

    assert statuses == [302] * 20
    by_id = {r.id: r for r in final_registrations(event)}
    assert all(by_id[r.id].state is State.CANCELLED for r in confirmed)
    assert [by_id[r.id].state for r in waiting] == [State.CONFIRMED] * 20 + [State.WAITLISTED] * 10
    positions = services.waitlist_positions(event.id)
    assert [positions[r.id] for r in waiting[20:]] == list(range(1, 11))


def make_registration(event, user, state: State, seq: int | None = None) -> Registration:
    from datetime import datetime

    registration = Registration(
        event_id=event.id,
        user_id=user.id,
        state=state,
        waitlist_seq=seq,
        full_name=user.full_name,
        organisation="Ministry",
        organisation_type=services.OrganisationType.GOVERNMENT,
        country="CN",
        sex=services.Sex.FEMALE,
        privacy_accepted_at=datetime.now(UTC),
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def prepared_cancellation(base: str, registration: Registration):
    session = requests.Session()
    login = f"{base}/login"
    response = session.post(
        login,
        data={"csrf_token": csrf_token_of(session, login), "email": registration.user.email, "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302
    url = f"{base}/registrations/{registration.id}/cancel"
    data = {"csrf_token": csrf_token_of(session, url), "reason": "Cannot travel"}

    def send():
        with session:
            return session.post(url, data=data, allow_redirects=False, timeout=120).status_code

    return send
