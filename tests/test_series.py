"""Series of events: organisers create them, events join them, readers find the events of one."""

import pytest
from sqlalchemy import func

from workshop.events.models import Event, EventStatus, Series
from workshop.extensions import db

from .conftest import counted_statements, login, logout, submit
from .test_events import EVENT_FORM

SERIES_FORM = {
    "title-en": "Trainings on labour inspection",
    "title-zh": "劳动监察培训",
    "slug": "labour-inspection",
    "description-en": "Courses for **labour inspectors**.",
    "description-zh": "为**劳动监察员**开设的课程。",
}


def series_count() -> int:
    return db.session.scalar(db.select(func.count()).select_from(Series))


@pytest.fixture
def organiser(make_user):
    return make_user(can_create_events=True)


@pytest.fixture
def series(organiser):
    made = Series(
        slug="labour-inspection", title={"en": "Labour inspection", "zh": "劳动监察"}, created_by_id=organiser.id
    )
    db.session.add(made)
    db.session.commit()
    return made


def test_an_organiser_creates_a_series_and_puts_an_event_in_it(client, organiser):
    login(client, organiser)

    response = submit(client, "/manage/series/new", SERIES_FORM)

    series = db.session.scalars(db.select(Series)).one()
    assert response.headers["Location"] == "/series/labour-inspection"
    assert series.title.texts == {"en": "Trainings on labour inspection", "zh": "劳动监察培训"}
    assert "labour-inspection" in client.get("/manage/series").get_data(as_text=True)
    form_page = client.get("/manage/events/new").get_data(as_text=True)
    assert f'<option value="{series.id}">Trainings on labour inspection</option>' in form_page

    submit(client, "/manage/events/new", EVENT_FORM | {"status": "published", "series_id": str(series.id)})

    event = db.session.scalars(db.select(Event)).one()
    assert event.series_id == series.id
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert 'href="/series/labour-inspection"' in page


def test_the_series_page_lists_its_public_events_in_the_reader_s_language(client, make_event, series):
    make_event(title={"en": "Inspection basics", "zh": "监察基础"}, series_id=series.id)
    make_event(title={"en": "Inspection of mines", "zh": "矿山监察"}, series_id=series.id, starts_in_days=-60)
    make_event(title="A draft in the series", series_id=series.id, status=EventStatus.DRAFT)
    make_event(title="Another series' event")

    english = client.get("/series/labour-inspection").get_data(as_text=True)
    chinese = client.get("/series/labour-inspection", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)

    assert "Labour inspection" in english
    upcoming_part, past_part = english.split('<h2 class="h4">Past events', 1)
    assert "Inspection basics" in upcoming_part and "Inspection of mines" in past_part
    assert "A draft in the series" not in english and "Another series" not in english
    assert "劳动监察" in chinese and "监察基础" in chinese and "矿山监察" in chinese
    assert client.get("/series/no-such-series").status_code == 404


def test_an_organiser_edits_their_series(client, organiser, series):
    login(client, organiser)

    submit(client, "/manage/series/labour-inspection/edit", SERIES_FORM | {"slug": "inspection"})

    assert db.session.get(Series, series.id).slug == "inspection"
    assert client.get("/series/inspection").status_code == 200


def test_a_taken_series_address_is_refused_and_nothing_is_saved(client, organiser, series):
    login(client, organiser)

    response = submit(client, "/manage/series/new", SERIES_FORM | {"slug": "labour-inspection"})

    page = response.get_data(as_text=True)
    assert '<div id="slug-error"><div class="invalid-feedback d-block">This address is already taken' in page
    assert "劳动监察培训" in page  # what was typed stays
    assert series_count() == 1


def test_a_series_address_that_is_not_one_is_refused(client, organiser):
    login(client, organiser)

    response = submit(client, "/manage/series/new", SERIES_FORM | {"slug": "Labour inspection!"})

    assert '<div id="slug-error"><div class="invalid-feedback d-block">Use lower-case letters' in response.get_data(
        as_text=True
    )
    assert series_count() == 0


def test_a_participant_or_another_organiser_cannot_create_or_edit_a_series(client, make_user, series):
    participant = make_user()
    other_organiser = make_user(can_create_events=True)

    login(client, participant)
    assert client.get("/manage/series/new").status_code == 403
    assert submit(client, "/manage/series/new", SERIES_FORM | {"slug": "new-one"}, form_url="/").status_code == 403
    assert client.get("/manage/series/labour-inspection/edit").status_code == 403
    logout(client)
    login(client, other_organiser)
    assert client.get("/manage/series/labour-inspection/edit").status_code == 403
    edit = submit(client, "/manage/series/labour-inspection/edit", SERIES_FORM | {"slug": "taken-over"}, form_url="/")
    assert edit.status_code == 403
    logout(client)

    assert client.get("/manage/series/labour-inspection/edit").status_code == 302  # to the login page
    assert series_count() == 1 and db.session.get(Series, series.id).slug == "labour-inspection"


def test_an_event_cannot_join_a_series_that_does_not_exist(client, organiser):
    login(client, organiser)

    response = submit(client, "/manage/events/new", EVENT_FORM | {"series_id": "999"})

    assert '<div id="series_id-error"><div class="invalid-feedback d-block">Choose a series from the list.' in (
        response.get_data(as_text=True)
    )
    assert db.session.scalar(db.select(func.count()).select_from(Event)) == 0


def test_an_event_joins_only_a_series_its_organiser_runs_or_created(client, make_user, make_event, series):
    stranger = make_user(can_create_events=True)
    theirs = make_event(organiser=stranger)
    login(client, stranger)

    form_page = client.get(f"/manage/events/{theirs.slug}/edit").get_data(as_text=True)
    response = submit(client, f"/manage/events/{theirs.slug}/edit", EVENT_FORM | {"series_id": str(series.id)})

    assert "Labour inspection" not in form_page
    assert response.status_code == 200 and db.session.get(Event, theirs.id).series_id is None


def test_the_organisers_of_an_event_in_the_series_put_their_next_event_in_it(client, make_user, make_event, series):
    colleague = make_user(can_create_events=True)
    make_event(organiser=colleague, series_id=series.id)
    login(client, colleague)

    submit(client, "/manage/events/new", EVENT_FORM | {"series_id": str(series.id)})

    assert db.session.scalar(db.select(func.count()).where(Event.series_id == series.id)) == 2


def test_the_event_form_offers_the_series_one_may_join_in_as_many_queries_for_many_series_as_for_one(
    client, make_user, make_event, series
):
    colleague = make_user(can_create_events=True)
    make_event(organiser=colleague, series_id=series.id)
    login(client, colleague)
    with counted_statements() as one:
        first = client.get("/manage/events/new").get_data(as_text=True)
    others = [Series(slug=f"series-{n}", title={"en": f"Other series {n}"}) for n in range(12)]
    mine = Series(slug="colleague-series", title={"en": "The colleague's own series"}, created_by_id=colleague.id)
    db.session.add_all([*others, mine])
    db.session.commit()

    with counted_statements() as many:
        page = client.get("/manage/events/new").get_data(as_text=True)

    assert "Labour inspection" in first and "Labour inspection" in page  # they organise an event in it
    assert "own series" in page
    assert "Other series" not in page
    assert len(many) == len(one)
