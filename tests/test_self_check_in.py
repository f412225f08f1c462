"""Self check-in: an organiser shows a session's short code and its QR code; a confirmed participant,
logged in, types it (or opens the QR link) during the session to mark themselves present."""

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from workshop.attendance.models import Attendance, Method, SessionCode, check_in_staff
from workshop.events.models import EventStatus
from workshop.extensions import db
from workshop.registration.states import State

from .conftest import as_user, make_registration, submit
from .qr_codes import decoded, svg_qr


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def code_url(event, session) -> str:
    return f"/manage/events/{event.slug}/sessions/{session.id}/code"


def add_staff(event, user):
    db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=user.id))
    db.session.commit()


def marks() -> list[Attendance]:
    db.session.expire_all()
    return db.session.scalars(db.select(Attendance).order_by(Attendance.id)).all()


def session_code(session) -> str:
    db.session.expire_all()
    return db.session.scalar(db.select(SessionCode.code).where(SessionCode.session_id == session.id))


def make_code(app, event, session) -> str:
    submit(as_user(app, event.organisers[0]), code_url(event, session), {})
    return session_code(session)


def check_in(client, code, **extra):
    return submit(client, "/check-in", {"code": code, **extra}, follow_redirects=True)


@pytest.fixture
def running(make_event, make_session):
    """An event in Shanghai with a session that started half an hour ago."""

    def make(**fields):
        event = make_event(timezone="Asia/Shanghai", **fields)
        session = make_session(
            event, title="Social dialogue in practice", start=now() - timedelta(minutes=30), minutes=90
        )
        return event, session

    return make


# --- the organiser's screen -------------------------------------------------------------------


def test_an_organiser_shows_a_short_code_and_its_qr_code_for_a_session(app, running):
    event, session = running()
    client = as_user(app, event.organisers[0])

    before = client.get(code_url(event, session)).get_data(as_text=True)
    assert "Show a code for self check-in" in before and session_code(session) is None  # a GET makes nothing
    response = submit(client, code_url(event, session), {})
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    code = session_code(session)
    assert re.fullmatch("[2-9A-HJKMNP-Z]{6}", code)  # six characters, none of 0/O or 1/I/L, which a room misreads
    assert f'data-testid="session-code">{code}<' in page
    svg = re.search(r'data-testid="session-qr">(<svg .*?</svg>)', page, re.S).group(1)
    assert decoded(svg_qr(svg)).text == f"http://workshops.test/check-in/{code}"
    assert f"http://workshops.test/check-in/{code}" in page
    assert "Asia/Shanghai (UTC+08:00)" in page


def test_showing_the_page_again_keeps_the_code_and_a_new_code_replaces_the_old(app, running, make_user):
    event, session = running()
    person = make_user()
    make_registration(event, person)
    client = as_user(app, event.organisers[0])
    submit(client, code_url(event, session), {})
    first = session_code(session)

    submit(client, code_url(event, session), {})  # the create button again (a second tab): same code
    assert session_code(session) == first
    submit(client, code_url(event, session), {"regenerate": "1"})
    second = session_code(session)

    assert second != first and db.session.scalar(db.select(db.func.count()).select_from(SessionCode)) == 1
    participant = as_user(app, person)
    assert "There is no session with this code" in check_in(participant, first).get_data(as_text=True)
    assert "You are marked present" in check_in(participant, second).get_data(as_text=True)


def test_check_in_staff_show_the_code_but_others_may_not(app, running, make_user, client):
    event, session = running()
    other_event, other_session = running()
    staff, confirmed = make_user(), make_user()
    add_staff(event, staff)
    make_registration(event, confirmed)

    assert client.get(code_url(event, session)).status_code == 302
    assert as_user(app, confirmed).get(code_url(event, session)).status_code == 403
    assert as_user(app, confirmed).post(code_url(event, session)).status_code == 403
    staff_client = as_user(app, staff)
    assert staff_client.get(code_url(event, session)).status_code == 200
    assert staff_client.get(code_url(other_event, other_session)).status_code == 403  # staff of another event
    assert staff_client.get(code_url(event, other_session)).status_code == 404  # another event's session
    assert staff_client.get(f"/manage/events/{event.slug}/sessions/0/code").status_code == 404  # arrival has no code
    assert session_code(session) is None and session_code(other_session) is None


