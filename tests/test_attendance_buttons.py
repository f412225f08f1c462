"""The roster and self check-in buttons are on the sessions that count for attendance only: on the
organisers' agenda, on a session's page for organisers and check-in staff, and on the rosters."""

import re

from workshop.agenda.models import SessionKind
from workshop.attendance.models import check_in_staff
from workshop.extensions import db

from .conftest import as_user


def roster_url(event, session) -> str:
    return f"/manage/events/{event.slug}/sessions/{session.id}/roster"


def code_url(event, session) -> str:
    return f"/manage/events/{event.slug}/sessions/{session.id}/code"


def programme(make_event, make_session):
    event = make_event()
    plenary = make_session(event, title="Opening plenary")
    lunch = make_session(
        event,
        title="Lunch",
        kind=SessionKind.MEAL,
        start=plenary.ends_at,
        minutes=60,
        counts_for_attendance=False,
    )
    return event, plenary, lunch


def test_the_organisers_agenda_has_the_buttons_on_counted_sessions_only(app, make_event, make_session):
    event, plenary, lunch = programme(make_event, make_session)

    page = as_user(app, event.organisers[0]).get(f"/manage/events/{event.slug}/agenda").get_data(as_text=True)

    assert roster_url(event, plenary) in page and code_url(event, plenary) in page
    assert roster_url(event, lunch) not in page and code_url(event, lunch) not in page


def test_a_sessions_page_has_the_buttons_for_organisers_and_staff_when_it_counts(
    app, make_event, make_session, make_user
):
    event, plenary, lunch = programme(make_event, make_session)
    staff = make_user()
    db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=staff.id))
    db.session.commit()

    for client in (as_user(app, event.organisers[0]), as_user(app, staff)):
        counted = client.get(f"/events/{event.slug}/agenda/{plenary.id}").get_data(as_text=True)
        meal = client.get(f"/events/{event.slug}/agenda/{lunch.id}").get_data(as_text=True)
        assert roster_url(event, plenary) in counted and code_url(event, plenary) in counted
        assert 'data-testid="attendance-buttons"' not in meal and roster_url(event, lunch) not in meal


def test_participants_see_no_attendance_buttons_on_a_sessions_page(app, make_event, make_session, make_user):
    event, plenary, _ = programme(make_event, make_session)
    participant = as_user(app, make_user())

    page = participant.get(f"/events/{event.slug}/agenda/{plenary.id}").get_data(as_text=True)

    assert 'data-testid="attendance-buttons"' not in page and roster_url(event, plenary) not in page
    assert participant.get(roster_url(event, plenary)).status_code in (403, 404)


def test_a_roster_lists_the_other_counted_sessions_and_offers_no_code_for_an_uncounted_one(
    app, make_event, make_session
):
    event, plenary, lunch = programme(make_event, make_session)
    organiser = as_user(app, event.organisers[0])

    arrival = organiser.get(f"/manage/events/{event.slug}/sessions/0/roster").get_data(as_text=True)
    other_rosters = re.search(r'data-testid="other-rosters">(.*?)</details>', arrival, re.S).group(1)
    assert roster_url(event, plenary) in other_rosters and roster_url(event, lunch) not in other_rosters

    counted = organiser.get(roster_url(event, plenary)).get_data(as_text=True)
    assert code_url(event, plenary) in counted
    uncounted = organiser.get(roster_url(event, lunch)).get_data(as_text=True)
    assert code_url(event, lunch) not in uncounted and "This session does not count for attendance." in uncounted
