"""Approving registrations when the event has too few places says how many got a place and how
many went to the waiting list instead, in English and in Chinese, in bulk and one at a time."""

from workshop.extensions import db
from workshop.registration.models import Registration
from workshop.registration.states import State

from .conftest import login, submit


def list_url(event) -> str:
    return f"/manage/events/{event.slug}/registrations"


def organiser_of(app, event, language="en"):
    client = app.test_client()
    login(client, event.organisers[0])
    if language != "en":
        submit(client, "/language", {"lang": language, "next": "/"}, form_url="/")
    return client


def approve(client, event, registrations, url=None):
    url = url or list_url(event)
    response = submit(client, url, {"action": "approve", "ids": [str(r.id) for r in registrations]})
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def states(*registrations) -> list[State]:
    db.session.expire_all()
    return [db.session.get(Registration, r.id).state for r in registrations]


def test_approving_five_with_three_places_says_two_went_to_the_waiting_list(app, make_event, add_registration):
    event = make_event(capacity=3, approval_required=True)
    pending = [add_registration(event, State.PENDING) for _ in range(5)]

    page = approve(organiser_of(app, event), event, pending)

    assert "3 approved, 2 put on the waiting list because the event is full." in page
    assert "Registrations approved" not in page
    assert states(*pending).count(State.WAITLISTED) == 2


def test_the_same_message_in_chinese(app, make_event, add_registration):
    event = make_event(capacity=1, approval_required=True)
    pending = [add_registration(event, State.PENDING) for _ in range(3)]

    page = approve(organiser_of(app, event, "zh"), event, pending)

    assert "已批准 1 人，另有 2 人因活动名额已满而列入候补名单。" in page


def test_approving_one_when_the_event_is_already_full_says_so_on_its_page(app, make_event, add_registration):
    event = make_event(capacity=1, approval_required=True)
    add_registration(event, State.CONFIRMED)
    pending = add_registration(event, State.PENDING)
    url = f"{list_url(event)}/{pending.id}"

    page = approve(organiser_of(app, event), event, [pending], url=url)

    assert "0 approved, 1 put on the waiting list because the event is full." in page
    assert states(pending) == [State.WAITLISTED]


def test_with_places_for_everyone_the_message_is_as_before(app, make_event, add_registration):
    event = make_event(capacity=10, approval_required=True)
    pending = [add_registration(event, State.PENDING) for _ in range(2)]

    page = approve(organiser_of(app, event), event, pending)

    assert "Registrations approved: 2." in page and "waiting list because" not in page


def test_someone_who_does_not_organise_the_event_cannot_approve(app, make_event, add_registration, make_user):
    event = make_event(capacity=1, approval_required=True)
    pending = add_registration(event, State.PENDING)
    other = app.test_client()
    login(other, make_user(can_create_events=True))

    response = other.post(list_url(event), data={"action": "approve", "ids": [str(pending.id)]})

    assert response.status_code in (400, 403, 404)
    assert states(pending) == [State.PENDING]
