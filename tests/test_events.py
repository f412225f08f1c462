import re
from datetime import UTC, datetime

from sqlalchemy import func

from workshop.events.models import Event, EventKind, EventStatus
from workshop.extensions import db

from .conftest import counted_statements, login, logout, submit

EVENT_FORM = {
    "kind": "workshop",
    "title": "Chinese migration to Europe: survey findings and policy dialogue",
    "summary": "Two days on the working conditions of Chinese migrants in Europe.",
    "description": (
        "## Programme\n\n**Day one**: survey findings.\n\n<script>alert('x')</script>[link](javascript:alert(1))"
    ),
    "venue": "Jubilee Campus",
    "city": "Nottingham",
    "country": "GB",
    "timezone": "Europe/London",
    "starts_at": "2027-03-15T09:00",
    "ends_at": "2027-03-16T17:30",
    "registration_opens_at": "2027-01-10T09:00",
    "registration_closes_at": "2027-03-01T23:59",
    "capacity": "60",
    "approval_required": "y",
    "status": "draft",
    "partners": "China Policy Institute\nInternational Labour Organization\n\nInternational Organization for Migration",
    "contact_email": "workshop@example.org",
}


def event_count() -> int:
    return db.session.scalar(db.select(func.count()).select_from(Event))


def only_event() -> Event:
    return db.session.scalars(db.select(Event)).one()


def test_an_organiser_creates_a_draft_and_publishes_it(client, make_user):
    organiser = make_user(can_create_events=True)
    login(client, organiser)

    response = submit(client, "/manage/events/new", EVENT_FORM)

    event = only_event()
    assert response.headers["Location"] == f"/events/{event.slug}"
    assert event.slug == "chinese-migration-to-europe-survey-findings-and-policy-dialogue-2027"
    assert event.status is EventStatus.DRAFT
    assert event.starts_at == datetime(2027, 3, 15, 9, 0, tzinfo=UTC)  # London is on GMT in March
    assert [p.name for p in event.partners] == [
        "China Policy Institute",
        "International Labour Organization",
        "International Organization for Migration",
    ]
    assert event.organisers == [organiser]
    assert client.get(f"/events/{event.slug}").status_code == 200

    submit(client, f"/manage/events/{event.slug}/status", {"status": "published"}, form_url=f"/events/{event.slug}")

    assert only_event().status is EventStatus.PUBLISHED
    assert str(event.title) in client.get("/").get_data(as_text=True)


def test_times_are_stored_in_utc_and_shown_in_the_event_zone(client, make_user):
    organiser = make_user(can_create_events=True)
    login(client, organiser)
    form = EVENT_FORM | {
        "timezone": "Asia/Shanghai",
        "status": "published",
        "starts_at": "2027-03-15T09:00",
        "ends_at": "2027-03-15T23:30",
    }

    submit(client, "/manage/events/new", form)

    event = only_event()
    assert event.starts_at == datetime(2027, 3, 15, 1, 0, tzinfo=UTC)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "9:00" in page and "11:30" in page
    assert "Asia/Shanghai (UTC+08:00)" in page


def test_the_time_zone_list_names_zones_in_the_readers_language(client, make_user):
    login(client, make_user(can_create_events=True, locale="zh"))
    chinese = client.get("/manage/events/new").get_data(as_text=True)
    logout(client)
    login(client, make_user(can_create_events=True, locale="en"))
    english = client.get("/manage/events/new").get_data(as_text=True)

    assert '<option value="Asia/Shanghai">北京时间（UTC+08:00）</option>' in chinese
    assert re.search(r'value="Europe/London">英国时间（UTC[+]0[01]:00）</option>', chinese)  # GMT or BST
    assert '<option value="Asia/Shanghai">Asia/Shanghai</option>' in english


def test_the_edit_form_shows_local_times_and_saves_changes(client, make_user):
    organiser = make_user(can_create_events=True)
    login(client, organiser)
    submit(client, "/manage/events/new", EVENT_FORM | {"timezone": "Asia/Shanghai"})
    event = only_event()

    page = client.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert 'value="2027-03-15T09:00"' in page

    submit(
        client,
        f"/manage/events/{event.slug}/edit",
        EVENT_FORM | {"timezone": "Asia/Shanghai", "city": "Beijing", "capacity": "80"},
    )
    event = only_event()
    assert (event.city, event.capacity, event.slug) == ("Beijing", 80, event.slug)


def test_the_description_is_markdown_without_scripts(client, make_event):
    event = make_event(description=EVENT_FORM["description"])
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "<h2>Programme</h2>" in page
    assert "<strong>Day one</strong>" in page
    assert "<script>alert" not in page
    assert "javascript:alert" not in page