# --- the participant ----------------------------------------------------------------------------


def test_a_confirmed_participant_marks_themselves_present_once(app, running, make_user):
    event, session = running()
    person = make_user(full_name="Li Wei", native_name="李伟")
    registration = make_registration(event, person)
    code = make_code(app, event, session)
    client = as_user(app, person)

    first = check_in(client, code.lower()[:3] + " " + code.lower()[3:]).get_data(as_text=True)  # as typed on a phone
    second = check_in(client, code).get_data(as_text=True)

    assert "You are marked present at “Social dialogue in practice”." in first
    assert "You were already marked present at “Social dialogue in practice”" in second
    [mark] = marks()
    assert (mark.registration_id, mark.slot, mark.method, mark.recorded_by_id, mark.present) == (
        registration.id,
        session.id,
        Method.SELF,
        person.id,
        True,
    )
    assert len(mark.changes) == 1


def test_the_qr_link_fills_in_the_code_and_records_nothing_until_sent(app, running, make_user, client):
    event, session = running()
    person = make_user()
    make_registration(event, person)
    code = make_code(app, event, session)

    anonymous = client.get(f"/check-in/{code}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

    participant = as_user(app, person)
    page = participant.get(f"/check-in/{code}").get_data(as_text=True)

    assert f'value="{code}"' in page and "Social dialogue in practice" in page
    assert marks() == []
    submit(participant, "/check-in", {"code": code}, form_url=f"/check-in/{code}")
    assert len(marks()) == 1


def test_the_margin_lets_a_participant_check_in_just_before_and_after(app, make_event, make_session, make_user):
    event = make_event()
    soon = make_session(event, title="Starts in ten minutes", start=now() + timedelta(minutes=10))
    just_over = make_session(event, title="Ended ten minutes ago", start=now() - timedelta(minutes=100), minutes=90)
    person = make_user()
    make_registration(event, person)
    client = as_user(app, person)

    assert "You are marked present" in check_in(client, make_code(app, event, soon)).get_data(as_text=True)
    assert "You are marked present" in check_in(client, make_code(app, event, just_over)).get_data(as_text=True)
    assert len(marks()) == 2


# --- refused, with the reason --------------------------------------------------------------------


def test_a_code_after_the_window_is_refused_with_the_window_in_the_events_zone(
    app, make_event, make_session, make_user
):
    event = make_event(timezone="Asia/Shanghai")
    start = (now() - timedelta(hours=3)).replace(second=0)
    session = make_session(event, title="Morning plenary", start=start, minutes=60)
    person = make_user()
    make_registration(event, person)
    code = make_code(app, event, session)

    page = check_in(as_user(app, person), code).get_data(as_text=True)

    closes = (start + timedelta(minutes=75)).astimezone(timezone(timedelta(hours=8)))
    message = re.search(r'data-testid="code-error">([^<]+)<', page).group(1)
    assert "Self check-in for “Morning plenary” closed at" in message
    assert closes.strftime("%-I:%M") in message and "Asia/Shanghai (UTC+08:00)" in message
    assert f'value="{code}"' in page  # what was typed stays
    assert marks() == []


def test_a_code_before_the_window_says_when_it_opens(app, make_event, make_session, make_user):
    event = make_event(timezone="Europe/London")
    session = make_session(event, title="Afternoon panel", start=now() + timedelta(hours=2))
    person = make_user()
    make_registration(event, person)

    page = check_in(as_user(app, person), make_code(app, event, session)).get_data(as_text=True)

    assert "Self check-in for “Afternoon panel” opens at" in page and "Europe/London" in page
    assert marks() == []


def test_a_code_of_an_event_the_participant_is_not_confirmed_for_is_refused(app, running, make_user):
    event, session = running()
    other_event, _ = running()
    registered_elsewhere, cancelled, waiting = make_user(), make_user(), make_user()
    make_registration(other_event, registered_elsewhere)
    make_registration(event, cancelled, State.CANCELLED)
    make_registration(event, waiting, State.WAITLISTED)
    code = make_code(app, event, session)

    for person in (registered_elsewhere, cancelled, waiting):
        page = check_in(as_user(app, person), code).get_data(as_text=True)
        assert "You are not a confirmed participant of this event." in page

    assert marks() == []


def test_a_cancelled_session_refuses_self_check_in(app, running, make_user):
    event, session = running()
    person = make_user()
    make_registration(event, person)
    code = make_code(app, event, session)
    session.cancelled = True
    db.session.commit()

    assert "This session is cancelled." in check_in(as_user(app, person), code).get_data(as_text=True)
    assert marks() == []


def test_unknown_malformed_and_very_long_codes_get_a_message(app, running, make_user):
    event, session = running()
    person = make_user()
    make_registration(event, person)
    make_code(app, event, session)
    client = as_user(app, person)

    for typed in ("ZZZZZZ", "12", "ÄÖÜ-漢字", "A" * 500):
        page = check_in(client, typed).get_data(as_text=True)
        assert "There is no session with this code" in page or "Field cannot be longer than 32 characters" in page, (
            typed
        )
    assert "Type the code shown on the screen." in check_in(client, "").get_data(as_text=True)
    assert marks() == []


def test_a_code_of_a_draft_event_is_unknown(app, running, make_user):
    event, session = running(status=EventStatus.DRAFT)
    person = make_user()
    make_registration(event, person)
    code = make_code(app, event, session)

    assert "There is no session with this code" in check_in(as_user(app, person), code).get_data(as_text=True)
    assert marks() == []


def test_a_participant_cannot_mark_someone_else_present(app, running, make_user):
    event, session = running()
    me, someone_else = make_user(), make_user()
    mine, theirs = make_registration(event, me), make_registration(event, someone_else)
    code = make_code(app, event, session)

    check_in(as_user(app, me), code, registration_id=str(theirs.id), user_id=str(someone_else.id), ids=str(theirs.id))

    assert [(m.registration_id, m.recorded_by_id) for m in marks()] == [(mine.id, me.id)]


def test_self_check_in_needs_a_login_and_a_form_token(app, running, make_user, client):
    event, session = running()
    person = make_user()
    make_registration(event, person)
    code = make_code(app, event, session)

    anonymous = client.post("/check-in", data={"code": code})
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    without_token = as_user(app, person).post("/check-in", data={"code": code})
    assert without_token.status_code == 200 and "for your safety it was not saved" in without_token.get_data(
        as_text=True
    )
    assert marks() == []


def test_the_window_of_a_session_across_midnight_in_shanghai(app, make_event, make_session, make_user):
    from workshop.attendance.self_check_in import check_in_with_code
    from workshop.errors import DomainError

    event = make_event(timezone="Asia/Shanghai")
    start = datetime(2030, 5, 1, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai, until 00:30 on 2 May
    session = make_session(event, title="Night train to Xi'an", start=start, minutes=60)
    late, later = make_user(), make_user()
    make_registration(event, late)
    make_registration(event, later)
    code = make_code(app, event, session)

    answer = check_in_with_code(late, code, now=start + timedelta(minutes=70))  # 00:40 on 2 May, within the margin
    with pytest.raises(DomainError) as refused:
        check_in_with_code(later, code, now=start + timedelta(minutes=80))  # 00:50

    assert answer.ok
    message = str(refused.value).replace("\u202f", " ")  # Babel puts a narrow no-break space before AM/PM
    assert "closed at May 2, 2030, 12:45 AM; it was open from May 1, 2030, 11:15 PM." in message
    assert [m.registration.user_id for m in marks()] == [late.id]
