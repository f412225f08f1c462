"""A "select all" checkbox on the registrations list, the rosters and the badges page ticks every
row from the mouse or the keyboard; without JavaScript it is not shown and the rows are ticked one
by one."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from workshop.accounts.models import User
from workshop.events.models import Event
from workshop.extensions import db
from workshop.registration.states import State

from ..conftest import make_registration
from .conftest import EVENT_SLUG

pytestmark = pytest.mark.browser

ORGANISER = ("organiser@example.org", "organiser password 2027")
PEOPLE = ("Li Wei", "Wang Fang", "Chen Jing")
REGISTRATIONS = f"/manage/events/{EVENT_SLUG}/registrations"
ROSTER = f"/manage/events/{EVENT_SLUG}/sessions/0/roster"  # 0: arrival at the event
BADGES = f"/manage/events/{EVENT_SLUG}/badges"


def add_participants(live_server, state=State.CONFIRMED) -> None:
    with live_server.app.app_context():
        event = db.session.scalar(db.select(Event).where(Event.slug == EVENT_SLUG))
        for n, name in enumerate(PEOPLE):
            person = User(email=f"person{n}@example.org", full_name=name, email_verified_at=datetime.now(UTC))
            person.set_password("a password of some length")
            db.session.add(person)
            db.session.commit()
            make_registration(event, person, state)
        db.session.remove()


def log_in(page) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(ORGANISER[0])
    page.get_by_label("Password").fill(ORGANISER[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Log in")).to_have_count(0)


def row_box(page, name: str, address: str):
    if address == BADGES:
        return page.get_by_role("checkbox", name=name, exact=True)
    return page.get_by_label(f"Select {name}")


@pytest.mark.parametrize("address", [REGISTRATIONS, ROSTER, BADGES])
def test_select_all_ticks_and_unticks_every_row_from_the_keyboard(page, live_server, csp_violations, address):
    add_participants(live_server)
    log_in(page)
    page.goto(address)
    select_all = page.get_by_role("checkbox", name="Select all")
    expect(select_all).to_be_visible()

    select_all.focus()
    page.keyboard.press("Space")

    expect(select_all).to_be_checked()
    for name in PEOPLE:
        expect(row_box(page, name, address)).to_be_checked()

    row_box(page, "Wang Fang", address).uncheck()
    expect(select_all).not_to_be_checked()
    assert select_all.evaluate("box => box.indeterminate") is True

    row_box(page, "Wang Fang", address).check()
    expect(select_all).to_be_checked()
    select_all.focus()
    page.keyboard.press("Space")
    for name in PEOPLE:
        expect(row_box(page, name, address)).not_to_be_checked()
    assert csp_violations == []


def test_select_all_then_mark_present_marks_everyone_on_the_roster(page, live_server):
    add_participants(live_server)
    log_in(page)
    page.goto(ROSTER)

    page.get_by_role("checkbox", name="Select all").check()
    page.get_by_role("button", name="Mark the selected present").click()

    expect(page.get_by_test_id("present-count")).to_have_text("Present: 3 of 3 confirmed participants.")
    # those present can no longer be ticked: nothing is left for "select all"
    expect(page.get_by_role("checkbox", name="Select all")).to_be_disabled()


def test_select_all_then_approve_approves_every_pending_registration(page, live_server):
    add_participants(live_server, State.PENDING)
    log_in(page)
    page.goto(REGISTRATIONS)

    page.get_by_role("checkbox", name="Select all").check()
    page.get_by_role("button", name="Approve").click()

    expect(page.get_by_role("status").filter(has_text="Registrations approved: 3.")).to_have_count(1)


def test_without_javascript_the_box_is_hidden_and_rows_are_ticked_one_by_one(browser, live_server):
    add_participants(live_server)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        log_in(page)
        for address in (REGISTRATIONS, ROSTER, BADGES):
            page.goto(address)
            expect(page.get_by_role("checkbox", name="Select all")).to_have_count(0)
            expect(page.locator("input[data-select-all]")).to_be_hidden()

        page.goto(ROSTER)
        page.get_by_label("Select Li Wei").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Mark the selected present").click()
        expect(page.get_by_test_id("present-count")).to_have_text("Present: 1 of 3 confirmed participants.")
    finally:
        context.close()
