"""Two desks scanning the same badge for the same session at the same moment leave one attendance
record, and both get a sensible answer: one "checked in", the other "already checked in".

Each desk is its own logged-in HTTP session in its own thread; they send their form together (a
barrier), to a server that handles each request in its own thread with its own database connection.
"""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from workshop.attendance import recording
from workshop.attendance.models import ARRIVAL, Attendance, AttendanceChange, check_in_staff
from workshop.extensions import db

from .conftest import PASSWORD, make_registration

REGISTRATIONS = 10
DESKS_ON_ONE_BADGE = 20


def csrf_token_of(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    page.raise_for_status()
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def logged_in(base: str, user) -> requests.Session:
    session = requests.Session()
    login = f"{base}/login"
    response = session.post(
        login,
        data={"csrf_token": csrf_token_of(session, login), "email": user.email, "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302
    return session


def send_together(jobs):
    """Run the prepared requests at the same moment; return what each answered."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait()
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def prepared_scan(session: requests.Session, base: str, event, code: str, slot: int):
    url = f"{base}/events/{event.slug}/check-in"
    data = {"csrf_token": csrf_token_of(session, url), "slot": str(slot), "code": code}

    def send():
        response = session.post(url, data=data, allow_redirects=False, timeout=120)
        outcome = re.search(r'data-testid="desk-answer" data-outcome="(\w+)"', response.text)
        return response.status_code, outcome.group(1) if outcome else None

    return send


def staff_desks(app, base: str, event, make_user, count: int) -> list[requests.Session]:
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    desks = []
    for n in range(count):
        staff = make_user(full_name=f"Desk {n}")
        db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=staff.id))
        db.session.commit()
        desks.append(logged_in(base, staff))
        # The server wrote the log-in: on SQLite, this thread's read transaction from before could not write
        db.session.commit()
    return desks


def attendance_rows(event) -> list[Attendance]:
    db.session.commit()
    db.session.expire_all()
    return db.session.scalars(db.select(Attendance).where(Attendance.event_id == event.id)).all()


def test_two_desks_scanning_the_same_badge_at_once_record_it_once_and_both_get_an_answer(
    app, live_url, make_event, make_session, make_user
):
    event = make_event()
    session = make_session(event, title="Opening plenary")
    registrations = [make_registration(event, make_user(full_name=f"Participant {n}")) for n in range(REGISTRATIONS)]
    codes = [recording.ticket_for(registration).code for registration in registrations]
    db.session.commit()
    first_desk, second_desk = staff_desks(app, live_url, event, make_user, 2)

    answers = []
    for code in codes:  # each badge shown to both desks at the same moment
        answers.append(
            send_together(
                [prepared_scan(desk, live_url, event, code, session.id) for desk in (first_desk, second_desk)]
            )
        )

    for pair in answers:
        assert [status for status, _outcome in pair] == [200, 200]  # no 5xx, no error page
        assert sorted(outcome for _status, outcome in pair) == ["already", "checked_in"]
    rows = attendance_rows(event)
    assert sorted(row.registration_id for row in rows) == sorted(r.id for r in registrations)  # one row each
    assert all(row.slot == session.id and row.present for row in rows)
    assert db.session.scalar(db.select(db.func.count()).select_from(AttendanceChange)) == REGISTRATIONS


def test_twenty_desks_scanning_one_badge_at_once_record_it_once(app, live_url, make_event, make_user):
    event = make_event()
    registration = make_registration(event, make_user(full_name="Li Wei", native_name="李伟"))
    code = recording.ticket_for(registration).code
    db.session.commit()
    desks = staff_desks(app, live_url, event, make_user, DESKS_ON_ONE_BADGE)

    answers = send_together([prepared_scan(desk, live_url, event, code, 0) for desk in desks])

    assert [status for status, _outcome in answers] == [200] * DESKS_ON_ONE_BADGE
    outcomes = [outcome for _status, outcome in answers]
    assert outcomes.count("checked_in") == 1 and outcomes.count("already") == DESKS_ON_ONE_BADGE - 1
    [row] = attendance_rows(event)
    assert (row.registration_id, row.slot) == (registration.id, ARRIVAL)
    for desk in desks:
        desk.close()
