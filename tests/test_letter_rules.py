"""The rules of an event's visa letters: how long a passport must stay valid after the event, the
prefix of the references and where the letters are signed; the participants still to enter their
passport details, listed apart from the requests ready to approve."""

from datetime import date
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from workshop.extensions import db
from workshop.letterhead.models import Letterhead
from workshop.letters import services
from workshop.letters.models import LetterSettings
from workshop.registration.states import State

from . import test_letters
from .conftest import make_registration, submit
from .test_check_in_concurrency import csrf_token_of, logged_in, send_together
from .test_letters import (
    LETTERHEAD,
    MANAGE,
    as_user,
    enter,
    letter_of,
    passport_data,
    pdf_text,
    with_visa,
)

workshop = test_letters.workshop  # the fixture: Li Wei, confirmed, asked for a letter

SETTINGS = MANAGE + "/settings"


def settings_of(event) -> LetterSettings | None:
    db.session.commit()
    db.session.expire_all()
    return db.session.scalar(db.select(LetterSettings).where(LetterSettings.event_id == event.id))


def save_rules(client, event, **fields):
    return submit(client, SETTINGS.format(slug=event.slug), {**LETTERHEAD, **fields}, follow_redirects=True)


def last_day(event) -> date:
    return services.event_end_date(event)


def months_after(day: date, months: int) -> date:
    return services.add_months(day, months)


# --- the passport validity rule ---------------------------------------------------------------


def test_a_passport_expiring_within_six_months_of_the_end_is_refused_naming_the_date_it_must_reach(app, workshop):
    event, li = workshop
    needed = months_after(last_day(event), 6)

    _client, response = enter(app, li, passport_expires_on=months_after(last_day(event), 5).isoformat())

    html = response.get_data(as_text=True)
    assert f"Your passport must be valid until at least {needed.isoformat()}" in html
    assert 'id="passport_expires_on-error"' in html
    assert letter_of(li) is None
    _client, accepted = enter(app, li, passport_expires_on=needed.isoformat())
    assert "Your passport details are saved" in accepted.get_data(as_text=True)
    assert letter_of(li).passport_expires_on == needed


def test_the_request_page_tells_the_participant_until_when_the_passport_must_be_valid(app, workshop):
    event, li = workshop

    page = as_user(app, li.user).get(f"/registrations/{li.id}/visa-letter").get_data(as_text=True)

    assert f"Your passport must be valid until at least {months_after(last_day(event), 6).isoformat()}" in page


def test_organisers_set_the_rule_and_see_the_passports_that_break_it_flagged(app, workshop):
    event, li = workshop
    organiser = as_user(app, event.organisers[0])
    save_rules(organiser, event, passport_months="3")
    enter(app, li, passport_expires_on=months_after(last_day(event), 4).isoformat())
    assert letter_of(li) is not None
    listing = organiser.get(MANAGE.format(slug=event.slug)).get_data(as_text=True)
    assert 'data-testid="too-short"' not in listing and 'data-testid="ready"' in listing

    save_rules(organiser, event, passport_months="12")

    assert settings_of(event).passport_months == 12
    listing = unescape(organiser.get(MANAGE.format(slug=event.slug)).get_data(as_text=True))
    needed = months_after(last_day(event), 12).isoformat()
    assert f"The passport expires before {needed}, the event's rule" in listing
    assert 'data-testid="ready"' not in listing


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"passport_months": "-1"}, "passport_months", "Give a number of months from 0 to 24, e.g. 6."),
        ({"passport_months": "600"}, "passport_months", "Give a number of months from 0 to 24, e.g. 6."),
        ({"passport_months": "six"}, "passport_months", "Give a number of months from 0 to 24, e.g. 6."),
        ({"passport_months": ""}, "passport_months", "Give a number of months from 0 to 24, e.g. 6."),
        ({"reference_prefix": "EVT 2026"}, "reference_prefix", "Use only the letters A to Z, digits and hyphens"),
        ({"reference_prefix": "活动2026"}, "reference_prefix", "Use only the letters A to Z, digits and hyphens"),
        ({"reference_prefix": "ÉVT2026"}, "reference_prefix", "Use only the letters A to Z, digits and hyphens"),
        ({"reference_prefix": "EVT--2026"}, "reference_prefix", "Use only the letters A to Z, digits and hyphens"),
    ],
)
def test_rules_that_cannot_be_right_are_refused_by_their_field_and_nothing_is_saved(
    app, workshop, fields, field, message
):
    event, _li = workshop
    organiser = as_user(app, event.organisers[0])

    response = save_rules(organiser, event, **fields)

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert f'id="{field}-error"' in html
    assert 'value="Chang-Hee Lee"' in html  # what was typed comes back
    assert settings_of(event) is None
    assert db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id)) is None


