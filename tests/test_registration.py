import itertools
from datetime import UTC

import pytest

from workshop.extensions import db
from workshop.registration.models import Registration
from workshop.registration.states import State, is_allowed

from .conftest import counted_statements, login, make_registration, register, submit, text_part

_emails = itertools.count(1)


def registration_of(user, event) -> Registration | None:
    return db.session.scalar(
        db.select(Registration).where(Registration.user_id == user.id, Registration.event_id == event.id)
    )


def state_of(user, event) -> State:
    return registration_of(user, event).state


def register_as(app, make_user, event, **user_fields):
    user = make_user(**user_fields)
    client = app.test_client()
    login(client, user)
    response = register(client, event)
    assert response.status_code == 302, response.get_data(as_text=True)
    return user, client


def test_registering_confirms_a_place_and_mails_the_participant(client, make_user, make_event, mailbox):
    event = make_event(capacity=10, title="Labour inspection against forced labour")
    user = make_user(email="li.wei@example.org")
    login(client, user)

    response = register(client, event)

    registration = registration_of(user, event)
    assert response.headers["Location"] == f"/registrations/{registration.id}"
    assert registration.state is State.CONFIRMED
    assert (registration.full_name, registration.native_name, registration.country) == ("Li Wei", "李伟", "CN")
    message = mailbox.last_to("li.wei@example.org")
    assert message["Subject"] == "Your registration for Labour inspection against forced labour is confirmed"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Confirmed" in page and "李伟" in page


def test_a_full_event_puts_people_on_the_waiting_list_in_order(app, make_user, make_event, mailbox):
    event = make_event(capacity=1)
    first, _ = register_as(app, make_user, event)
    second, _ = register_as(app, make_user, event)
    third, client = register_as(app, make_user, event)

    assert [state_of(u, event) for u in (first, second, third)] == [State.CONFIRMED, State.WAITLISTED, State.WAITLISTED]
    assert "number 2 on the waiting list" in text_part(mailbox.last_to(third.email))
    page = client.get(f"/registrations/{registration_of(third, event).id}").get_data(as_text=True)
    assert "You are number 2 on the waiting list." in page


def test_a_cancellation_promotes_the_first_on_the_waiting_list(app, make_user, make_event, mailbox):
    event = make_event(capacity=1, title="Study tour")
    first, first_client = register_as(app, make_user, event)
    second, _ = register_as(app, make_user, event)
    third, third_client = register_as(app, make_user, event)

    response = submit(first_client, f"/registrations/{registration_of(first, event).id}/cancel", {"reason": "ill"})

    assert response.status_code == 302
    assert [state_of(u, event) for u in (first, second, third)] == [State.CANCELLED, State.CONFIRMED, State.WAITLISTED]
    assert mailbox.last_to(second.email)["Subject"] == "You have a place at Study tour"
    assert "You are number 1 on the waiting list." in third_client.get(
        f"/registrations/{registration_of(third, event).id}"
    ).get_data(as_text=True)
    history = registration_of(second, event).changes
    assert [(c.from_state, c.to_state, c.actor) for c in history] == [
        (None, State.WAITLISTED, second),
        (State.WAITLISTED, State.CONFIRMED, None),
    ]


def test_raising_the_capacity_promotes_the_waiting_list_at_once(app, make_user, make_event, mailbox):
    from .test_events import EVENT_FORM

    organiser = make_user(can_create_events=True)
    event = make_event(organiser=organiser, capacity=1)
    first, _ = register_as(app, make_user, event)
    second, _ = register_as(app, make_user, event)
    third, _ = register_as(app, make_user, event)
    fourth, _ = register_as(app, make_user, event)
    organiser_client = app.test_client()
    login(organiser_client, organiser)
    form = EVENT_FORM | {
        "status": "published",
        "capacity": "3",
        "registration_opens_at": "",
        "registration_closes_at": "",
    }
    del form["approval_required"]

    response = submit(organiser_client, f"/manage/events/{event.slug}/edit", form)

    assert response.status_code == 302, response.get_data(as_text=True)
    assert [state_of(u, event) for u in (first, second, third, fourth)] == [
        State.CONFIRMED,
        State.CONFIRMED,
        State.CONFIRMED,
        State.WAITLISTED,
    ]
    assert mailbox.last_to(third.email)["Subject"] == f"You have a place at {EVENT_FORM['title']}"
    assert registration_of(fourth, event).changes[-1].to_state is State.WAITLISTED
    assert "You are number 1 on the waiting list." in _page_of(app, fourth, event)