def test_an_edited_description_shows_at_once_and_stays_without_scripts(client, make_event):
    event = make_event(description="## Old plan")
    client.get(f"/events/{event.slug}")
    login(client, event.organisers[0])

    submit(
        client, f"/manage/events/{event.slug}/edit", EVENT_FORM | {"description": "## New plan <script>x()</script>"}
    )

    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "<h2>New plan" in page and "Old plan" not in page and "<script>x()" not in page


def test_a_link_defined_in_one_description_does_not_reach_another(client, make_event):
    first = make_event(description="Read the [notes][ref].\n\n[ref]: https://example.org/first")
    second = make_event(description="See [the agenda][ref] too.")

    first_page = client.get(f"/events/{first.slug}").get_data(as_text=True)
    second_page = client.get(f"/events/{second.slug}").get_data(as_text=True)

    assert 'href="https://example.org/first"' in first_page
    assert "https://example.org/first" not in second_page
    assert "[the agenda][ref]" in second_page


def test_an_event_ending_before_it_starts_is_refused(client, make_user):
    login(client, make_user(can_create_events=True))
    page = submit(client, "/manage/events/new", EVENT_FORM | {"ends_at": "2027-03-14T09:00"}).get_data(as_text=True)
    assert "The event must end after it starts." in page
    assert EVENT_FORM["title"] in page  # what was typed is kept
    assert event_count() == 0


def test_a_time_the_clocks_skip_is_refused(client, make_user):
    login(client, make_user(can_create_events=True))
    form = EVENT_FORM | {
        "starts_at": "2027-03-28T01:30",
        "ends_at": "2027-03-28T17:00",
        "registration_closes_at": "2027-03-20T12:00",
    }

    page = submit(client, "/manage/events/new", form).get_data(as_text=True)

    assert "This time does not exist in Europe/London: the clocks go forward then." in page
    assert 'value="2027-03-28T01:30"' in page
    assert event_count() == 0


def test_registration_closing_at_a_time_the_clocks_skip_is_refused(client, make_user):
    login(client, make_user(can_create_events=True))
    page = submit(
        client,
        "/manage/events/new",
        EVENT_FORM | {"registration_closes_at": "2027-03-28T01:15", "ends_at": "2027-03-30T17:00"},
    ).get_data(as_text=True)
    assert "This time does not exist in Europe/London" in page
    assert event_count() == 0


def test_an_event_in_the_hour_the_clocks_go_back_takes_the_first_of_the_two(client, make_user):
    login(client, make_user(can_create_events=True))
    form = EVENT_FORM | {
        "starts_at": "2027-10-31T01:30",
        "ends_at": "2027-10-31T01:45",
        "registration_closes_at": "2027-10-30T12:00",
    }

    submit(client, "/manage/events/new", form)

    event = only_event()
    assert event.starts_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 01:30 summer time, before the clocks go back
    assert event.ends_at == datetime(2027, 10, 31, 0, 45, tzinfo=UTC)
    assert event.ends_at > event.starts_at


def test_an_unknown_time_zone_is_refused(client, make_user):
    login(client, make_user(can_create_events=True))
    page = submit(client, "/manage/events/new", EVENT_FORM | {"timezone": "Mars/Olympus_Mons"}).get_data(as_text=True)
    assert "Unknown time zone" in page
    assert event_count() == 0


def test_registration_closing_before_it_opens_is_refused(client, make_user):
    login(client, make_user(can_create_events=True))
    page = submit(client, "/manage/events/new", EVENT_FORM | {"registration_closes_at": "2027-01-01T09:00"}).get_data(
        as_text=True
    )
    assert "Registration must close after it opens." in page
    assert event_count() == 0


def test_a_title_over_its_length_is_refused(client, make_user):
    login(client, make_user(can_create_events=True))
    page = submit(client, "/manage/events/new", EVENT_FORM | {"title": "x" * 201}).get_data(as_text=True)
    assert "The English text is longer than 200 characters." in page
    assert event_count() == 0


def test_an_edit_with_bad_input_changes_nothing(client, make_event):
    event = make_event(city="Nottingham")
    login(client, event.organisers[0])
    submit(client, f"/manage/events/{event.slug}/edit", EVENT_FORM | {"city": "Leeds", "timezone": "Nowhere/City"})
    assert only_event().city == "Nottingham"


def test_a_draft_is_not_found_by_the_public(client, make_event, make_user):
    draft = make_event(status=EventStatus.DRAFT, title="A draft workshop")
    assert client.get(f"/events/{draft.slug}").status_code == 404
    assert "A draft workshop" not in client.get("/").get_data(as_text=True)
    login(client, make_user())
    assert client.get(f"/events/{draft.slug}").status_code == 404


