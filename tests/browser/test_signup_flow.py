"""One visit, as a new participant makes it: sign up, confirm the e-mail address, log in,
switch to Chinese, and open an event in another time zone."""

import re
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect

from .conftest import EVENT_SLUG, EVENT_TITLE

pytestmark = pytest.mark.browser

EMAIL = "li.wei@example.org"
PASSWORD = "Plum blossom river 2027"


def verification_link(outbox: Path, address: str, base_url: str) -> str:
    """The link in the only e-mail to ``address``, pointing at the live server."""
    messages = []
    for path in sorted(outbox.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            messages.append(message)
    assert len(messages) == 1, f"expected one e-mail to {address} in {outbox}, found {len(messages)}"
    body = messages[0].get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S+/verify/\S+", body)
    assert match, body
    link = urlsplit(match.group(0))
    base = urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, link.path, link.query, ""))


def test_sign_up_confirm_log_in_switch_language_and_open_event(page, live_server, csp_violations):
    page.goto("/")
    expect(page.get_by_role("heading", name="Upcoming events")).to_be_visible()

    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Full name in Latin letters").fill("Li Wei")
    page.get_by_label("Name in your own script").fill("李伟")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    expect(page.get_by_text(EMAIL)).to_be_visible()

    page.goto(verification_link(live_server.outbox, EMAIL, live_server.url))
    expect(page.get_by_role("status")).to_contain_text("your e-mail address is confirmed")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    navigation = page.get_by_role("navigation").first
    expect(navigation.get_by_role("link", name="Li Wei (李伟)")).to_be_visible()

    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("button", name="简体中文")).to_have_attribute("aria-current", "true")

    page.get_by_role("link", name=EVENT_TITLE).click()
    # written in English only: shown in English with the mark a screen reader says in Chinese
    expect(page.get_by_role("heading", level=1)).to_have_accessible_name(f"{EVENT_TITLE} 尚未翻译，显示为英文")
    expect(page.get_by_test_id("timezone")).to_contain_text("北京时间（UTC+08:00）")  # Asia/Shanghai, in Chinese
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    page.goto(f"/events/{EVENT_SLUG}/agenda")  # the page with a script of its own
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert csp_violations == []