# --- references -------------------------------------------------------------------------------


def test_the_default_prefix_is_made_from_the_event_in_capitals(make_event):
    event = make_event(slug="social-dialogue-workshop")
    single = make_event(slug="nottingham")

    assert services.reference_prefix(event) == f"SDW{event.starts_at.year}"
    assert services.reference_prefix(single) == f"NOTTINGH{single.starts_at.year}"


def test_references_take_the_prefix_the_organisers_set_and_letters_approved_before_keep_theirs(
    app, workshop, make_user
):
    event, li = workshop
    organiser = as_user(app, event.organisers[0])
    enter(app, li)
    first = services.approve(event.organisers[0], event, letter_of(li).id)
    assert first.reference == f"EVENT{event.starts_at.year}-V-0001"

    response = save_rules(organiser, event, reference_prefix=" evt2026 ")

    assert settings_of(event).reference_prefix == "EVT2026"
    assert "References: EVT2026-V-0001 and on." in organiser.get(MANAGE.format(slug=event.slug)).get_data(as_text=True)
    assert response.status_code == 200
    wang = with_visa(make_registration(event, make_user(email="wang@example.org", full_name="Wang Fang")))
    enter(app, wang, passport_name="WANG FANG", passport_number="EA7654321")
    second = services.approve(event.organisers[0], event, letter_of(wang).id)
    assert second.reference == "EVT2026-V-0002"  # the sequence goes on: no number given twice
    assert letter_of(li).reference == f"EVENT{event.starts_at.year}-V-0001"
    assert "EVT2026-V-0002" in pdf_text(organiser.get(f"/visa-letters/{second.id}.pdf").data)


def test_two_organisers_approving_at_once_get_consecutive_references(app, live_url, workshop, make_user):
    event, li = workshop
    wang = with_visa(make_registration(event, make_user(full_name="Wang Fang")))
    for registration in (li, wang):
        services.save_details(registration.user, registration.id, services.PassportDetails(**passport_data()))
    db.session.add(LetterSettings(event_id=event.id, purpose="", reference_prefix="EVT2026"))
    second_organiser = make_user(full_name="Second Organiser")
    event.organisers = [*event.organisers, second_organiser]
    db.session.commit()
    url = live_url + MANAGE.format(slug=event.slug)

    def prepared(organiser, registration):
        session = logged_in(live_url, organiser)
        data = {"csrf_token": csrf_token_of(session, url)}
        letter_id = letter_of(registration).id
        return lambda: session.post(f"{url}/{letter_id}/approve", data=data, allow_redirects=False, timeout=60)

    answers = send_together([prepared(event.organisers[0], li), prepared(second_organiser, wang)])

    assert [answer.status_code for answer in answers] == [302, 302]
    assert sorted(letter_of(r).reference for r in (li, wang)) == ["EVT2026-V-0001", "EVT2026-V-0002"]


# --- the place of signature -------------------------------------------------------------------