def _page_of(app, user, event) -> str:
    client = app.test_client()
    login(client, user)
    return client.get(f"/registrations/{registration_of(user, event).id}").get_data(as_text=True)


def test_cancelling_asks_for_confirmation_first(app, make_user, make_event):
    event = make_event()
    user, client = register_as(app, make_user, event)
    registration = registration_of(user, event)
    page = client.get(f"/registrations/{registration.id}/cancel").get_data(as_text=True)
    assert "Cancel your registration for" in page
    assert state_of(user, event) is State.CONFIRMED


def test_a_cancelled_registration_may_register_again(app, make_user, make_event):
    event = make_event(capacity=5)
    user, client = register_as(app, make_user, event)
    submit(client, f"/registrations/{registration_of(user, event).id}/cancel", {})
    response = register(client, event, organisation="China Labour Inspection Office")
    assert response.status_code == 302
    registration = registration_of(user, event)
    assert (registration.state, registration.organisation) == (State.CONFIRMED, "China Labour Inspection Office")
    assert [c.to_state for c in registration.changes] == [State.CONFIRMED, State.CANCELLED, State.CONFIRMED]


def test_a_second_registration_by_the_same_person_is_refused(app, make_user, make_event):
    event = make_event()
    user, client = register_as(app, make_user, event)
    response = client.get(f"/events/{event.slug}/register")
    assert response.headers["Location"] == f"/registrations/{registration_of(user, event).id}"
    from workshop.registration import services
    from workshop.registration.services import Details

    with app.test_request_context(), pytest.raises(services.DomainError, match="registered for this event already"):
        services.register(
            user,
            event.id,
            Details("Li Wei", "MOHRSS", services.OrganisationType.GOVERNMENT, "CN", services.Sex.MALE),
            True,
        )
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 1


def test_an_event_needing_approval_keeps_registrations_pending(app, client, make_user, make_event, mailbox):
    event = make_event(capacity=1, approval_required=True, title="Policy dialogue")
    first, _ = register_as(app, make_user, event)
    second, _ = register_as(app, make_user, event)
    assert state_of(first, event) is State.PENDING
    assert mailbox.last_to(first.email)["Subject"] == "We received your registration for Policy dialogue"


def test_registration_needs_the_privacy_agreement(client, make_user, make_event):
    event = make_event()
    user = make_user()
    login(client, user)
    page = register(client, event, privacy="").get_data(as_text=True)
    assert "Please agree to the privacy notice to register." in page
    assert 'value="Ministry of Human Resources and Social Security"' in page
    assert registration_of(user, event) is None


def test_registration_is_refused_outside_the_window(client, make_user, make_event):
    from datetime import datetime, timedelta

    now = datetime.now(UTC)
    closed = make_event(registration_closes_at=now - timedelta(days=1))
    not_yet = make_event(registration_opens_at=now + timedelta(days=1))
    user = make_user()
    login(client, user)
    for event, message in (
        (closed, "Registration for this event has closed."),
        (not_yet, "Registration has not opened yet."),
    ):
        page = register(client, event).get_data(as_text=True)
        assert message in page
        assert registration_of(user, event) is None


def test_a_draft_event_cannot_be_registered_for(client, make_user, make_event):
    from workshop.events.models import EventStatus

    event = make_event(status=EventStatus.DRAFT)
    login(client, make_user())
    assert client.get(f"/events/{event.slug}/register").status_code == 404
    assert submit(client, f"/events/{event.slug}/register", {}, form_url="/").status_code == 404


def test_a_closed_event_cannot_be_registered_for(client, make_user, make_event):
    from workshop.events.models import EventStatus

    event = make_event(status=EventStatus.CLOSED)
    user = make_user()
    login(client, user)
    assert "Registration for this event is closed." in register(client, event).get_data(as_text=True)
    assert registration_of(user, event) is None


def test_a_participant_cannot_open_another_participants_registration(app, make_user, make_event):
    event = make_event()
    owner, _ = register_as(app, make_user, event)
    other = app.test_client()
    login(other, make_user())
    registration = registration_of(owner, event)
    assert other.get(f"/registrations/{registration.id}").status_code == 404
    assert other.get(f"/registrations/{registration.id}/cancel").status_code == 404
    assert "Ministry" not in other.get(f"/registrations/{registration.id}").get_data(as_text=True)


