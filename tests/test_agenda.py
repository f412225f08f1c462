"""The agenda: organisers add, edit, move and delete sessions; visitors read it by day, in the event's
time zone or their own; a study tour reads as an itinerary; organisers are warned of clashes."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event as sa_event

from workshop.agenda import conflicts, timetable
from workshop.agenda.models import AgendaSession, SessionKind, SessionSpeaker, Speaker, SpeakerRole
from workshop.events.models import EventKind, EventStatus
from workshop.extensions import db

from .conftest import login, submit

UTC = UTC


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


SESSION_FORM = {
    "title": "Labour inspection in the platform economy",
    "kind": "panel",
    "starts_at": "2027-01-12T09:00",
    "ends_at": "2027-01-12T10:30",
    "room": "Room 101",
    "track": "",
    "address": "",
    "city": "",
    "directions": "",
    "description": "Findings of the **2026 survey**.",
    "counts_for_attendance": "y",
}


@pytest.fixture
def organiser(make_user):
    return make_user(full_name="Olivia Organiser", can_create_events=True)


@pytest.fixture
def shanghai_event(make_event, organiser):
    """Two days in Beijing time, in January (London is on GMT, 8 hours behind)."""
    return make_event(
        organiser=organiser,
        title="Decent work dialogue",
        timezone="Asia/Shanghai",
        starts_at=utc(2027, 1, 12, 0, 30),
        ends_at=utc(2027, 1, 13, 10, 0),  # 12 Jan 08:30 – 13 Jan 18:00 Beijing
    )


def manage_url(event) -> str:
    return f"/manage/events/{event.slug}/agenda"


def edit_url(event, session) -> str:
    return f"/manage/events/{event.slug}/agenda/{session.id}"


def agenda_url(event, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/events/{event.slug}/agenda" + (f"?{query}" if query else "")


def stored(session) -> AgendaSession:
    db.session.expire_all()
    return db.session.get(AgendaSession, session.id)


def sessions_of(event) -> list[AgendaSession]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            db.select(AgendaSession).where(AgendaSession.event_id == event.id).order_by(AgendaSession.id)
        )
    )


def page_of(response) -> str:
    return response.get_data(as_text=True)


def time_tag(iso: str, text: str) -> str:
    """A time as the page shows it: English puts a narrow no-break space before AM and PM."""
    return f'<time datetime="{iso}">{text.replace(" ", chr(0x202F))}</time>'


# --- organisers add, edit, move, delete -------------------------------------------------


def test_an_organiser_adds_a_session_in_the_events_time_zone_and_it_is_stored_in_utc(client, shanghai_event, organiser):
    login(client, organiser)

    response = submit(client, manage_url(shanghai_event), SESSION_FORM)

    assert response.status_code == 302
    [added] = sessions_of(shanghai_event)
    assert (added.title, added.kind, added.room) == (SESSION_FORM["title"], SessionKind.PANEL, "Room 101")
    assert (added.starts_at, added.ends_at) == (
        utc(2027, 1, 12, 1, 0),
        utc(2027, 1, 12, 2, 30),
    )  # 09:00 Beijing is 01:00 UTC
    assert added.counts_for_attendance and not added.cancelled and added.sequence == 0
    page = page_of(client.get(response.headers["Location"]))
    assert f"“{SESSION_FORM['title']}” is added to the agenda." in page
    assert time_tag("2027-01-12T09:00:00+08:00", "9:00 AM") in page
    assert "Asia/Shanghai (UTC+08:00)" in page


def test_editing_a_session_saves_the_changes_and_raises_its_sequence(client, shanghai_event, organiser, make_session):
    session = make_session(shanghai_event, title="Opening", start=utc(2027, 1, 12, 1, 0), minutes=60)
    login(client, organiser)
    page = page_of(client.get(edit_url(shanghai_event, session)))
    assert 'value="2027-01-12T09:00"' in page and 'value="2027-01-12T10:00"' in page  # shown in Beijing time

    changed = SESSION_FORM | {
        "title": "Opening plenary",
        "kind": "plenary",
        "starts_at": "2027-01-12T09:30",
        "ends_at": "2027-01-12T10:15",
        "cancelled": "y",
    }
    response = submit(client, edit_url(shanghai_event, session), changed)

    assert response.headers["Location"] == manage_url(shanghai_event)
    saved = stored(session)
    assert (saved.title, saved.kind, saved.cancelled) == ("Opening plenary", SessionKind.PLENARY, True)
    assert (saved.starts_at, saved.ends_at) == (utc(2027, 1, 12, 1, 30), utc(2027, 1, 12, 2, 15))
    assert saved.sequence == 1

    submit(client, edit_url(shanghai_event, session), changed | {"cancelled": ""})
    assert (stored(session).sequence, stored(session).cancelled) == (2, False)


@pytest.mark.parametrize("ends_at", ["2027-01-12T08:00", "2027-01-12T09:00"])
def test_a_session_ending_before_or_when_it_starts_is_refused_and_nothing_changes(
    client, shanghai_event, organiser, make_session, ends_at
):
    login(client, organiser)
    page = page_of(submit(client, manage_url(shanghai_event), SESSION_FORM | {"ends_at": ends_at}))
    assert "The session must end after it starts." in page
    assert f'value="{SESSION_FORM["title"]}"' in page  # what was typed is kept
    assert sessions_of(shanghai_event) == []

    session = make_session(shanghai_event, title="Unchanged", start=utc(2027, 1, 12, 1, 0), minutes=60)
    page = page_of(submit(client, edit_url(shanghai_event, session), SESSION_FORM | {"ends_at": ends_at}))
    assert "The session must end after it starts." in page
    saved = stored(session)
    assert (saved.title, saved.ends_at, saved.sequence) == ("Unchanged", utc(2027, 1, 12, 2, 0), 0)


def test_the_service_refuses_an_end_before_the_start_by_itself(app, shanghai_event, organiser):
    from workshop.agenda.services import SessionData, add_session
    from workshop.errors import DomainError

    data = SessionData(
        title="Backwards", kind="plenary", starts_at=datetime(2027, 1, 12, 10, 0), ends_at=datetime(2027, 1, 12, 9, 0)
    )
    with pytest.raises(DomainError) as error:
        add_session(organiser, shanghai_event.id, data)
    assert error.value.field == "ends_at"
    assert sessions_of(shanghai_event) == []


def test_a_time_the_clocks_skip_is_refused(client, make_event, organiser):
    event = make_event(
        organiser=organiser, starts_at=utc(2027, 3, 27, 9, 0), ends_at=utc(2027, 3, 28, 17, 0)
    )  # Europe/London
    login(client, organiser)

    page = page_of(
        submit(
            client, manage_url(event), SESSION_FORM | {"starts_at": "2027-03-28T01:30", "ends_at": "2027-03-28T03:00"}
        )
    )

    assert "This time does not exist in Europe/London: the clocks go forward then." in page
    assert sessions_of(event) == []


def test_a_session_moves_by_minutes_and_to_another_day_at_the_same_local_time(
    client, make_event, organiser, make_session
):
    event = make_event(
        organiser=organiser, starts_at=utc(2027, 3, 26, 9, 0), ends_at=utc(2027, 3, 29, 17, 0)
    )  # Europe/London
    session = make_session(event, title="Field visit", start=utc(2027, 3, 27, 10, 0), minutes=90)  # Saturday 10:00 GMT
    login(client, organiser)
    move = f"/manage/events/{event.slug}/agenda/{session.id}/move"

    submit(client, move, {"minutes": "15"}, form_url=manage_url(event))
    assert (stored(session).starts_at, stored(session).ends_at, stored(session).sequence) == (
        utc(2027, 3, 27, 10, 15),
        utc(2027, 3, 27, 11, 45),
        1,
    )

    response = submit(client, move, {"days": "1"}, form_url=manage_url(event))  # Sunday: the clocks have gone forward
    assert stored(session).starts_at == utc(2027, 3, 28, 9, 15)  # still 10:15 on the wall clock, now BST
    assert stored(session).ends_at - stored(session).starts_at == timedelta(minutes=90)
    assert stored(session).sequence == 2
    assert "“Field visit” now starts" in page_of(client.get(response.headers["Location"]))

    submit(client, move, {"minutes": "-30", "days": "-1", "back": "edit"}, form_url=edit_url(event, session))
    assert (stored(session).starts_at, stored(session).sequence) == (utc(2027, 3, 27, 9, 45), 3)


def test_a_move_into_the_hour_the_clocks_skip_or_by_nothing_is_refused(client, make_event, organiser, make_session):
    event = make_event(organiser=organiser, starts_at=utc(2027, 3, 27, 9, 0), ends_at=utc(2027, 3, 28, 17, 0))
    session = make_session(event, start=utc(2027, 3, 28, 0, 30), minutes=30)  # 00:30 GMT
    login(client, organiser)
    move = f"/manage/events/{event.slug}/agenda/{session.id}/move"

    page = page_of(
        submit(client, move, {"minutes": "60"}, form_url=manage_url(event), follow_redirects=True)
    )  # 01:30 does not exist
    assert "This time does not exist in Europe/London" in page
    page = page_of(submit(client, move, {"minutes": "abc"}, form_url=manage_url(event), follow_redirects=True))
    assert "Enter whole numbers of minutes and days" in page
    page = page_of(submit(client, move, {"minutes": "0"}, form_url=manage_url(event), follow_redirects=True))
    assert "Say by how much to move the session." in page
    assert (stored(session).starts_at, stored(session).sequence) == (utc(2027, 3, 28, 0, 30), 0)


def test_deleting_a_session_asks_first_and_keeps_its_speakers(
    client, shanghai_event, organiser, make_session, make_speaker
):
    session = make_session(shanghai_event, title="To be dropped")
    speaker = make_speaker(shanghai_event, sessions=[session])
    login(client, organiser)
    url = f"/manage/events/{shanghai_event.slug}/agenda/{session.id}/delete"

    page = page_of(client.get(url))
    assert "Delete “To be dropped”?" in page
    assert sessions_of(shanghai_event) != []  # asking deletes nothing

    response = submit(client, url, {})

    assert response.headers["Location"] == manage_url(shanghai_event)
    assert sessions_of(shanghai_event) == []
    assert db.session.get(Speaker, speaker.id) is not None
    assert db.session.scalar(db.select(db.func.count()).select_from(SessionSpeaker)) == 0
    assert "“To be dropped” is deleted from the agenda." in page_of(client.get(manage_url(shanghai_event)))


def test_the_materials_of_a_deleted_session_stay_with_the_event(client, shanghai_event, organiser, make_session):
    from workshop.materials.models import Material

    session = make_session(shanghai_event, title="With slides")
    db.session.add(
        Material(event_id=shanghai_event.id, session_id=session.id, title="Slides", url="https://example.org/slides")
    )
    db.session.commit()
    login(client, organiser)

    submit(client, f"/manage/events/{shanghai_event.slug}/agenda/{session.id}/delete", {})

    assert sessions_of(shanghai_event) == []
    material = db.session.scalars(db.select(Material)).one()
    assert (material.event_id, material.session_id, material.title) == (shanghai_event.id, None, "Slides")


# --- the public agenda ------------------------------------------------------------------


def test_the_agenda_groups_by_day_and_shows_parallel_sessions_side_by_side_with_their_tracks(
    client, shanghai_event, make_session
):
    make_session(shanghai_event, title="Opening", start=utc(2027, 1, 12, 1, 0), minutes=60)  # 09:00–10:00 Beijing
    make_session(shanghai_event, title="Inspection", start=utc(2027, 1, 12, 2, 0), minutes=90, track="B")
    make_session(shanghai_event, title="Social dialogue", start=utc(2027, 1, 12, 2, 0), minutes=60, track="A")
    make_session(shanghai_event, title="Skills", start=utc(2027, 1, 12, 3, 0), minutes=30, track="A")
    make_session(shanghai_event, title="Closing", start=utc(2027, 1, 13, 8, 0), minutes=60)

    page = page_of(client.get(agenda_url(shanghai_event)))

    days = page.split('data-testid="day"')[1:]
    assert len(days) == 2
    assert "Day 1" in days[0] and "Tuesday, January 12, 2027" in days[0]
    assert "Day 2" in days[1] and "Wednesday, January 13, 2027" in days[1] and "Closing" in days[1]
    [parallel] = days[0].split('data-testid="parallel"')[1:]
    columns = parallel.split('data-testid="column"')[1:]
    assert len(columns) == 2
    assert "Track: A" in columns[0] and "Social dialogue" in columns[0] and "Skills" in columns[0]
    assert "Track: B" in columns[1] and "Inspection" in columns[1]
    assert "Opening" not in parallel  # before the parallel sessions, on its own
    assert "Times are shown in Asia/Shanghai (UTC+08:00)." in page
    assert time_tag("2027-01-12T10:00:00+08:00", "10:00 AM") in page


def test_the_timetable_puts_overlapping_sessions_in_columns_that_never_overlap_themselves(shanghai_event):
    def at(hour, minutes, title, track=""):
        return AgendaSession(
            id=hash(title) % 10000,
            event_id=shanghai_event.id,
            title=title,
            kind=SessionKind.PANEL,
            track=track,
            starts_at=utc(2027, 1, 12, hour),
            ends_at=utc(2027, 1, 12, hour) + timedelta(minutes=minutes),
        )

    sessions = [at(1, 120, "Long"), at(1, 60, "First"), at(2, 60, "Second"), at(2, 30, "Third"), at(4, 60, "Alone")]
    [day] = timetable.timetable(sessions, "UTC")

    parallel, alone = day.blocks
    assert [[slot.session.title for slot in column.slots] for column in parallel.columns] == [
        ["First", "Third"],
        ["Long"],
        ["Second"],
    ]
    assert not alone.parallel and [slot.session.title for slot in alone.slots] == ["Alone"]
    for column in parallel.columns:
        assert all(a.ends <= b.starts for a, b in zip(column.slots, column.slots[1:], strict=False))


def test_cancelled_sessions_are_struck_through_and_marked(client, shanghai_event, make_session):
    make_session(shanghai_event, title="Called off", cancelled=True)
    make_session(shanghai_event, title="Still on", start=shanghai_event.starts_at + timedelta(hours=2))

    page = page_of(client.get(agenda_url(shanghai_event)))

    assert re.search(r"<del>Called off</del></a>\s*<span[^>]*data-testid=\"cancelled\">Cancelled</span>", page)
    assert "<del>Still on</del>" not in page and "Still on" in page


def test_each_session_lists_its_speakers_with_their_role(client, shanghai_event, make_session, make_speaker):
    panel = make_session(shanghai_event, title="Panel on migration")
    make_speaker(
        shanghai_event,
        full_name="Wang Fang",
        native_name="王芳",
        sessions=[panel],
        role=SpeakerRole.CHAIR,
        affiliation="CASS",
    )
    make_speaker(shanghai_event, full_name="Anna Schmidt", native_name="", sessions=[panel])

    page = page_of(client.get(agenda_url(shanghai_event)))

    text = re.sub(r"<[^>]+>", "", page)
    assert "Chair: Wang Fang (王芳), CASS" in text and "Speaker: Anna Schmidt" in text


def test_an_event_in_shanghai_seen_from_london_shifts_times_and_days(client, shanghai_event, make_session):
    make_session(
        shanghai_event, title="Morning plenary", start=utc(2027, 1, 12, 1, 0), minutes=60
    )  # 09:00 Beijing, 01:00 London
    make_session(
        shanghai_event, title="Early visit", start=utc(2027, 1, 12, 23, 0), minutes=60
    )  # 13 Jan 07:00 Beijing, 12 Jan 23:00 London

    beijing = page_of(client.get(agenda_url(shanghai_event)))
    london = page_of(client.get(agenda_url(shanghai_event, tz="Europe/London")))

    assert time_tag("2027-01-12T09:00:00+08:00", "9:00 AM") in beijing
    assert len(beijing.split('data-testid="day"')) == 3  # two days in Beijing
    assert "Times are shown in Europe/London (UTC+00:00)." in london
    assert "Show in the event's time zone (Asia/Shanghai)" in london
    assert time_tag("2027-01-12T01:00:00+00:00", "1:00 AM") in london
    assert time_tag("2027-01-12T23:00:00+00:00", "11:00 PM") in london
    [only_day] = london.split('data-testid="day"')[1:]  # both on 12 January in London
    assert "Tuesday, January 12, 2027" in only_day and "Early visit" in only_day
    assert f"/agenda/{sessions_of(shanghai_event)[0].id}?tz=Europe/London" in london  # the choice follows the links
    assert "<option selected>Europe/London</option>" in london and london.count("<option selected>") == 1
    assert "<option selected>Asia/Shanghai</option>" in beijing and beijing.count("<option selected>") == 1
    assert f'/agenda/{sessions_of(shanghai_event)[0].id}"' in beijing  # the event's own zone: no tz in links


def test_a_session_crossing_midnight_shows_on_its_start_day_with_its_end_on_the_next(client, make_event, make_session):
    event = make_event(
        kind=EventKind.STUDY_TOUR,
        timezone="Asia/Shanghai",
        starts_at=utc(2027, 1, 11, 0, 0),
        ends_at=utc(2027, 1, 14, 10, 0),
    )
    make_session(
        event, title="Overnight train to Xi'an", kind=SessionKind.TRAVEL, start=utc(2027, 1, 12, 14, 0), minutes=210
    )  # 22:00–01:30

    page = page_of(client.get(agenda_url(event)))

    [day] = page.split('data-testid="day"')[1:]
    assert "Tuesday, January 12, 2027" in day
    assert (
        time_tag("2027-01-12T22:00:00+08:00", "10:00 PM") + "–" + time_tag("2027-01-13T01:30:00+08:00", "1:30 AM")
        in day
    )
    assert '<span class="next-day" data-testid="next-day">(next day)</span>' in day
    session = sessions_of(event)[0]
    one = page_of(client.get(f"/events/{event.slug}/agenda/{session.id}"))
    assert "(next day)" in one and "Tuesday, January 12, 2027" in one


def test_an_unknown_time_zone_is_named_and_the_events_zone_is_shown(client, shanghai_event, make_session):
    session = make_session(shanghai_event, title="Morning plenary", start=utc(2027, 1, 12, 1, 0))

    for url in (
        agenda_url(shanghai_event, tz="Mars/Olympus"),
        f"/events/{shanghai_event.slug}/agenda/{session.id}?tz=Mars/Olympus",
    ):
        response = client.get(url)
        page = page_of(response)
        assert response.status_code == 200, url
        assert (
            "“Mars/Olympus” is not a time zone we know, so the times are shown in the event's time zone, Asia/Shanghai."
            in page
        )
        assert time_tag("2027-01-12T09:00:00+08:00", "9:00 AM") in page

    page = page_of(client.get(agenda_url(shanghai_event, tz="<script>alert(1)</script>")))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_the_agenda_has_a_button_for_the_visitors_own_zone_and_a_select_that_works_without_javascript(
    client, shanghai_event
):
    page = page_of(client.get(agenda_url(shanghai_event)))

    assert 'data-my-timezone data-current="Asia/Shanghai" data-label="Show in my time zone (__ZONE__)"' in page
    assert "js/agenda.js" in page and "css/agenda.css" in page
    assert '<select id="tz" name="tz"' in page and "<option selected>Asia/Shanghai</option>" in page


def test_the_session_page_shows_details_place_directions_speakers_and_a_sanitised_description(
    client, shanghai_event, make_session, make_speaker
):
    session = make_session(
        shanghai_event,
        title="Visit to a logistics park",
        kind=SessionKind.SITE_VISIT,
        room="Gate 3",
        address="88 Jingang Road",
        city="Tianjin",
        directions="Coach from the hotel at 08:15.",
        description="**Bring** your passport.<script>alert('x')</script>",
    )
    make_speaker(shanghai_event, full_name="Li Na", native_name="李娜", sessions=[session], role=SpeakerRole.MODERATOR)

    page = page_of(client.get(f"/events/{shanghai_event.slug}/agenda/{session.id}"))

    assert "Visit to a logistics park" in page and "Site visit" in page
    assert "Gate 3, 88 Jingang Road, Tianjin" in page
    assert "Coach from the hotel at 08:15." in page
    assert "Moderator:</span>" in page and 'Li Na (<span lang="zh">李娜</span>)' in page
    assert "<strong>Bring</strong> your passport." in page and "<script>alert" not in page


def test_a_study_tour_reads_as_a_day_by_day_itinerary(client, make_event, make_session):
    tour = make_event(
        kind=EventKind.STUDY_TOUR,
        title="Study tour: labour inspection in the Jing-Jin-Ji region",
        timezone="Asia/Shanghai",
        starts_at=utc(2027, 5, 10, 0, 0),
        ends_at=utc(2027, 5, 11, 12, 0),
    )
    make_session(
        tour,
        title="Briefing at the Ministry",
        kind=SessionKind.PLENARY,
        start=utc(2027, 5, 10, 1, 0),
        city="Beijing",
        address="12 Hepingli Middle Street",
    )
    make_session(
        tour,
        title="High-speed train to Tianjin",
        kind=SessionKind.TRAVEL,
        start=utc(2027, 5, 10, 6, 0),
        minutes=40,
        city="Tianjin",
        address="Beijing South Railway Station",
        directions="Meet at the hotel lobby at 13:15; tickets are handed out on the platform.",
    )
    make_session(
        tour,
        title="Visit to the port's labour inspectorate",
        kind=SessionKind.SITE_VISIT,
        start=utc(2027, 5, 10, 7, 30),
        city="Tianjin",
        address="1 Port Road, Binhai",
        directions="Coach from Tianjin station, bay 4.",
    )
    make_session(
        tour,
        title="Workers' service centre",
        kind=SessionKind.SITE_VISIT,
        start=utc(2027, 5, 11, 1, 0),
        city="Tianjin",
        address="5 Harbour Street",
    )

    page = page_of(client.get(agenda_url(tour)))

    assert '<h1 class="h2 mb-1">Itinerary</h1>' in page
    first, second = page.split('data-testid="day"')[1:]
    assert "Day 1" in first and '<p class="agenda-cities" data-testid="day-cities">Beijing → Tianjin</p>' in first
    assert "Day 2" in second and '<p class="agenda-cities" data-testid="day-cities">Tianjin</p>' in second
    assert "Where:</span> Beijing South Railway Station, Tianjin" in first
    assert (
        'How to get there:</span> <span class="directions">Meet at the hotel lobby at 13:15; tickets are handed out '
        "on the platform.</span>" in first
    )
    assert "Where:</span> 1 Port Road, Binhai, Tianjin" in first and "Coach from Tianjin station, bay 4." in first
    assert time_tag("2027-05-10T14:00:00+08:00", "2:00 PM") in first


def test_days_and_times_are_written_in_the_readers_language(client, shanghai_event, make_session):
    make_session(shanghai_event, title="开幕式", start=utc(2027, 1, 12, 1, 0))
    english = page_of(client.get(agenda_url(shanghai_event), headers={"Accept-Language": "en"}))

    page = page_of(client.get(agenda_url(shanghai_event), headers={"Accept-Language": "zh-CN,zh;q=0.9"}))

    assert "2027年1月12日星期二" in page and "2027年1月12日星期二" not in english
    assert time_tag("2027-01-12T09:00:00+08:00", "09:00") in page and "开幕式" in page


def test_every_change_to_the_agenda_shows_at_once_on_the_page_the_visitors_see(
    app, client, shanghai_event, organiser, make_session, make_speaker
):
    opening = make_session(shanghai_event, title="Opening", start=utc(2027, 1, 12, 1, 0))
    closing = make_session(shanghai_event, title="Closing", start=utc(2027, 1, 12, 8, 0))
    speaker = make_speaker(shanghai_event, full_name="Wang Fang", sessions=[opening])
    visitor = app.test_client()
    assert "Opening" in page_of(visitor.get(agenda_url(shanghai_event)))  # the days are kept from here on
    login(client, organiser)

    submit(client, edit_url(shanghai_event, opening), SESSION_FORM | {"title": "Opening plenary"})
    assert "Opening plenary" in page_of(visitor.get(agenda_url(shanghai_event)))

    speaker.full_name = "Wang Fang-Li"
    db.session.commit()
    assert "Wang Fang-Li" in page_of(visitor.get(agenda_url(shanghai_event)))

    submit(client, f"/manage/events/{shanghai_event.slug}/agenda/{closing.id}/delete", {})
    make_session(shanghai_event, title="Site visit", start=utc(2027, 1, 13, 1, 0))
    page = page_of(visitor.get(agenda_url(shanghai_event)))
    assert "Closing" not in page and "Site visit" in page


def test_an_event_without_sessions_says_so(client, shanghai_event):
    assert "The agenda is not published yet." in page_of(client.get(agenda_url(shanghai_event)))


# --- conflict warnings ------------------------------------------------------------------


def test_a_speaker_in_two_overlapping_sessions_is_a_warning_that_does_not_block(
    client, shanghai_event, organiser, make_session, make_speaker
):
    first = make_session(shanghai_event, title="Panel one", start=utc(2027, 1, 12, 1, 0), minutes=60, room="Hall A")
    second = make_session(shanghai_event, title="Panel two", start=utc(2027, 1, 12, 1, 30), minutes=60, room="Hall B")
    later = make_session(
        shanghai_event, title="Panel three", start=utc(2027, 1, 12, 2, 30), minutes=60, room="Hall B"
    )  # touches, no overlap
    make_speaker(shanghai_event, full_name="Wang Fang", native_name="王芳", sessions=[first, second, later])
    login(client, organiser)

    page = page_of(client.get(manage_url(shanghai_event)))

    assert "Wang Fang (王芳) is in two sessions at the same time: “Panel one” and “Panel two”." in page
    assert "“Panel two” and “Panel three”" not in page and "“Panel one” and “Panel three”" not in page

    response = submit(
        client,
        edit_url(shanghai_event, second),
        SESSION_FORM
        | {"title": "Panel two", "starts_at": "2027-01-12T09:45", "ends_at": "2027-01-12T10:15", "room": "Hall B"},
    )
    assert response.status_code == 302  # saved anyway
    page = page_of(client.get(response.headers["Location"]))
    assert "Your changes to “Panel two” are saved." in page
    assert "Check: Wang Fang (王芳) is in two sessions at the same time" in page


def test_two_sessions_in_the_same_room_at_once_are_a_warning(client, shanghai_event, organiser, make_session):
    make_session(shanghai_event, title="Inspection clinic", start=utc(2027, 1, 12, 1, 0), minutes=60, room="Room 101")
    make_session(
        shanghai_event,
        title="Cancelled talk",
        start=utc(2027, 1, 12, 1, 0),
        minutes=60,
        room="Room 101",
        cancelled=True,
    )
    make_session(shanghai_event, title="Elsewhere", start=utc(2027, 1, 12, 1, 0), minutes=60, room="Room 102")
    make_session(shanghai_event, title="Roomless", start=utc(2027, 1, 12, 1, 0), minutes=60)
    login(client, organiser)

    response = submit(
        client,
        manage_url(shanghai_event),
        SESSION_FORM
        | {"title": "Skills lab", "starts_at": "2027-01-12T09:30", "ends_at": "2027-01-12T11:00", "room": " room 101 "},
    )

    assert response.status_code == 302
    page = page_of(client.get(response.headers["Location"]))
    assert "Check: “Inspection clinic” and “Skills lab” are in the same room (Room 101) at the same time." in page
    assert page.count('data-conflict="room"') == 1  # not with the cancelled one, nor other rooms, nor no room


def test_a_session_outside_the_events_dates_is_a_warning(client, shanghai_event, organiser, make_session):
    make_session(
        shanghai_event, title="Early start on day one", start=utc(2027, 1, 11, 23, 30), minutes=30
    )  # 12 Jan 07:30 Beijing: fine
    login(client, organiser)

    response = submit(
        client,
        manage_url(shanghai_event),
        SESSION_FORM | {"title": "Excursion", "starts_at": "2027-01-14T09:00", "ends_at": "2027-01-14T12:00"},
    )

    assert response.status_code == 302
    assert [s.title for s in sessions_of(shanghai_event)] == ["Early start on day one", "Excursion"]
    page = page_of(client.get(response.headers["Location"]))
    assert "Check: “Excursion” is outside the event&#39;s dates." in page  # a flash message, escaped
    assert page.count('data-conflict="outside_dates"') == 1


def test_conflicts_are_found_without_comparing_every_pair(shanghai_event):
    sessions = [
        AgendaSession(
            id=i,
            event_id=shanghai_event.id,
            title=f"S{i}",
            kind=SessionKind.PANEL,
            room="Hall",
            cancelled=False,
            starts_at=utc(2027, 1, 12, 1) + timedelta(minutes=30 * i),
            ends_at=utc(2027, 1, 12, 1) + timedelta(minutes=30 * i + 45),
        )
        for i in range(6)
    ]
    found = conflicts.find_conflicts(shanghai_event, sessions)
    assert [(c.sessions[0].title, c.sessions[1].title) for c in found if c.kind is conflicts.ConflictKind.ROOM] == [
        ("S0", "S1"),
        ("S1", "S2"),
        ("S2", "S3"),
        ("S3", "S4"),
        ("S4", "S5"),
    ]


# --- who may see and change what --------------------------------------------------------


def test_a_draft_agenda_is_not_found_by_the_public_but_seen_by_its_organisers(
    app, client, make_event, organiser, make_user, make_session
):
    draft = make_event(organiser=organiser, status=EventStatus.DRAFT)
    session = make_session(draft)

    assert client.get(agenda_url(draft)).status_code == 404
    assert client.get(f"/events/{draft.slug}/agenda/{session.id}").status_code == 404
    login(client, make_user())
    assert client.get(agenda_url(draft)).status_code == 404
    as_organiser = app.test_client()
    login(as_organiser, organiser)
    assert as_organiser.get(agenda_url(draft)).status_code == 200
    assert as_organiser.get(f"/events/{draft.slug}/agenda/{session.id}").status_code == 200


def test_a_session_of_another_event_is_not_found(client, make_event, make_session):
    one, other = make_event(), make_event()
    theirs = make_session(other)
    assert client.get(f"/events/{one.slug}/agenda/{theirs.id}").status_code == 404
    assert client.get(f"/events/{one.slug}/agenda/999999").status_code == 404


def test_only_organisers_manage_the_agenda(app, client, make_event, organiser, make_user, make_session):
    event = make_event(organiser=organiser)
    draft = make_event(organiser=organiser, status=EventStatus.DRAFT)
    session = make_session(event, title="Untouched")
    urls = [manage_url(event), edit_url(event, session), f"{edit_url(event, session)}/delete"]

    assert client.get(manage_url(event)).status_code == 302  # a visitor is asked to log in
    login(client, make_user())
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.get(manage_url(draft)).status_code == 404
    posts = [
        (manage_url(event), SESSION_FORM),
        (edit_url(event, session), SESSION_FORM),
        (f"{edit_url(event, session)}/move", {"minutes": "30"}),
        (f"{edit_url(event, session)}/delete", {}),
    ]
    for url, data in posts:  # even with a valid form, a non-organiser changes nothing
        assert submit(client, url, data, form_url="/").status_code == 403, url
    saved = stored(session)
    assert (saved.title, saved.starts_at, saved.sequence) == ("Untouched", event.starts_at, 0)
    assert len(sessions_of(event)) == 1


def test_an_organiser_of_one_event_cannot_touch_a_session_of_another_through_their_own(
    client, make_event, organiser, make_session
):
    mine = make_event(organiser=organiser)
    theirs = make_session(make_event(), title="Theirs")
    login(client, organiser)

    assert client.get(edit_url(mine, theirs)).status_code == 404
    assert (
        submit(client, f"{edit_url(mine, theirs)}/move", {"minutes": "30"}, form_url=manage_url(mine)).status_code
        == 404
    )
    assert submit(client, f"{edit_url(mine, theirs)}/delete", {}, form_url=manage_url(mine)).status_code == 404
    assert (stored(theirs).title, stored(theirs).sequence) == ("Theirs", 0)


# --- queries ----------------------------------------------------------------------------


def add_sessions(event, count: int, speakers: list[Speaker]) -> None:
    for i in range(count):
        session = AgendaSession(
            event_id=event.id,
            title=f"Session {i}",
            kind=SessionKind.PANEL,
            room=f"Room {i % 3}",
            track=f"T{i % 2}",
            starts_at=event.starts_at + timedelta(minutes=40 * i),
            ends_at=event.starts_at + timedelta(minutes=40 * i + 60),
        )
        session.speakers = [
            SessionSpeaker(speaker=speakers[(2 * i + k) % len(speakers)], role=SpeakerRole.SPEAKER, position=k)
            for k in range(2)
        ]
        db.session.add(session)
    db.session.commit()


def statements_for(url: str, client) -> int:
    counted: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        counted.append(statement)

    client.get(url)  # warm-up
    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    return len(counted)


def test_the_agenda_needs_as_many_queries_for_50_sessions_as_for_5(app, client, make_event, organiser):
    as_organiser = app.test_client()
    login(as_organiser, organiser)
    counts = {}
    for size in (5, 50):
        event = make_event(organiser=organiser, days=3)
        speakers = [Speaker(event_id=event.id, full_name=f"Speaker {n}", native_name=f"讲者{n}") for n in range(size)]
        db.session.add_all(speakers)
        add_sessions(event, size, speakers)
        counts[size] = (
            statements_for(agenda_url(event), client),
            statements_for(agenda_url(event, tz="Europe/Paris"), client),
            statements_for(agenda_url(event), as_organiser),
            statements_for(manage_url(event), as_organiser),
        )
    assert counts[5] == counts[50], counts


def test_time_zones_are_named_in_the_readers_language_with_their_offset(client, shanghai_event, make_session):
    make_session(shanghai_event, title="Opening", start=utc(2027, 1, 12, 1, 0))

    chinese = page_of(client.get(agenda_url(shanghai_event), headers={"Accept-Language": "zh-CN,zh;q=0.9"}))
    london = page_of(client.get(agenda_url(shanghai_event, tz="Europe/London"), headers={"Accept-Language": "zh-CN"}))
    english = page_of(client.get(agenda_url(shanghai_event), headers={"Accept-Language": "en"}))

    assert "时间均为北京时间（UTC+08:00）。" in chinese
    assert "时间均为英国时间（UTC+00:00）。" in london
    assert "Times are shown in Asia/Shanghai (UTC+08:00)." in english and "北京时间" not in english