def test_the_letter_is_signed_at_the_place_the_letterhead_names(app, workshop):
    event, li = workshop
    organiser = as_user(app, event.organisers[0])
    save_rules(organiser, event, place_of_signature="  Geneva ")
    enter(app, li)

    letter = services.approve(event.organisers[0], event, letter_of(li).id)

    assert db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id)).place_of_signature == (
        "Geneva"
    )
    signed_on = letter.decided_at.astimezone(ZoneInfo(event.timezone)).date()
    text = pdf_text(organiser.get(f"/visa-letters/{letter.id}.pdf").data)
    assert f"Geneva, {signed_on.day} {signed_on:%B %Y}" in text


def test_without_a_place_of_signature_the_letter_is_signed_in_the_events_city(app, workshop):
    event, li = workshop
    enter(app, li)

    letter = services.approve(event.organisers[0], event, letter_of(li).id)

    text = pdf_text(as_user(app, event.organisers[0]).get(f"/visa-letters/{letter.id}.pdf").data)
    assert "Nottingham, " in text and "Geneva" not in text


def test_a_place_of_signature_too_long_is_refused(app, workshop):
    event, _li = workshop

    response = save_rules(as_user(app, event.organisers[0]), event, place_of_signature="G" * 201)

    html = response.get_data(as_text=True)
    assert "Place of signature: Field cannot be longer than 200 characters." in html
    assert 'id="place_of_signature-error"' in html
    assert db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id)) is None


# --- who is still to enter their details ------------------------------------------------------


def test_the_list_shows_apart_who_has_not_entered_passport_details_yet(app, workshop, make_user):
    event, li = workshop
    wang = with_visa(make_registration(event, make_user(full_name="Wang Fang", native_name="王芳")))
    with_visa(make_registration(event, make_user(full_name="Cancelled Person"), state=State.CANCELLED))
    make_registration(event, make_user(full_name="Needs No Visa"))
    organiser = as_user(app, event.organisers[0])
    enter(app, li)

    listing = unescape(organiser.get(MANAGE.format(slug=event.slug)).get_data(as_text=True))

    awaiting = listing.split('data-testid="awaiting-details"')[1].split("</ul>")[0]
    assert "Wang Fang" in awaiting and "王芳" in awaiting
    assert "Li Wei" not in awaiting and "Cancelled Person" not in listing and "Needs No Visa" not in listing
    assert "Waiting for the participant's passport details: 1." in listing
    assert 'data-testid="ready"' in listing  # Li Wei's request, complete, can be approved
    enter(app, wang, passport_name="WANG FANG", passport_number="EA7654321")
    assert 'data-testid="awaiting-details"' not in organiser.get(MANAGE.format(slug=event.slug)).get_data(as_text=True)


# --- access -----------------------------------------------------------------------------------


def test_participants_and_other_events_organisers_get_neither_the_list_nor_the_settings(
    app, workshop, make_user, make_event
):
    event, li = workshop
    other_organiser = make_event().organisers[0]
    enter(app, li)

    for person in (li.user, other_organiser):
        client = as_user(app, person)
        assert client.get(MANAGE.format(slug=event.slug)).status_code in (403, 404)
        assert client.get(SETTINGS.format(slug=event.slug)).status_code in (403, 404)
        refused = submit(
            client,
            SETTINGS.format(slug=event.slug),
            {**LETTERHEAD, "passport_months": "0", "reference_prefix": "HACK"},
            form_url="/registrations",
        )
        assert refused.status_code in (403, 404)
    assert settings_of(event) is None


def test_the_passport_rule_can_be_checked_before_saving(workshop):
    event, _li = workshop
    details = services.clean_details(services.PassportDetails(**passport_data()))

    assert services.problems_with(details, event, date.today(), months=6) == []
    short = services.PassportDetails(**{**details.__dict__, "passport_expires_on": last_day(event)})
    assert [p.field for p in services.problems_with(short, event, date.today(), months=6)] == ["passport_expires_on"]
    assert services.problems_with(short, event, date.today(), months=0) == []