# What the product promises: (state before, what happens) -> state after. None is "not registered yet".
PROMISED_CHANGES = {
    (None, "registers while places are free"): State.CONFIRMED,
    (None, "registers for a full event"): State.WAITLISTED,
    (None, "registers for an event that needs approval"): State.PENDING,
    (State.PENDING, "organiser approves while places are free"): State.CONFIRMED,
    (State.PENDING, "organiser approves for a full event"): State.WAITLISTED,
    (State.PENDING, "organiser rejects"): State.REJECTED,
    (State.PENDING, "cancels"): State.CANCELLED,
    (State.WAITLISTED, "a place frees, or the organiser promotes"): State.CONFIRMED,
    (State.WAITLISTED, "organiser rejects"): State.REJECTED,
    (State.WAITLISTED, "cancels"): State.CANCELLED,
    (State.CONFIRMED, "organiser rejects"): State.REJECTED,
    (State.CONFIRMED, "cancels"): State.CANCELLED,
    (State.CANCELLED, "registers again while places are free"): State.CONFIRMED,
    (State.CANCELLED, "registers again for a full event"): State.WAITLISTED,
    (State.CANCELLED, "registers again for an event that needs approval"): State.PENDING,
}
PROMISED_PAIRS = {(before, after) for (before, _), after in PROMISED_CHANGES.items()}


@pytest.mark.parametrize(("before", "happens"), list(PROMISED_CHANGES))
def test_every_promised_change_is_allowed(before, happens):
    assert is_allowed(before, PROMISED_CHANGES[before, happens])


@pytest.mark.parametrize("before", [None, *State])
@pytest.mark.parametrize("after", list(State))
def test_no_other_change_is_allowed(before, after):
    if (before, after) not in PROMISED_PAIRS:
        assert not is_allowed(before, after)


def test_a_rejected_registration_stays_rejected():
    assert [after for after in State if is_allowed(State.REJECTED, after)] == []


def test_the_states_as_stored():
    assert sorted(state.value for state in State) == ["cancelled", "confirmed", "pending", "rejected", "waitlisted"]


def visitor_fields(**overrides):
    fields = {
        "email": "wang.fang@example.org",
        "password": "plum blossom 2027",
        "confirm": "plum blossom 2027",
        "locale": "zh",
    }
    fields.update(overrides)
    return fields


def test_a_visitor_registers_and_gets_an_account_in_one_form(client, make_event, mailbox):
    from workshop.accounts.models import User

    event = make_event(capacity=5, title="Labour inspection training")

    response = register(client, event, full_name="Wang Fang", native_name="王芳", **visitor_fields())

    user = db.session.scalar(db.select(User).where(User.email == "wang.fang@example.org"))
    assert (user.full_name, user.native_name, user.locale, user.is_verified) == ("Wang Fang", "王芳", "zh", False)
    assert state_of(user, event) is State.CONFIRMED
    assert response.headers["Location"] == f"/registrations/{registration_of(user, event).id}"
    subjects = sorted(message["Subject"] for message in mailbox.to("wang.fang@example.org"))
    assert len(subjects) == 2  # the registration, and the link to confirm the address
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in subject) for subject in subjects)  # both in Chinese
    assert "王芳" in client.get(response.headers["Location"]).get_data(as_text=True)  # logged in as the new account


def test_a_visitor_with_a_known_e_mail_is_asked_to_log_in(client, make_user, make_event):
    event = make_event()
    make_user(email="wang.fang@example.org")

    page = register(client, event, full_name="Wang Fang", **visitor_fields(email="Wang.Fang@example.org")).get_data(
        as_text=True
    )

    assert "Log in to register with it." in page
    assert 'value="Wang Fang"' in page  # what was typed is still there
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 0


def test_a_visitor_with_a_weak_password_changes_nothing(client, make_event):
    from workshop.accounts.models import User

    event = make_event()
    page = register(client, event, **visitor_fields(password="1234567890", confirm="1234567890")).get_data(as_text=True)
    assert "This password is too common" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1  # the organiser only


