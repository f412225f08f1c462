"""Rosters: organisers and check-in staff tick the confirmed participants present at a session (or at
arrival), many at once, take a mark back, and see who marked what and when."""

import re
from datetime import timedelta

from sqlalchemy import event as sa_event

from workshop.attendance.models import ARRIVAL, Attendance, AttendanceChange, Method, check_in_staff
from workshop.events.models import EventStatus
from workshop.extensions import db
from workshop.registration.states import State

from .conftest import as_user, make_registration, submit


def roster_url(event, session=None) -> str:
    return f"/manage/events/{event.slug}/sessions/{session.id if session else 0}/roster"  # 0: arrival at the event


def add_staff(event, user):
    db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=user.id))
    db.session.commit()


def marks() -> list[Attendance]:
    db.session.expire_all()
    return db.session.scalars(db.select(Attendance).order_by(Attendance.id)).all()


def tick(client, event, session, registrations, **fields):
    return submit(client, roster_url(event, session), {"ids": [str(r.id) for r in registrations], **fields})


def participant(make_user, event, full_name="Li Wei", native_name="李伟", state=None):
    return make_registration(event, make_user(full_name=full_name, native_name=native_name), state)


# --- what the roster shows ------------------------------------------------------------


def test_the_roster_lists_the_confirmed_participants_with_both_names_organisation_and_country(
    app, make_user, make_event, make_session
):
    event = make_event(timezone="Asia/Shanghai")
    session = make_session(event, title="Labour inspection in practice")
    participant(make_user, event, "Li Wei", "李伟")
    participant(make_user, event, "Anna Schmidt", "")
    participant(make_user, event, "Cancelled Person", "", State.CANCELLED)
    participant(make_user, event, "Waiting Person", "", State.WAITLISTED)

    page = as_user(app, event.organisers[0]).get(roster_url(event, session)).get_data(as_text=True)

    assert "Labour inspection in practice" in page
    assert "Li Wei" in page and "李伟" in page and "Anna Schmidt" in page
    assert "Ministry of Human Resources and Social Security" in page and "China" in page
    assert "Cancelled Person" not in page and "Waiting Person" not in page
    assert "Present: 0 of 2 confirmed participants." in page
    assert "Asia/Shanghai (UTC+08:00)" in page


def test_the_search_narrows_the_roster(app, make_user, make_event, make_session):
    event = make_event()
    session = make_session(event)
    participant(make_user, event, "Zhang Wei", "张伟")
    participant(make_user, event, "Maria Rossi", "")
    client = as_user(app, event.organisers[0])

    page = client.get(roster_url(event, session) + "?q=张").get_data(as_text=True)

    assert "Zhang Wei" in page and "Maria Rossi" not in page


# --- marking and undoing -------------------------------------------------------------


def test_check_in_staff_mark_several_present_at_once_and_the_roster_says_who_and_when(
    app, make_user, make_event, make_session
):
    event = make_event(timezone="Europe/London")
    session = make_session(event)
    staff = make_user(full_name="Desk Person", native_name="前台")
    add_staff(event, staff)
    first, second = participant(make_user, event, "Li Wei"), participant(make_user, event, "Anna Schmidt")
    third = participant(make_user, event, "Not Ticked")
    client = as_user(app, staff)

    response = tick(client, event, session, [first, second])

    assert response.status_code == 302
    rows = marks()
    assert sorted(m.registration_id for m in rows) == sorted([first.id, second.id])
    assert {(m.slot, m.session_id, m.present, m.method, m.recorded_by_id) for m in rows} == {
        (session.id, session.id, True, Method.ROSTER, staff.id)
    }
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Marked present: 2." in page
    assert "Present: 2 of 3 confirmed participants." in page
    assert re.search(rf'value="{first.id}" id="mark-{first.id}" checked disabled', page)
    assert re.search(rf'value="{third.id}" id="mark-{third.id}" aria-label', page)  # not ticked
    assert re.search(r"Marked present .+ by Desk Person \(前台\) \(roster\)", page)


