"""Calendars and the programme are cheap to poll: a calendar application or a reader holding the
current copy gets 304 Not Modified without the file being made again, and any change to the agenda
gives the files a new ETag at once."""

from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.http import http_date

from workshop.agenda.models import SpeakerRole
from workshop.events.models import Event, EventStatus
from workshop.extensions import db

from .conftest import login, make_registration, submit
from .test_calendars import create_feed, feed_token
from .test_speakers import counted_statements

OPENING = datetime(2030, 3, 12, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


@pytest.fixture
def programme(app, make_event, make_session, make_speaker, make_user):
    """An event in Shanghai with two sessions and a speaker, and a client logged in as its organiser."""
    organiser = make_user(can_create_events=True)
    event = make_event(
        organiser=organiser,
        title="Labour migration workshop",
        timezone="Asia/Shanghai",
        city="Beijing",
        starts_at=OPENING,
        ends_at=OPENING + timedelta(days=2),
    )
    opening = make_session(event, title="Opening plenary", start=OPENING, room="Main hall")
    panel = make_session(event, title="Panel on platform work", start=OPENING + timedelta(hours=3))
    speaker = make_speaker(event, "Wang Fang", "王芳", sessions=[opening], role=SpeakerRole.CHAIR)
    as_organiser = app.test_client()
    login(as_organiser, organiser)
    return event, opening, panel, speaker, as_organiser


def documents(event, session) -> list[str]:
    return [
        f"/events/{event.slug}/agenda.ics",
        f"/events/{event.slug}/agenda/{session.id}.ics",
        f"/events/{event.slug}/programme.pdf",
    ]


def changed(event, ago: timedelta) -> None:
    """As if the agenda had last changed ``ago`` (a bulk update, which raises no revision)."""
    db.session.execute(db.update(Event).where(Event.id == event.id).values(updated_at=datetime.now(UTC) - ago))
    db.session.commit()


@pytest.mark.parametrize("document", [0, 1, 2], ids=["agenda.ics", "session.ics", "programme.pdf"])
def test_a_copy_of_the_current_version_is_answered_not_modified_without_reading_the_agenda(
    app, client, programme, document
):
    event, opening, *_ = programme
    url = documents(event, opening)[document]

    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')

    with counted_statements() as run:
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"] and again.headers["Cache-Control"] == "no-cache"
    assert not [statement for statement in run if "agenda_session" in statement or "speaker" in statement]


def test_a_copy_dated_after_the_last_change_is_answered_not_modified(client, programme):
    event, opening, panel, speaker, as_organiser = programme
    changed(event, ago=timedelta(hours=1))
    url = documents(event, opening)[0]

    first = client.get(url)
    dated = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert first.headers["Last-Modified"] == http_date(
        db.session.get(Event, event.id).updated_at.replace(microsecond=0)
    )
    assert dated.status_code == 304

    submit(as_organiser, f"/manage/events/{event.slug}/agenda/{panel.id}/delete", {})

    after = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert after.status_code == 200 and b"Panel on platform work" not in after.get_data()


def test_a_change_in_this_very_second_is_not_given_as_a_date(client, programme):
    """A copy dated this second might miss another change in the same second: only the ETag tells."""
    event, opening, *_ = programme
    changed(event, ago=timedelta(seconds=-5))  # or a little ahead, as another server's clock may be

    response = client.get(documents(event, opening)[0])
    assert response.status_code == 200 and "ETag" in response.headers and "Last-Modified" not in response.headers


def add_session(event, opening, panel, speaker, organiser):
    form = {
        "title": "Closing plenary",
        "kind": "plenary",
        "starts_at": "2030-03-13T16:00",
        "ends_at": "2030-03-13T17:00",
    }
    return submit(organiser, f"/manage/events/{event.slug}/agenda", form), b"Closing plenary"


def edit_session(event, opening, panel, speaker, organiser):
    form = {
        "title": "Opening plenary",
        "kind": "plenary",
        "starts_at": "2030-03-12T09:00",
        "ends_at": "2030-03-12T10:30",
    }
    return submit(organiser, f"/manage/events/{event.slug}/agenda/{opening.id}", form | {"room": "Room 2"}), b"Room 2"


def move_session(event, opening, panel, speaker, organiser):
    move = f"/manage/events/{event.slug}/agenda/{panel.id}/move"
    return submit(organiser, move, {"minutes": "30"}, form_url=f"/manage/events/{event.slug}/agenda"), b"T123000"


def delete_session(event, opening, panel, speaker, organiser):
    return submit(organiser, f"/manage/events/{event.slug}/agenda/{panel.id}/delete", {}), b"SEQUENCE"


def edit_event(event, opening, panel, speaker, organiser):
    form = {
        "kind": "workshop",
        "title": "Labour migration workshop",
        "summary": "Two days in Beijing.",
        "venue": "China World Hotel",
        "city": "Beijing",
        "country": "CN",
        "timezone": "Asia/Shanghai",
        "starts_at": "2030-03-12T09:00",
        "ends_at": "2030-03-14T09:00",
        "status": "published",
    }
    return submit(organiser, f"/manage/events/{event.slug}/edit", form), b"China World Hotel"


def rename_speaker(event, opening, panel, speaker, organiser):
    form = {"full_name": "Wang Fang", "native_name": "王芳", "affiliation": "MOHRSS"}
    return submit(organiser, f"/manage/events/{event.slug}/speakers/{speaker.id}", form | {"full_name": "Fang Wang"}), (
        b"Fang Wang"
    )


def add_speaker_to_session(event, opening, panel, speaker, organiser):
    profile = f"/manage/events/{event.slug}/speakers/{speaker.id}"
    form = {"session_id": panel.id, "role": "discussant"}
    return submit(organiser, f"{profile}/sessions", form, form_url=profile), b"Discussant"


def remove_speaker_from_session(event, opening, panel, speaker, organiser):
    profile = f"/manage/events/{event.slug}/speakers/{speaker.id}"
    (link,) = speaker.sessions
    return submit(organiser, f"{profile}/sessions/{link.id}/remove", {}, form_url=profile), b"SEQUENCE"


@pytest.mark.parametrize(
    "change",
    [
        add_session,
        edit_session,
        move_session,
        delete_session,
        edit_event,
        rename_speaker,
        add_speaker_to_session,
        remove_speaker_from_session,
    ],
)
def test_a_change_to_the_agenda_gives_every_calendar_and_the_programme_a_new_etag_at_once(client, programme, change):
    event, opening, *_ = programme
    urls = documents(event, opening)
    before = {url: client.get(url).headers["ETag"] for url in urls}

    response, shown = change(*programme)
    assert response.status_code == 302, response.get_data(as_text=True)

    for url in urls:
        after = client.get(url, headers={"If-None-Match": before[url]})
        assert after.status_code == 200 and after.headers["ETag"] != before[url], url
    assert shown in client.get(urls[0]).get_data()


def test_a_change_to_another_event_keeps_the_etag(client, programme, make_event, make_session):
    event, opening, *_ = programme
    url = documents(event, opening)[0]
    tag = client.get(url).headers["ETag"]

    other = make_event()
    make_session(other, title="Another event's session")

    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304


def test_a_copy_in_another_language_is_not_the_current_one(client, programme):
    event, opening, *_ = programme
    url = documents(event, opening)[0]
    english = client.get(url, headers={"Accept-Language": "en"})

    chinese = client.get(url, headers={"Accept-Language": "zh", "If-None-Match": english.headers["ETag"]})

    assert chinese.status_code == 200 and chinese.headers["ETag"] != english.headers["ETag"]


def test_a_drafts_calendar_stays_not_found_to_the_public_whatever_copy_they_claim(app, programme):
    event, opening, panel, speaker, as_organiser = programme
    event.status = EventStatus.DRAFT
    db.session.commit()
    url = documents(event, opening)[0]
    tag = as_organiser.get(url).headers["ETag"]

    assert app.test_client().get(url, headers={"If-None-Match": tag}).status_code == 404


def test_the_feed_gets_a_new_etag_when_its_events_or_their_agendas_change(
    app, client, programme, make_event, make_session, make_user
):
    event, opening, panel, speaker, as_organiser = programme
    person = make_user()
    make_registration(event, person)
    login(client, person)
    create_feed(client)
    url = f"/calendar/{feed_token(person)}.ics"
    reader = app.test_client()
    first = reader.get(url).headers["ETag"]
    assert reader.get(url, headers={"If-None-Match": first}).status_code == 304

    edit_session(*programme)
    second = reader.get(url, headers={"If-None-Match": first})
    assert second.status_code == 200 and b"Room 2" in second.get_data()

    other = make_event(title="Social protection course")
    make_session(other, title="Pensions for migrant workers")
    assert reader.get(url, headers={"If-None-Match": second.headers["ETag"]}).status_code == 304
    make_registration(other, person)
    third = reader.get(url, headers={"If-None-Match": second.headers["ETag"]})
    assert third.status_code == 200 and b"Pensions for migrant workers" in third.get_data()