def test_answers_can_be_changed_until_registration_closes(app, make_user, make_event):
    from datetime import datetime, timedelta

    event = make_event()
    user, client = register_as(app, make_user, event)
    registration = registration_of(user, event)

    submit(client, f"/registrations/{registration.id}", {**REGISTRATION_FORM_CHANGED})
    assert registration_of(user, event).dietary_needs == "Vegetarian"

    event.registration_closes_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/registrations/{registration.id}").get_data(as_text=True)
    assert "Save changes" not in page
    response = submit(
        client,
        f"/registrations/{registration.id}",
        {**REGISTRATION_FORM_CHANGED, "dietary_needs": "Halal"},
        form_url="/",
    )
    assert registration_of(user, event).dietary_needs == "Vegetarian"
    assert response.status_code in (200, 302)


def test_my_registrations_lists_events_and_states(app, make_user, make_event):
    full = make_event(capacity=1, title="Policy dialogue in Brussels")
    open_event = make_event(title="Study tour of the United Kingdom")
    register_as(app, make_user, full)
    user = make_user()
    client = app.test_client()
    login(client, user)
    register(client, full)
    register(client, open_event)

    page = client.get("/registrations").get_data(as_text=True)

    assert "Policy dialogue in Brussels" in page and "Study tour of the United Kingdom" in page
    assert "On the waiting list · number 1" in page and "Confirmed" in page


def test_my_registrations_needs_a_login(client):
    assert client.get("/registrations").headers["Location"].startswith("/login")


def test_the_event_page_offers_registration_and_shows_places_left(app, client, make_user, make_event):
    event = make_event(capacity=3)
    assert "3 places left" in client.get(f"/events/{event.slug}").get_data(as_text=True)
    register_as(app, make_user, event)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "2 places left" in page
    assert f'href="/events/{event.slug}/register"' in page

    register_as(app, make_user, event)
    assert "1 places left" in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_a_registration_in_chinese_round_trips_to_the_page_and_the_e_mail(client, make_user, make_event, mailbox):
    event = make_event(title="移民管理能力建设研讨会")
    user = make_user(locale="zh", email="zhao.lei@example.org")
    login(client, user)
    register(
        client, event, full_name="Zhao Lei", native_name="赵磊", organisation="人力资源和社会保障部", job_title="处长"
    )
    registration = registration_of(user, event)
    assert (registration.native_name, registration.organisation, registration.job_title) == (
        "赵磊",
        "人力资源和社会保障部",
        "处长",
    )
    page = client.get(f"/registrations/{registration.id}").get_data(as_text=True)
    assert "人力资源和社会保障部" in page and "赵磊" in page
    message = mailbox.last_to("zhao.lei@example.org")
    assert "移民管理能力建设研讨会" in message["Subject"]
    assert "Zhao Lei" in text_part(message)


REGISTRATION_FORM_CHANGED = {
    "full_name": "Li Wei",
    "native_name": "李伟",
    "organisation": "Ministry of Human Resources and Social Security",
    "organisation_type": "government",
    "job_title": "Director",
    "country": "CN",
    "sex": "male",
    "dietary_needs": "Vegetarian",
    "accessibility_needs": "",
}


def registered_asking_for_a_visa_letter(event, user, state):
    registration = make_registration(event, user, state)
    registration.visa_letter_needed = True
    registration.waitlist_seq = 1 if state is State.WAITLISTED else None
    db.session.commit()


def test_my_registrations_needs_as_many_queries_for_six_registrations_as_for_two(app, make_user, make_event):
    user = make_user()
    client = app.test_client()
    login(client, user)
    make_registration(make_event(title="Fair recruitment"), user)
    registered_asking_for_a_visa_letter(make_event(), user, State.WAITLISTED)

    def queries() -> int:
        client.get("/registrations")  # warm up
        with counted_statements() as statements:
            page = client.get("/registrations").get_data(as_text=True)
        assert "Fair recruitment" in page
        return len(statements)

    two = queries()
    for state in (State.WAITLISTED, State.PENDING, State.CONFIRMED, State.CANCELLED):
        registered_asking_for_a_visa_letter(make_event(), user, state)
    six = queries()

    assert six == two, f"{two} queries for two registrations, {six} for six"
    page = client.get("/registrations").get_data(as_text=True)
    assert "number 1" in page and "Request your visa invitation letter" in page
