"""What a person hears without looking: the check-in desk and self check-in answer each code in a
live region without loading a new page (the page, and a mark left on it, stay), the code field is
empty and ready for the next one; with JavaScript off the same forms still work by loading the
answer page. A form sent with errors puts the focus on the list of errors, whose links go to the
fields."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from workshop.accounts.models import User
from workshop.agenda.models import AgendaSession, SessionKind
from workshop.attendance import recording
from workshop.attendance.self_check_in import show_code
from workshop.events.models import Event
from workshop.extensions import db
from workshop.registration.states import State

from ..conftest import make_registration
from .conftest import EVENT_SLUG

pytestmark = pytest.mark.browser

ORGANISER = ("organiser@example.org", "organiser password 2027")
PARTICIPANT = ("li.wei@example.org", "Plum blossom river 2027")
DESK = f"/events/{EVENT_SLUG}/check-in"


def prepare(live_server, state=None) -> dict[str, str]:
    """A confirmed (or ``state``) participant with a badge, and a session running now with its self
    check-in code."""
    with live_server.app.app_context():
        event = db.session.scalar(db.select(Event).where(Event.slug == EVENT_SLUG))
        person = User(email=PARTICIPANT[0], full_name="Li Wei", native_name="李伟", email_verified_at=datetime.now(UTC))
        person.set_password(PARTICIPANT[1])
        db.session.add(person)
        db.session.commit()
        registration = make_registration(event, person, state)
        badge = recording.ticket_for(registration).code
        starts = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
        session = AgendaSession(
            event_id=event.id,
            title="Social dialogue in practice",
            kind=SessionKind.PLENARY,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=90),
        )
        db.session.add(session)
        db.session.commit()
        code = show_code(event.organisers[0], session).code
        db.session.remove()
    return {"badge": badge, "session_code": code}


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Log in")).to_have_count(0)


def leave_a_mark(page) -> None:
    """A value on ``window`` that a new page would not have."""
    page.evaluate("window.stillTheSamePage = 'yes'")


def still_the_same_page(page, url: str) -> bool:
    return page.url == url and page.evaluate("window.stillTheSamePage") == "yes"


def test_the_desk_says_each_answer_in_a_live_region_without_leaving_the_page(page, live_server, csp_violations):
    codes = prepare(live_server)
    log_in(page, *ORGANISER)
    page.goto(DESK)
    url = page.url
    polite, refused = page.locator("#desk-answer"), page.locator("#desk-answer-refused")
    expect(polite).to_have_attribute("role", "status")
    expect(refused).to_have_attribute("aria-live", "assertive")
    leave_a_mark(page)

    code = page.get_by_label("Ticket code")
    code.fill(codes["badge"])
    code.press("Enter")
    expect(polite).to_contain_text("Checked in")
    expect(polite).to_contain_text("Li Wei")
    assert still_the_same_page(page, url)
    expect(page.get_by_label("Ticket code")).to_have_value("")
    expect(page.get_by_label("Ticket code")).to_be_focused()

    page.get_by_label("Ticket code").fill("NOT-A-BADGE")
    page.get_by_label("Ticket code").press("Enter")
    expect(refused).to_contain_text("Unknown code")
    expect(polite).to_have_text("")
    assert still_the_same_page(page, url)

    page.get_by_label("Ticket code").fill(codes["badge"])
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(polite).to_contain_text("Already checked in")
    expect(refused).to_have_text("")
    assert still_the_same_page(page, url)
    assert csp_violations == []


def test_the_desk_checks_in_a_name_found_by_search_without_leaving_the_page(page, live_server):
    prepare(live_server)
    log_in(page, *ORGANISER)
    page.goto(f"{DESK}?q=Li+Wei")
    url = page.url
    leave_a_mark(page)

    page.get_by_role("button", name="Check in Li Wei").click()

    expect(page.locator("#desk-answer")).to_contain_text("Checked in")
    expect(page.get_by_test_id("desk-results")).to_contain_text("Checked in at")  # the list says it too
    assert still_the_same_page(page, url)


def test_an_empty_scan_puts_the_focus_on_the_list_of_errors_without_leaving_the_page(page, live_server):
    prepare(live_server)
    log_in(page, *ORGANISER)
    page.goto(DESK)
    url = page.url
    leave_a_mark(page)

    page.get_by_label("Ticket code").press("Enter")

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Scan a badge, type its code or search for the name.")
    expect(page).to_have_title(re.compile(r"^Error: Check-in desk"))
    assert still_the_same_page(page, url)


def test_self_check_in_is_said_in_a_status_without_leaving_the_page(page, live_server, csp_violations):
    codes = prepare(live_server)
    log_in(page, *PARTICIPANT)
    page.goto("/check-in")
    url = page.url
    leave_a_mark(page)

    field = page.get_by_label("Session code")
    field.fill(codes["session_code"])
    field.press("Enter")

    status = page.locator("#page-notices")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_contain_text("You are marked present at “Social dialogue in practice”.")
    assert still_the_same_page(page, url)
    expect(page.get_by_label("Session code")).to_have_value("")
    expect(page.get_by_label("Session code")).to_be_focused()
    assert csp_violations == []


def test_a_roster_says_how_many_were_marked_present_without_leaving_the_page(page, live_server):
    prepare(live_server)
    log_in(page, *ORGANISER)
    page.goto(f"/manage/events/{EVENT_SLUG}/sessions/0/roster")  # 0: arrival at the event
    url = page.url
    leave_a_mark(page)

    page.get_by_label("Select Li Wei").check()
    page.get_by_role("button", name="Mark the selected present").click()

    expect(page.get_by_role("status").filter(has_text="Marked present: 1.")).to_have_attribute("id", "page-notices")
    expect(page.get_by_test_id("present-count")).to_have_text("Present: 1 of 1 confirmed participants.")
    assert still_the_same_page(page, url)

    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#page-notices")).to_contain_text("The mark of Li Wei is undone.")
    expect(page.get_by_test_id("present-count")).to_have_text("Present: 0 of 1 confirmed participants.")
    assert still_the_same_page(page, url)


def test_without_javascript_the_desk_answers_on_a_new_page(browser, live_server):
    codes = prepare(live_server)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        log_in(page, *ORGANISER)
        page.goto(DESK)
        page.get_by_label("Ticket code").fill(codes["badge"])
        with page.expect_navigation():
            page.get_by_role("button", name="Check in", exact=True).click()
        expect(page.locator("#desk-answer")).to_contain_text("Checked in")
    finally:
        context.close()


def test_a_form_sent_with_errors_puts_the_focus_on_the_list_whose_links_go_to_the_fields(page, live_server):
    page.goto("/signup")
    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_role("button", name="Create account").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Create an account"))
    expect(page.get_by_label("E-mail address")).to_have_attribute("aria-invalid", "true")

    summary.get_by_role("link", name=re.compile("E-mail address")).click()
    expect(page.get_by_label("E-mail address")).to_be_focused()


def test_the_count_of_a_bulk_action_is_said_again_once_the_page_has_loaded(page, live_server):
    prepare(live_server, State.PENDING)
    log_in(page, *ORGANISER)
    page.goto(f"/manage/events/{EVENT_SLUG}/registrations")

    page.get_by_label("Select Li Wei").check()
    page.get_by_role("button", name="Approve").click()

    status = page.get_by_role("status").filter(has_text="Registrations approved: 1.")
    expect(status).to_have_attribute("id", "page-notices")
    # a live region full when the page opens is not read: a copy for screen readers is added to it
    expect(status.locator(".visually-hidden")).to_have_text("Registrations approved: 1.")