def test_ticking_someone_already_present_records_nothing_more_and_says_so(app, make_user, make_event, make_session):
    event = make_event()
    session = make_session(event)
    registration = participant(make_user, event, "Li Wei")
    client = as_user(app, event.organisers[0])
    tick(client, event, session, [registration])

    response = tick(client, event, session, [registration])

    assert len(marks()) == 1 and len(marks()[0].changes) == 1
    assert "Li Wei was already marked present." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_undone_mark_stays_in_the_history_and_can_be_marked_again(app, make_user, make_event, make_session):
    event = make_event()
    session = make_session(event)
    registration = participant(make_user, event, "Li Wei")
    organiser = event.organisers[0]
    client = as_user(app, organiser)
    tick(client, event, session, [registration])

    response = submit(client, roster_url(event, session), {"undo": str(registration.id)})

    [mark] = marks()
    assert mark.present is False
    assert [(c.present, c.method, c.actor_id) for c in mark.changes] == [
        (True, Method.ROSTER, organiser.id),
        (False, Method.ROSTER, organiser.id),
    ]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The mark of Li Wei is undone." in page
    assert "Present: 0 of 1 confirmed participants." in page
    assert "Mark undone" in page and "Marked present" in page

    tick(client, event, session, [registration])
    [mark] = marks()
    assert mark.present is True and len(mark.changes) == 3


def test_undoing_a_mark_that_is_not_there_changes_nothing(app, make_user, make_event, make_session):
    event = make_event()
    session = make_session(event)
    registration = participant(make_user, event)
    client = as_user(app, event.organisers[0])

    response = submit(client, roster_url(event, session), {"undo": str(registration.id)})

    assert marks() == []
    assert "not marked present, so there is nothing to undo" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_the_arrival_roster_is_session_zero(app, make_user, make_event):
    event = make_event()
    registration = participant(make_user, event)
    client = as_user(app, event.organisers[0])

    page = client.get(roster_url(event)).get_data(as_text=True)
    tick(client, event, None, [registration])

    assert "Arrival at the event" in page
    [mark] = marks()
    assert (mark.slot, mark.session_id, mark.method) == (ARRIVAL, None, Method.ROSTER)


# --- bad input ---------------------------------------------------------------------------


def test_registrations_of_another_event_or_not_confirmed_are_not_marked(app, make_user, make_event, make_session):
    event, other_event = make_event(), make_event()
    session = make_session(event)
    cancelled = participant(make_user, event, "Cancelled Person", "", State.CANCELLED)
    elsewhere = participant(make_user, other_event, "Someone Elsewhere", "")
    good = participant(make_user, event, "Li Wei")
    client = as_user(app, event.organisers[0])

    response = tick(client, event, session, [cancelled, elsewhere, good])

    assert [m.registration_id for m in marks()] == [good.id]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Marked present: 1." in page
    assert "Cancelled Person: Registration not confirmed" in page
    assert f"Registration {elsewhere.id} is not one of this event." in page
    assert "Someone Elsewhere" not in page


def test_pressing_the_button_with_nothing_ticked_says_what_to_do(app, make_user, make_event, make_session):
    event = make_event()
    session = make_session(event)
    participant(make_user, event)
    client = as_user(app, event.organisers[0])

    response = submit(client, roster_url(event, session), {})

    assert marks() == []
    assert "Tick the participants to mark present." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_cancelled_session_records_no_attendance(app, make_user, make_event, make_session):
    event = make_event()
    session = make_session(event, cancelled=True)
    registration = participant(make_user, event)
    client = as_user(app, event.organisers[0])

    response = tick(client, event, session, [registration])

    assert marks() == []
    assert "This session is cancelled" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_post_without_the_form_token_changes_nothing(app, make_user, make_event, make_session):
    event = make_event()
    session = make_session(event)
    registration = participant(make_user, event)
    client = as_user(app, event.organisers[0])

    response = client.post(roster_url(event, session), data={"ids": [str(registration.id)]})

    assert response.status_code == 200 and "for your safety it was not saved" in response.get_data(as_text=True)
    assert marks() == []


