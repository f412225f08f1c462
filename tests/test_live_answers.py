"""The live answers without JavaScript: the check-in desk and self check-in forms, which scripts
send without loading a page, still work as plain forms and their answer is in a live region of
the page that comes back; what a bulk action did ("Registrations approved: 2.") is in a status
region. (tests/browser/test_live_answers.py shows them with JavaScript.)"""

import re
from datetime import UTC, datetime, timedelta

from workshop.attendance import recording
from workshop.attendance.self_check_in import show_code
from workshop.extensions import db
from workshop.registration.states import State

from .conftest import login, make_registration, submit
from .test_accessible_errors import Page


def region_text(page: Page, region_id: str) -> str:
    return page.by_id[region_id].words


def test_the_desk_form_sent_without_javascript_answers_in_its_polite_region(client, make_event, make_user):
    event = make_event()
    registration = make_registration(event, make_user(full_name="Li Wei", native_name="李伟"))
    code = recording.ticket_for(registration).code
    db.session.commit()
    login(client, event.organisers[0])
    desk = f"/events/{event.slug}/check-in"

    form_page = client.get(desk).get_data(as_text=True)
    assert re.search(r'<form method="post" action="/events/[\w-]+/check-in"[^>]* data-live-form>', form_page)
    page = Page(submit(client, desk, {"slot": "0", "code": code}).get_data(as_text=True))

    assert page.by_id["desk-answer"].attrs["role"] == "status"
    assert region_text(page, "desk-answer").startswith("✓ Checked in Li Wei 李伟")
    assert region_text(page, "desk-answer-refused") == ""
    assert page.by_id["code"].attrs["value"] == ""  # ready for the next badge

    page = Page(submit(client, desk, {"slot": "0", "code": "NOT-A-BADGE"}).get_data(as_text=True))
    assert page.by_id["desk-answer-refused"].attrs["aria-live"] == "assertive"
    assert region_text(page, "desk-answer-refused").startswith("✕ Unknown code")
    assert region_text(page, "desk-answer") == ""


def test_self_check_in_sent_without_javascript_says_it_in_the_status_region(
    client, make_event, make_user, make_session
):
    event = make_event(timezone="Asia/Shanghai")
    session = make_session(
        event, title="Social dialogue in practice", start=datetime.now(UTC) - timedelta(minutes=30), minutes=90
    )
    person = make_user()
    make_registration(event, person)
    code = show_code(event.organisers[0], session).code
    login(client, person)

    response = submit(client, "/check-in", {"code": code}, follow_redirects=True)

    page = Page(response.get_data(as_text=True))
    assert page.by_id["page-notices"].attrs["role"] == "status"
    assert "You are marked present at “Social dialogue in practice”." in region_text(page, "page-notices")
    assert page.summary is None


def test_the_count_of_a_bulk_action_is_in_the_status_region(client, make_event, add_registration):
    event = make_event()
    pending = [add_registration(event, State.PENDING), add_registration(event, State.PENDING)]
    login(client, event.organisers[0])

    response = submit(
        client,
        f"/manage/events/{event.slug}/registrations",
        {"action": "approve", "ids": [str(r.id) for r in pending]},
        follow_redirects=True,
    )

    page = Page(response.get_data(as_text=True))
    assert page.by_id["page-notices"].attrs["role"] == "status"
    assert region_text(page, "page-notices") == "Registrations approved: 2."
    assert page.summary is None
    assert not page.title.startswith("Error")