def test_an_organiser_sees_their_draft(client, make_event):
    draft = make_event(status=EventStatus.DRAFT)
    login(client, draft.organisers[0])
    assert client.get(f"/events/{draft.slug}").status_code == 200


def test_an_organiser_manages_only_their_events(client, make_event, make_user):
    mine = make_event()
    theirs = make_event()
    login(client, mine.organisers[0])

    assert client.get(f"/manage/events/{mine.slug}/edit").status_code == 200
    assert client.get(f"/manage/events/{theirs.slug}/edit").status_code == 403
    response = submit(client, f"/manage/events/{theirs.slug}/status", {"status": "draft"}, form_url="/")
    assert response.status_code == 403
    assert db.session.get(Event, theirs.id).status is EventStatus.PUBLISHED
    assert str(theirs.title) not in client.get("/manage/events").get_data(as_text=True)


def test_a_participant_gets_403_on_management_pages(client, make_event, make_user):
    event = make_event()
    login(client, make_user())
    assert client.get("/manage/events").status_code == 403
    assert client.get("/manage/events/new").status_code == 403
    assert client.get(f"/manage/events/{event.slug}/edit").status_code == 403
    assert client.get(f"/manage/events/{event.slug}/organisers").status_code == 403
    assert client.get(f"/manage/events/{event.slug}/team").status_code == 403
    assert submit(client, "/manage/events/new", EVENT_FORM, form_url="/").status_code == 403
    assert event_count() == 1


def test_management_pages_ask_a_visitor_to_log_in(client, make_event):
    event = make_event()
    assert client.get(f"/manage/events/{event.slug}/edit").headers["Location"].startswith("/login")


def test_an_admin_names_the_organisers_of_an_event(client, make_event, make_user):
    admin = make_user(is_admin=True)
    event = make_event()
    colleague = make_user(email="chen.jing@example.org", full_name="Chen Jing")
    login(client, admin)

    submit(client, f"/manage/events/{event.slug}/team", {"email": "Chen.Jing@example.org", "role": "organiser"})

    assert colleague in db.session.get(Event, event.id).organisers
    logout(client)
    other = client.application.test_client()
    login(other, colleague)
    assert other.get(f"/manage/events/{event.slug}/edit").status_code == 200


def test_an_organiser_of_another_event_cannot_name_organisers(client, make_event, make_user):
    event = make_event()
    outsider = make_user()
    login(client, make_event().organisers[0])
    response = submit(
        client, f"/manage/events/{event.slug}/team", {"email": outsider.email, "role": "organiser"}, form_url="/"
    )
    assert response.status_code == 403
    assert outsider not in db.session.get(Event, event.id).organisers


def test_upcoming_events_filter_by_kind(client, make_event):
    workshop = make_event(title="Workshop on migration data", kind=EventKind.WORKSHOP)
    tour = make_event(title="Study tour of the UK labour inspectorate", kind=EventKind.STUDY_TOUR)

    page = client.get("/?kind=study_tour").get_data(as_text=True)

    assert str(tour.title) in page and str(workshop.title) not in page
    everything = client.get("/?kind=unknown").get_data(as_text=True)
    assert str(tour.title) in everything and str(workshop.title) in everything


def test_past_events_are_listed_apart(client, make_event):
    past = make_event(title="Policy dialogue in Brussels", starts_in_days=-100)
    upcoming = make_event(title="Training on labour inspection")

    assert str(past.title) not in client.get("/").get_data(as_text=True)
    page = client.get("/events/past").get_data(as_text=True)
    assert str(past.title) in page and str(upcoming.title) not in page


def test_the_event_page_shows_partners_venue_and_zone(client, make_event):
    event = make_event(
        venue="Jubilee Campus",
        city="Nottingham",
        country="GB",
        partners=["International Labour Organization", "International Organization for Migration"],
    )
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Jubilee Campus" in page and "United Kingdom" in page
    assert "International Organization for Migration" in page
    assert "Europe/London" in page


def test_an_unknown_event_is_404(client):
    response = client.get("/events/no-such-event")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_slugs_stay_unique_and_readable(client, make_user):
    login(client, make_user(can_create_events=True))
    submit(client, "/manage/events/new", EVENT_FORM)
    submit(client, "/manage/events/new", EVENT_FORM)
    submit(client, "/manage/events/new", EVENT_FORM | {"title": "中国移民研讨会"})
    slugs = sorted(db.session.scalars(db.select(Event.slug)))
    assert slugs == [
        "chinese-migration-to-europe-survey-findings-and-policy-dialogue-2027",
        "chinese-migration-to-europe-survey-findings-and-policy-dialogue-2027-2",
        "event-2027",
    ]


