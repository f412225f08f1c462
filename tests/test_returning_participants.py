"""A returning participant finds the registration form filled in from their profile and their last
registration: the organisation and the like always; the sex and the needs only when they agreed to
it; never the passport details, never the answers to another event's own questions."""

import html
import re
from datetime import date, timedelta

from workshop.accounts.models import User
from workshop.extensions import db
from workshop.letters import services as letters
from workshop.registration.models import Registration

from .conftest import REGISTRATION_FORM, login, register, submit


def form_of(client, event) -> str:
    return client.get(f"/events/{event.slug}/register").get_data(as_text=True)


def value_of(page: str, name: str) -> str | None:
    """The value a text field or a select shows, or None when it is empty."""
    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    if field and 'type="text"' in field.group(0):
        value = re.search(r'value="([^"]*)"', field.group(0))
        return html.unescape(value.group(1)) if value and value.group(1) else None
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    if select:
        chosen = re.search(
            r'<option selected value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected', select.group(1)
        )
        return (chosen.group(1) or chosen.group(2)) if chosen else None
    return None


def ticked(page: str, name: str, value: str | None = None) -> bool:
    for box in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page):
        if (value is None or f'value="{value}"' in box) and "checked" in box:
            return True
    return False


def logged_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


FIRST = {
    **REGISTRATION_FORM,
    "native_name": "李伟",
    "organisation": "Shanghai Bureau of Labour",
    "organisation_type": "workers",
    "job_title": "Inspector",
    "country": "CN",
    "sex": "female",
    "dietary_needs": "Halal",
    "accessibility_needs": "Step-free access",
    "visa_letter_needed": "y",
    "listed_publicly": "y",
}


def test_the_second_registration_starts_with_what_the_first_said(app, make_event, make_user, make_question):
    first_event, second_event = make_event(), make_event()
    question = make_question(first_event, label="Which panel will you join?")
    same_label = make_question(second_event, label="Which panel will you join?")
    person = make_user(full_name="Li Wei")
    client = logged_in(app, person)
    register(
        client, first_event, **FIRST, **{f"q_{question.id}": "The panel on inspection", "prefill_personal_details": "y"}
    )
    assert db.session.scalar(db.select(Registration).where(Registration.user_id == person.id)) is not None

    page = form_of(client, second_event)

    assert value_of(page, "full_name") == "Li Wei"
    assert value_of(page, "native_name") == "李伟"
    assert value_of(page, "organisation") == "Shanghai Bureau of Labour"
    assert value_of(page, "organisation_type") == "workers"
    assert value_of(page, "job_title") == "Inspector"
    assert value_of(page, "country") == "CN"
    assert ticked(page, "sex", "female")
    assert value_of(page, "dietary_needs") == "Halal"
    assert value_of(page, "accessibility_needs") == "Step-free access"
    assert ticked(page, "prefill_personal_details")
    # asked afresh at every event
    assert (
        not ticked(page, "visa_letter_needed") and not ticked(page, "listed_publicly") and not ticked(page, "privacy")
    )
    assert value_of(page, f"q_{same_label.id}") is None and "The panel on inspection" not in page


def test_without_agreement_the_sex_and_the_needs_are_not_filled_in(app, make_event, make_user):
    first_event, second_event = make_event(), make_event()
    client = logged_in(app, make_user())
    register(client, first_event, **FIRST)

    page = form_of(client, second_event)

    assert value_of(page, "organisation") == "Shanghai Bureau of Labour"
    assert not ticked(page, "sex") and not ticked(page, "prefill_personal_details")
    assert value_of(page, "dietary_needs") is None and value_of(page, "accessibility_needs") is None
    assert "Halal" not in page and "Step-free access" not in page


def test_a_first_time_participant_gets_only_their_profiles_names(app, make_event, make_user):
    event = make_event()
    client = logged_in(app, make_user(full_name="Maria Rossi", native_name="Мария Росси"))

    page = form_of(client, event)

    assert value_of(page, "full_name") == "Maria Rossi"
    assert value_of(page, "native_name") == "Мария Росси"
    for name in ("organisation", "job_title", "dietary_needs", "accessibility_needs"):
        assert value_of(page, name) is None, name
    assert not ticked(page, "sex") and not ticked(page, "prefill_personal_details")


def test_the_most_recent_registration_wins_and_the_profile_names_come_first(app, make_event, make_user):
    older, newer, third = make_event(), make_event(), make_event()
    person = make_user(full_name="Li Wei")
    client = logged_in(app, person)
    register(client, older, **{**FIRST, "organisation": "Old employer"})
    register(client, newer, **{**FIRST, "organisation": "New employer", "full_name": "Li Wei Jr"})
    submit(client, "/account", {"full_name": "Li Wei", "native_name": "李薇", "locale": "en"})

    page = form_of(client, third)

    assert value_of(page, "organisation") == "New employer"
    assert value_of(page, "full_name") == "Li Wei" and value_of(page, "native_name") == "李薇"


def test_passport_details_never_fill_in_a_registration(app, make_event, make_user):
    first_event, second_event = make_event(), make_event()
    person = make_user()
    client = logged_in(app, person)
    register(client, first_event, **FIRST, prefill_personal_details="y")
    registration = db.session.scalar(db.select(Registration).where(Registration.user_id == person.id))
    today = date.today()
    letters.save_details(
        person,
        registration.id,
        letters.PassportDetails(
            passport_name="LI WEI PASSPORT",
            passport_number="E99887766",
            nationality="CN",
            date_of_birth=date(1980, 5, 1),
            passport_issued_on=today - timedelta(days=700),
            passport_expires_on=today + timedelta(days=3000),
            issuing_authority="National Immigration Administration, PRC",
            consulate="British Embassy Beijing, Visa Section",
        ),
    )

    page = form_of(client, second_event)

    assert "E99887766" not in page and "LI WEI PASSPORT" not in page and "National Immigration" not in page


def test_the_agreement_is_withdrawn_on_the_profile_or_by_unticking_the_box(app, make_event, make_user):
    first_event, second_event, third_event = make_event(), make_event(), make_event()
    person = make_user()
    client = logged_in(app, person)
    register(client, first_event, **FIRST, prefill_personal_details="y")
    assert ticked(client.get("/account").get_data(as_text=True), "prefills_personal_details")

    submit(client, "/account", {"full_name": "Test Person", "locale": "en"})  # the box unticked

    db.session.expire_all()
    assert db.session.get(User, person.id).prefills_personal_details is False
    assert value_of(form_of(client, second_event), "dietary_needs") is None

    register(client, second_event, **FIRST, prefill_personal_details="y")
    register(client, third_event, **FIRST)  # unticked this time
    db.session.expire_all()
    assert db.session.get(User, person.id).prefills_personal_details is False


def test_a_visitor_gets_an_empty_form(app, make_event, make_user):
    event = make_event()
    person = make_user()
    register(logged_in(app, person), make_event(), **FIRST, prefill_personal_details="y")

    page = form_of(app.test_client(), event)

    assert value_of(page, "organisation") is None and "Halal" not in page
