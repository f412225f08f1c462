"""Every page of the site, as each kind of user reaches it by following links from the home page,
carries the security headers, and has nothing inline that its Content-Security-Policy would block."""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from workshop.demo import DEMO_LOGINS, load_demo

from .conftest import submit

LINK = re.compile(r'href="([^"]+)"')
# Files that are not pages (their headers are checked on one of each kind below), and the
# log-out, which is a form anyway
NOT_PAGES = re.compile(r"\.(pdf|ics|csv|xlsx|zip|png|jpe?g|webp)$|/download$|/photo$|/static/|/logout")
INLINE = {
    "an inline script": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
    "a style element": re.compile(r"<style[\s>]", re.I),
    "a style attribute": re.compile(r"<[^>]+\sstyle=", re.I),
    "an event handler attribute": re.compile(r"<[^>]+\son[a-z]+=", re.I),
    "a javascript: address": re.compile(r"javascript:", re.I),
}


def crawl(client, start: str = "/", limit: int = 1000):
    """The HTML pages reachable from ``start`` by following the site's own links, nearest first,
    up to ``limit`` of them, as (path, response, page)."""
    seen, queue, pages = {start}, deque([start]), 0
    while queue and pages < limit:
        path = queue.popleft()
        response = client.get(path)
        if response.mimetype != "text/html":
            response.close()
            continue
        page = response.get_data(as_text=True)
        pages += 1
        yield path, response, page
        for link in LINK.findall(page):
            target = urljoin(path, link.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/") or NOT_PAGES.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)


def log_in_as(app, role: str | None):
    client = app.test_client()
    if role is not None:
        email, password = next((email, password) for r, email, password in DEMO_LOGINS if r == role)
        assert submit(client, "/login", {"email": email, "password": password}).status_code == 302
    return client


@pytest.mark.parametrize("role", [None, "participant", "organiser", "admin"])
def test_every_page_has_a_strict_content_security_policy_and_nothing_inline_it_would_block(app, role):
    assert load_demo()
    pages = 0
    for path, response, page in crawl(log_in_as(app, role)):
        pages += 1
        policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'", path
        assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'", path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert response.headers["Referrer-Policy"] == "same-origin", path
        assert "Strict-Transport-Security" not in response.headers, path  # plain http
        for what, pattern in INLINE.items():
            found = pattern.search(page)
            assert found is None, f"{path} has {what}: {found and found.group(0)[:120]}"
    assert pages >= {None: 10, "participant": 15, "organiser": 40, "admin": 40}[role]


def test_a_site_served_over_https_tells_browsers_to_keep_to_https(app, client):
    response = client.get("/", base_url="https://workshops.test")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/").headers  # plain http: nothing to keep to

    app.config["HSTS_MAX_AGE"] = 0
    assert "Strict-Transport-Security" not in client.get("/", base_url="https://workshops.test").headers


def test_files_the_application_sends_carry_the_headers_too(client, make_event):
    event = make_event()
    response = client.get(f"/events/{event.slug}/agenda.ics")
    assert response.mimetype == "text/calendar"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
