"""Calendars: the .ics of an event's agenda and of one session, and the personal feed at a secret,
revocable address. Every file is read with two independent parsers: icalendar and vobject."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from sqlalchemy import event as sa_event

from workshop.agenda.models import AgendaSession, CalendarFeed, SessionKind, SpeakerRole
from workshop.events.models import EventStatus
from workshop.extensions import db
from workshop.registration.states import State

from .conftest import login, make_registration, submit

UTC = UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENING = datetime(2030, 3, 12, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


@pytest.fixture
def shanghai_event(make_event):
    def make(**fields):
        values = dict(
            title="Labour migration workshop",
            timezone="Asia/Shanghai",
            venue="ILO Office for China and Mongolia",
            city="Beijing",
            starts_at=OPENING,
            ends_at=OPENING + timedelta(days=2),
        )
        return make_event(**(values | fields))

    return make


def parse(body: bytes):
    """The calendar as icalendar and as vobject read it."""
    return icalendar.Calendar.from_ical(body), vobject.readOne(body.decode("utf-8"))


def vevents(body: bytes) -> tuple[list, list]:
    calendar, vcalendar = parse(body)
    return list(calendar.walk("VEVENT")), list(vcalendar.contents.get("vevent", []))


def tzids(body: bytes) -> set[str]:
    return {str(tz["TZID"]) for tz in icalendar.Calendar.from_ical(body).walk("VTIMEZONE")}


def fetch(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


# --- the whole agenda and one session ----------------------------------------------------------------


def test_the_agenda_of_a_shanghai_event_reads_the_same_in_two_calendar_parsers(
    client, shanghai_event, make_session, make_speaker
):
    event = shanghai_event()
    opening = make_session(event, title="Opening plenary", start=OPENING, minutes=90, room="Main hall")
    visit = make_session(
        event,
        title="Visit to a job centre",
        kind=SessionKind.SITE_VISIT,
        start=OPENING + timedelta(hours=5),
        address="88 Chaoyang Road",
        city="Beijing",
        directions="The bus leaves the hotel at 13:30.",
    )
    make_speaker(event, "Wang Fang", "王芳", sessions=[opening], role=SpeakerRole.CHAIR, affiliation="MOHRSS")
    make_speaker(event, "Anna Schmidt", "", sessions=[opening])

    response = fetch(client, f"/events/{event.slug}/agenda.ics")

    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f"attachment; filename={event.slug}.ics"
    body = response.get_data()
    calendar, vcalendar = parse(body)
    assert str(calendar["PRODID"]) and str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Labour migration workshop"
    assert vcalendar.x_wr_calname.value == "Labour migration workshop"
    assert tzids(body) == {"Asia/Shanghai"}
    assert [tz.tzid.value for tz in vcalendar.contents["vtimezone"]] == ["Asia/Shanghai"]

    events = {str(c["UID"]): c for c in calendar.walk("VEVENT")}
    assert set(events) == {f"session-{opening.id}@workshops", f"session-{visit.id}@workshops"}
    first = events[f"session-{opening.id}@workshops"]
    assert first["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert first.decoded("DTSTART") == datetime(2030, 3, 12, 9, 0, tzinfo=SHANGHAI)
    assert first.decoded("DTEND") == datetime(2030, 3, 12, 10, 30, tzinfo=SHANGHAI)
    assert str(first["SUMMARY"]) == "Opening plenary"
    assert str(first["LOCATION"]) == "Main hall, ILO Office for China and Mongolia, Beijing"
    assert "Wang Fang 王芳 (Chair)" in str(first["DESCRIPTION"])
    assert "Anna Schmidt (Speaker)" in str(first["DESCRIPTION"])
    assert str(first["URL"]) == f"http://workshops.test/events/{event.slug}/agenda/{opening.id}"
    assert str(first["STATUS"]) == "CONFIRMED"
    assert int(first["SEQUENCE"]) == 0
    assert "DTSTAMP" in first and "LAST-MODIFIED" in first
    assert str(events[f"session-{visit.id}@workshops"]["LOCATION"]) == "88 Chaoyang Road, Beijing"
    assert "The bus leaves the hotel at 13:30." in str(events[f"session-{visit.id}@workshops"]["DESCRIPTION"])

    # vobject reads the same times through the VTIMEZONE, and the same words
    v = {c.uid.value: c for c in vcalendar.contents["vevent"]}[f"session-{opening.id}@workshops"]
    assert v.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Asia/Shanghai"]  # resolved through the VTIMEZONE
    assert v.dtstart.value.astimezone(UTC) == OPENING
    assert v.dtstart.value.utcoffset() == timedelta(hours=8)
    assert v.dtend.value.astimezone(UTC) == OPENING + timedelta(minutes=90)
    assert "王芳" in v.description.value
    assert v.location.value == "Main hall, ILO Office for China and Mongolia, Beijing"
    assert v.status.value == "CONFIRMED"


def test_one_session_comes_as_its_own_calendar_file(client, shanghai_event, make_session, make_speaker):
    event = shanghai_event()
    wanted = make_session(
        event, title="Panel on social protection", kind=SessionKind.PANEL, start=OPENING + timedelta(hours=2)
    )
    make_session(event, title="Another session")
    make_speaker(event, "Wang Fang", "王芳", sessions=[wanted], role=SpeakerRole.MODERATOR)

    response = fetch(client, f"/events/{event.slug}/agenda/{wanted.id}.ics")

    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    body = response.get_data()
    components, vcomponents = vevents(body)
    assert [str(c["UID"]) for c in components] == [f"session-{wanted.id}@workshops"]
    assert [c.uid.value for c in vcomponents] == [f"session-{wanted.id}@workshops"]
    assert components[0].decoded("DTSTART") == datetime(2030, 3, 12, 11, 0, tzinfo=SHANGHAI)
    assert vcomponents[0].dtstart.value.astimezone(UTC) == OPENING + timedelta(hours=2)
    assert "Wang Fang 王芳 (Moderator)" in vcomponents[0].description.value
    assert tzids(body) == {"Asia/Shanghai"}
    assert "X-WR-CALNAME" in icalendar.Calendar.from_ical(body)


def test_long_text_in_chinese_and_punctuation_comes_back_whole_from_folded_lines(client, shanghai_event, make_session):
    event = shanghai_event()
    title = "Panel; questions, answers \\ and notes: 劳动力迁移与社会保障政策对话" * 3
    description = "第一行，有逗号；有分号。\nSecond line, with a comma; and a semicolon.\n" + "劳动监察数据交换" * 20
    make_session(event, title=title, description=description, room="Hall 1, east wing")

    body = fetch(client, f"/events/{event.slug}/agenda.ics").get_data()

    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    decoded = [line.decode("utf-8") for line in lines]  # raises if a character were cut in two
    assert sum(line.startswith(" ") for line in decoded) > 5  # folded onto continuation lines
    (component,), (vcomponent,) = vevents(body)
    assert str(component["SUMMARY"]) == vcomponent.summary.value == title
    assert description in str(component["DESCRIPTION"]) and description in vcomponent.description.value
    assert vcomponent.location.value.startswith("Hall 1, east wing, ")


def test_a_cancelled_session_says_so_to_calendar_applications(client, shanghai_event, make_session):
    event = shanghai_event()
    cancelled = make_session(event, title="Field trip", cancelled=True)

    for url in (f"/events/{event.slug}/agenda.ics", f"/events/{event.slug}/agenda/{cancelled.id}.ics"):
        components, vcomponents = vevents(fetch(client, url).get_data())
        assert [str(c["STATUS"]) for c in components] == ["CANCELLED"]
        assert [c.status.value for c in vcomponents] == ["CANCELLED"]


def test_the_uid_stays_and_the_sequence_grows_when_an_organiser_changes_a_session(
    app, client, shanghai_event, make_session, make_user
):
    organiser = make_user(can_create_events=True)
    event = shanghai_event(organiser=organiser)
    session = make_session(event, title="Opening plenary", start=OPENING, room="Main hall")
    url = f"/events/{event.slug}/agenda/{session.id}.ics"

    before = fetch(client, url).get_data()
    again = fetch(client, url).get_data()
    assert again == before  # nothing changed, nothing differs

    as_organiser = app.test_client()
    login(as_organiser, organiser)
    edit_url = f"/manage/events/{event.slug}/agenda/{session.id}"
    response = submit(
        as_organiser,
        edit_url,
        {
            "title": "Opening plenary",
            "kind": "plenary",
            "starts_at": "2030-03-12T09:30",
            "ends_at": "2030-03-12T11:00",
            "room": "Room 2",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)

    after = fetch(client, url).get_data()
    (old,), (new,) = vevents(before)[0], vevents(after)[0]
    (vold,), (vnew,) = vevents(before)[1], vevents(after)[1]
    assert str(new["UID"]) == str(old["UID"]) == f"session-{session.id}@workshops"
    assert vnew.uid.value == vold.uid.value
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    assert int(vnew.sequence.value) > int(vold.sequence.value)
    assert new.decoded("DTSTART") == datetime(2030, 3, 12, 9, 30, tzinfo=SHANGHAI)
    assert str(new["LOCATION"]).startswith("Room 2")


def test_a_drafts_calendar_and_a_session_of_another_event_are_not_found(
    app, client, shanghai_event, make_session, make_user
):
    organiser = make_user(can_create_events=True)
    draft = shanghai_event(status=EventStatus.DRAFT, organiser=organiser)
    session = make_session(draft)
    other = shanghai_event()

    assert client.get(f"/events/{draft.slug}/agenda.ics").status_code == 404
    assert client.get(f"/events/{draft.slug}/agenda/{session.id}.ics").status_code == 404
    assert client.get(f"/events/{other.slug}/agenda/{session.id}.ics").status_code == 404
    assert client.get("/events/no-such-event/agenda.ics").status_code == 404

    as_organiser = app.test_client()
    login(as_organiser, organiser)
    assert as_organiser.get(f"/events/{draft.slug}/agenda.ics").status_code == 200


def test_an_event_in_utc_or_with_no_sessions_still_makes_a_calendar_both_parsers_read(client, make_event, make_session):
    in_utc = make_event(timezone="UTC")
    make_session(in_utc)
    empty = make_event()

    body = fetch(client, f"/events/{in_utc.slug}/agenda.ics").get_data()
    components, vcomponents = vevents(body)
    assert components[0].decoded("DTSTART") == in_utc.starts_at
    assert vcomponents[0].dtstart.value == in_utc.starts_at
    assert tzids(body) == set()

    calendar, vcalendar = parse(fetch(client, f"/events/{empty.slug}/agenda.ics").get_data())
    assert list(calendar.walk("VEVENT")) == [] and "vevent" not in vcalendar.contents


# --- the personal feed ----------------------------------------------------------------------------


def feed_token(user) -> str | None:
    return db.session.scalar(db.select(CalendarFeed.token).where(CalendarFeed.user_id == user.id))


def create_feed(client) -> str:
    response = submit(client, "/account/calendar", {"action": "create"})
    assert response.status_code == 302
    return response


def test_the_feed_has_the_sessions_of_the_events_a_person_is_confirmed_for_or_speaks_at(
    app, client, shanghai_event, make_event, make_session, make_speaker, make_user
):
    person = make_user(full_name="Li Wei")
    confirmed = shanghai_event(title="Confirmed workshop")
    waitlisted = make_event(title="Full workshop")
    speaking = make_event(
        title="Course I teach",
        timezone="Europe/London",
        starts_at=datetime(2030, 6, 1, 8, tzinfo=UTC),
        ends_at=datetime(2030, 6, 2, 8, tzinfo=UTC),
    )
    draft = make_event(title="Draft workshop", status=EventStatus.DRAFT)
    cancelled_registration = make_event(title="Cancelled registration")
    make_registration(confirmed, person)
    make_registration(waitlisted, person, state=State.WAITLISTED)
    make_registration(draft, person)
    make_registration(cancelled_registration, person, state=State.CANCELLED)
    opening = make_session(confirmed, title="Opening plenary", start=OPENING, room="Main hall")
    cancelled = make_session(
        confirmed, title="Dinner", kind=SessionKind.MEAL, start=OPENING + timedelta(hours=10), cancelled=True
    )
    make_speaker(confirmed, "Wang Fang", "王芳", sessions=[opening], role=SpeakerRole.CHAIR)
    make_session(waitlisted, title="Not for the waiting list")
    make_session(draft, title="Not yet published")
    make_session(cancelled_registration, title="Not after cancelling")
    lecture = make_session(speaking, title="Inspection techniques", start=datetime(2030, 6, 1, 8, tzinfo=UTC))
    make_speaker(speaking, "Li Wei", "李伟", sessions=[lecture], user=person)

    login(client, person)
    create_feed(client)
    token = feed_token(person)
    assert token and len(token) >= 43

    visitor = app.test_client()  # a calendar application: no login, only the address
    response = fetch(visitor, f"/calendar/{token}.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response.headers["Cache-Control"] and "max-age=" in response.headers["Cache-Control"]
    body = response.get_data()
    calendar, vcalendar = parse(body)
    assert str(calendar["X-WR-CALNAME"]) and vcalendar.x_wr_calname.value
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)  # a calendar application looks every hour
    assert tzids(body) == {"Asia/Shanghai", "Europe/London"}

    titles = sorted(str(c["SUMMARY"]) for c in calendar.walk("VEVENT"))
    assert titles == ["Dinner", "Inspection techniques", "Opening plenary"]
    assert sorted(c.summary.value for c in vcalendar.contents["vevent"]) == titles
    events = {c.uid.value: c for c in vcalendar.contents["vevent"]}
    assert events[f"session-{opening.id}@workshops"].dtstart.value.astimezone(UTC) == OPENING
    assert events[f"session-{opening.id}@workshops"].dtstart.value.utcoffset() == timedelta(hours=8)
    assert "Wang Fang 王芳 (Chair)" in events[f"session-{opening.id}@workshops"].description.value
    assert events[f"session-{cancelled.id}@workshops"].status.value == "CANCELLED"
    london = events[f"session-{lecture.id}@workshops"].dtstart
    assert london.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/London"] and london.value.hour == 9  # British Summer Time


def test_the_feed_answers_not_modified_to_a_calendar_that_has_the_latest_copy(
    app, client, shanghai_event, make_session, make_user
):
    person = make_user()
    event = shanghai_event()
    make_registration(event, person)
    make_session(event)
    login(client, person)
    create_feed(client)
    url = f"/calendar/{feed_token(person)}.ics"

    first = fetch(app.test_client(), url)
    again = app.test_client().get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304 and again.get_data() == b""


def test_the_calendar_page_gives_the_secret_address_and_a_new_one_kills_the_old(app, client, make_user):
    person = make_user()
    login(client, person)

    page = fetch(client, "/account/calendar").get_data(as_text=True)
    assert 'value="create"' in page and feed_token(person) is None
    assert "/account/calendar" in fetch(client, "/registrations").get_data(as_text=True)

    create_feed(client)
    old = feed_token(person)
    response = fetch(client, "/account/calendar")
    page = response.get_data(as_text=True)
    assert f"http://workshops.test/calendar/{old}.ics" in page
    assert f"webcal://workshops.test/calendar/{old}.ics" in page
    assert response.headers["Cache-Control"] == "no-store"
    create_feed(client)  # asking again keeps the address
    assert feed_token(person) == old

    assert submit(client, "/account/calendar", {"action": "renew"}).status_code == 302
    new = feed_token(person)
    assert new and new != old
    assert app.test_client().get(f"/calendar/{old}.ics").status_code == 404
    assert app.test_client().get(f"/calendar/{new}.ics").status_code == 200
    assert f"/calendar/{new}.ics" in fetch(client, "/account/calendar").get_data(as_text=True)


def test_a_revoked_feed_address_is_not_found_and_serves_nothing(app, client, make_user, shanghai_event, make_session):
    person = make_user()
    event = shanghai_event()
    make_registration(event, person)
    make_session(event, title="Opening plenary")
    login(client, person)
    create_feed(client)
    token = feed_token(person)
    assert b"Opening plenary" in fetch(app.test_client(), f"/calendar/{token}.ics").get_data()

    response = submit(client, "/account/calendar", {"action": "revoke"})

    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(CalendarFeed)) == 0
    gone = app.test_client().get(f"/calendar/{token}.ics")
    assert gone.status_code == 404
    assert b"BEGIN:VCALENDAR" not in gone.get_data() and b"Opening plenary" not in gone.get_data()
    assert 'value="create"' in fetch(client, "/account/calendar").get_data(as_text=True)


def test_made_up_feed_addresses_are_not_found(app, client, make_user):
    person = make_user()
    login(client, person)
    create_feed(client)
    token = feed_token(person)

    for guess in ("x", token[:-1], token + "a", token.upper() if token.upper() != token else token.lower(), "a" * 200):
        assert client.get(f"/calendar/{guess}.ics").status_code == 404, guess


def test_the_calendar_page_is_for_logged_in_people_and_refuses_an_unknown_action(app, client, make_user):
    response = client.get("/account/calendar")
    assert response.status_code == 302 and "/login" in response.headers["Location"]

    person = make_user()
    login(client, person)
    response = submit(client, "/account/calendar", {"action": "delete-everything"})
    assert response.status_code == 400
    assert feed_token(person) is None


def test_one_persons_actions_never_touch_anothers_feed(app, client, make_user):
    first, second = make_user(), make_user()
    other_client = app.test_client()
    login(client, first)
    login(other_client, second)
    create_feed(client)
    create_feed(other_client)
    first_token = feed_token(first)

    submit(other_client, "/account/calendar", {"action": "revoke"})

    assert feed_token(first) == first_token and feed_token(second) is None
    assert app.test_client().get(f"/calendar/{first_token}.ics").status_code == 200


# --- queries ----------------------------------------------------------------------------------------


class StatementCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        sa_event.listen(self.engine, "before_cursor_execute", self.seen)
        return self

    def __exit__(self, *exc):
        sa_event.remove(self.engine, "before_cursor_execute", self.seen)

    def seen(self, *args, **kwargs):
        self.count += 1


def agenda_with(make_event, make_session, make_speaker, sessions: int):
    event = make_event(timezone="Asia/Shanghai")
    made = [
        make_session(event, title=f"Session {i}", start=event.starts_at + timedelta(hours=i)) for i in range(sessions)
    ]
    for i in range(0, sessions, 2):
        make_speaker(event, f"Speaker {i}", f"王芳{i}", sessions=made[i : i + 2], role=SpeakerRole.CHAIR)
    return event


def statements_for(client, url: str) -> int:
    """The SQL statements of one request for ``url``, after a first one that opened the connection."""
    fetch(client, url)
    with StatementCounter(db.engine) as counter:
        fetch(client, url)
    return counter.count


def test_the_calendar_of_an_event_takes_as_many_queries_for_50_sessions_as_for_5(
    client, make_event, make_session, make_speaker, make_user
):
    small = f"/events/{agenda_with(make_event, make_session, make_speaker, 5).slug}/agenda.ics"
    large = f"/events/{agenda_with(make_event, make_session, make_speaker, 50).slug}/agenda.ics"

    assert statements_for(client, small) == statements_for(client, large)
    assert len(list(icalendar.Calendar.from_ical(fetch(client, large).get_data()).walk("VEVENT"))) == 50


def test_the_feed_takes_as_many_queries_for_50_sessions_as_for_5(
    app, client, make_event, make_session, make_speaker, make_user
):
    person = make_user()
    login(client, person)
    create_feed(client)
    url = f"/calendar/{feed_token(person)}.ics"
    small = agenda_with(make_event, make_session, make_speaker, 5)
    make_registration(small, person)
    reader = app.test_client()
    few = statements_for(reader, url)

    large = agenda_with(make_event, make_session, make_speaker, 50)
    make_registration(large, person)

    assert statements_for(reader, url) == few
    assert db.session.scalar(db.select(db.func.count()).select_from(AgendaSession)) == 55