def test_an_admin_lets_a_user_create_events(client, make_user):
    admin = make_user(is_admin=True)
    user = make_user(full_name="Zhou Lin")
    login(client, admin)
    submit(client, f"/admin/users/{user.id}/event-creator", {}, form_url="/admin/users")
    db.session.refresh(user)
    assert user.can_create_events


def test_only_admins_see_the_users(client, make_user):
    login(client, make_user())
    assert client.get("/admin/users").status_code == 403


def test_the_event_page_links_to_the_agenda_speakers_materials_and_calendar(client, make_event, make_user):
    from workshop.events.models import EventKind

    event = make_event()
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    for path in ("agenda", "speakers", "materials", "programme.pdf", "agenda.ics"):
        assert f'href="/events/{event.slug}/{path}"' in page
    assert f"/manage/events/{event.slug}/agenda" not in page  # organisers' links only for organisers

    tour = make_event(kind=EventKind.STUDY_TOUR)
    assert ">Itinerary</a>" in client.get(f"/events/{tour.slug}").get_data(as_text=True)


def test_the_event_lists_and_page_need_as_many_queries_for_44_events_as_for_2(client, make_event):
    def events(count: int, first: int) -> None:
        for n in range(first, first + count):
            ahead = n % 2 == 0
            make_event(
                title=f"Meeting {n}",
                starts_in_days=(n + 1) if ahead else -(n + 10),
                partners=["ILO", "IOM"][: 1 + n % 2],
                country=("CN", "GB")[n % 2],
            )

    def queries(url: str) -> int:
        client.get(url)  # warm up
        with counted_statements() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    events(2, 0)
    event_page = f"/events/{db.session.scalars(db.select(Event.slug)).first()}"
    few = {url: queries(url) for url in ("/", "/events/past", event_page)}
    events(42, 2)  # more than a page of 20 each, upcoming and past
    many = {url: queries(url) for url in ("/", "/events/past", event_page)}

    assert many == few
    first_page = client.get("/").get_data(as_text=True)
    assert "Meeting 22" in first_page and "Page 1 of 2" in first_page
    assert "Page 1 of 2" in client.get("/?kind=workshop").get_data(as_text=True)  # every one is a workshop


def test_the_event_page_shows_an_edit_of_its_dates_venue_and_partners_at_once(client, make_event):
    event = make_event(partners=["Old Partner"])
    assert "Old Partner" in client.get(f"/events/{event.slug}").get_data(as_text=True)
    login(client, event.organisers[0])

    submit(
        client,
        f"/manage/events/{event.slug}/edit",
        EVENT_FORM | {"partners": "New Partner", "venue": "Palais des Nations", "status": "published"},
    )

    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "New Partner" in page and "Old Partner" not in page and "Palais des Nations" in page


def test_the_lists_of_events_show_an_edit_at_once_in_every_process(app, client, make_event):
    event = make_event(summary="Old summary", partners=["Old Partner"])
    past = make_event(title="Finished workshop", starts_in_days=-10, days=1)
    assert "Old summary" in client.get("/").get_data(as_text=True)
    assert "Finished workshop" in client.get("/events/past").get_data(as_text=True)
    login(client, event.organisers[0])

    submit(
        client,
        f"/manage/events/{event.slug}/edit",
        EVENT_FORM | {"summary": "New summary", "partners": "New Partner", "status": "published"},
    )
    past.title = "Finished workshop, renamed"  # another process's change, straight to the database
    db.session.commit()

    upcoming = client.get("/").get_data(as_text=True)
    assert "New summary" in upcoming and "New Partner" in upcoming
    assert "Old summary" not in upcoming and "Old Partner" not in upcoming
    assert "Finished workshop, renamed" in client.get("/events/past").get_data(as_text=True)


def test_the_lists_of_events_show_cards_in_the_reader_s_language(client, make_event):
    make_event(country="CN")
    assert "China" in client.get("/").get_data(as_text=True)

    chinese = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)

    assert "中国" in chinese and "研讨会" in chinese


def test_an_event_that_leaves_the_public_list_leaves_its_cards(client, make_event):
    event = make_event(title="Workshop soon withdrawn")
    assert "Workshop soon withdrawn" in client.get("/").get_data(as_text=True)

    event.status = EventStatus.DRAFT
    db.session.commit()

    assert "Workshop soon withdrawn" not in client.get("/").get_data(as_text=True)
