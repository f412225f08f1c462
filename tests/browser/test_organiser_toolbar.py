"""The organiser's toolbar on the event page: a handful of named groups that open from the keyboard
and without JavaScript, with no accessibility breach, and nothing sticking out on a phone."""

import pytest
from playwright.sync_api import expect

from .conftest import EVENT_SLUG
from .test_accessibility import AXE, OVERFLOWING, RUN_AXE, WCAG_TAGS
from .test_select_all import log_in

pytestmark = pytest.mark.browser

GROUPS = ["Participants", "Programme", "Communication", "Documents", "Settings"]
EVENT = f"/events/{EVENT_SLUG}"


def toolbar(page):
    return page.get_by_role("navigation", name="Organise this event")


def test_a_group_opens_from_the_keyboard_and_its_link_leads_to_the_page(page, live_server):
    log_in(page)
    page.goto(EVENT)
    group = toolbar(page).locator("summary", has_text="Participants")
    registrations = toolbar(page).get_by_role("link", name="Registrations", exact=True)
    expect(registrations).to_be_hidden()

    group.focus()
    page.keyboard.press("Enter")
    expect(registrations).to_be_visible()
    page.keyboard.press("Tab")
    expect(registrations).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/manage/events/{EVENT_SLUG}/registrations")


@pytest.mark.parametrize("width", [1280, 375, 320])
def test_every_group_open_has_no_accessibility_breach_and_stays_on_the_screen(browser, live_server, width):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": width, "height": 900})
    context.add_init_script(path=AXE)
    try:
        page = context.new_page()
        log_in(page)
        page.goto(EVENT)
        summaries = toolbar(page).locator("summary")
        expect(summaries).to_have_text(GROUPS)
        for name in GROUPS:
            toolbar(page).locator("summary", has_text=name).click()
            menu = toolbar(page).locator("details[open] ul")
            expect(menu).to_have_count(1)  # one open at a time
            expect(menu).to_be_visible()
            assert page.evaluate(OVERFLOWING) == [], f"{name} sticks out at {width} px"
            assert page.evaluate(RUN_AXE, WCAG_TAGS) == [], f"{name} at {width} px"
    finally:
        context.close()


def test_without_javascript_the_groups_still_open(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        log_in(page)
        page.goto(EVENT)
        toolbar(page).locator("summary", has_text="Documents").click()
        with page.expect_navigation():
            toolbar(page).get_by_role("link", name="Certificates").click()
        expect(page).to_have_url(f"{live_server.url}/manage/events/{EVENT_SLUG}/certificates")
    finally:
        context.close()