# --- who may see and change a roster ------------------------------------------------------------


def test_only_organisers_and_the_events_check_in_staff_open_its_rosters(
    app, make_user, make_event, make_session, client
):
    event = make_event()
    session = make_session(event)
    staff, someone = make_user(), make_user()
    add_staff(event, staff)
    confirmed = participant(make_user, event)

    assert client.get(roster_url(event, session)).status_code == 302  # to the login page
    assert as_user(app, someone).get(roster_url(event, session)).status_code == 403
    assert as_user(app, confirmed.user).get(roster_url(event, session)).status_code == 403
    assert as_user(app, staff).get(roster_url(event, session)).status_code == 200
    assert as_user(app, event.organisers[0]).get(roster_url(event, session)).status_code == 200
    assert as_user(app, make_user(is_admin=True)).get(roster_url(event, session)).status_code == 200


def test_check_in_staff_of_one_event_cannot_see_or_mark_another_events_roster(app, make_user, make_event, make_session):
    event_a, event_b = make_event(), make_event()
    draft = make_event(status=EventStatus.DRAFT)
    session_b, session_draft = make_session(event_b), make_session(draft)
    staff_a = make_user()
    add_staff(event_a, staff_a)
    registration_b = participant(make_user, event_b)
    client = as_user(app, staff_a)

    assert client.get(roster_url(event_b, session_b)).status_code == 403
    assert client.get(roster_url(draft, session_draft)).status_code == 404
    assert client.post(roster_url(event_b, session_b), data={"ids": [str(registration_b.id)]}).status_code == 403
    # the form token of event A's roster does not help
    response = submit(
        client, roster_url(event_b, session_b), {"ids": [str(registration_b.id)]}, form_url=roster_url(event_a)
    )
    assert response.status_code == 403
    assert marks() == []


def test_a_session_of_another_event_is_not_found_in_this_events_roster(app, make_user, make_event, make_session):
    event, other_event = make_event(), make_event()
    other_session = make_session(other_event)
    client = as_user(app, event.organisers[0])

    assert client.get(roster_url(event, other_session)).status_code == 404
    assert client.get(f"/manage/events/{event.slug}/sessions/999999/roster").status_code == 404


# --- performance -----------------------------------------------------------------------------


def count_queries(action) -> int:
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_the_number_of_queries_does_not_grow_with_the_rows_shown(app, make_user, make_event, make_session):
    from workshop.attendance import recording

    event = make_event()
    session = make_session(event)
    staff = make_user(full_name="Desk Person")
    add_staff(event, staff)

    def add_marked(n):
        for i in range(n):
            registration = participant(make_user, event, f"Participant {i}", "")
            recording.mark_present(event, registration, session, Method.ROSTER, staff if i % 2 else None)
            if i % 3 == 0:
                recording.undo_mark(
                    recording.attendance_of(registration.id, session.id), Method.ROSTER, event.organisers[0]
                )

    add_marked(3)
    client = as_user(app, event.organisers[0])
    url = roster_url(event, session)
    client.get(url)  # warm up

    def queries_of_the_page():
        db.session.expire_all()  # the page's request reads everything afresh, as on a server
        return count_queries(lambda: client.get(url))

    few = queries_of_the_page()
    add_marked(30)
    many = queries_of_the_page()

    assert many == few, f"{few} queries for 3 rows, {many} for 33"
    assert db.session.scalar(db.select(db.func.count()).select_from(AttendanceChange)) > 33


def test_times_in_the_history_are_in_the_events_zone(app, make_user, make_event, make_session):
    event = make_event(timezone="Asia/Shanghai")
    session = make_session(event)
    registration = participant(make_user, event)
    client = as_user(app, event.organisers[0])
    tick(client, event, session, [registration])
    [mark] = marks()
    local = (mark.recorded_at + timedelta(hours=8)).strftime("%-I:%M")

    page = client.get(roster_url(event, session)).get_data(as_text=True)

    assert re.search(rf"Marked present [^<]*{local}", page), local
