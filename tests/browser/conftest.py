"""Fixtures for the browser tests: the application on a live server, and Debian's Chromium
driven through Playwright.

The live server serves a fresh database (a SQLite file in ``tmp_path``, or PostgreSQL with
``TEST_DATABASE_URL``) and writes e-mail as ``.eml`` files into its own outbox folder.
Without ``/usr/bin/chromium`` the browser tests are skipped, except in CI (``CI=true``),
where a missing browser is a failure.
"""

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from werkzeug.serving import make_server

from workshop import create_app
from workshop.accounts.models import User
from workshop.events.models import Event, EventKind, EventStatus
from workshop.extensions import db, limiter

from ..conftest import postgres_url

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EVENT_TITLE = "Workshop on Chinese migration to Europe"
EVENT_SLUG = "chinese-migration-to-europe"
EVENT_TIMEZONE = "Asia/Shanghai"


@dataclass
class LiveServer:
    app: Flask
    url: str  # http://127.0.0.1:<port>, without a trailing slash
    outbox: Path


def reset_schema() -> None:
    """A clean schema, as the main conftest does: PostgreSQL may hold tables of an earlier run."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
    db.create_all()


def seed_event() -> Event:
    """A published workshop, 30 days ahead, run by an organiser."""
    organiser = User(
        email="organiser@example.org",
        full_name="Maria Rossi",
        can_create_events=True,
        email_verified_at=datetime.now(UTC),
    )
    organiser.set_password("organiser password 2027")
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    event = Event(
        slug=EVENT_SLUG,
        kind=EventKind.WORKSHOP,
        status=EventStatus.PUBLISHED,
        title=EVENT_TITLE,
        summary="Research, policy and practice on Chinese migrants in European labour markets.",
        city="Beijing",
        country="CN",
        timezone=EVENT_TIMEZONE,
        starts_at=starts,
        ends_at=starts + timedelta(days=2),
    )
    event.organisers = [organiser]
    db.session.add(event)
    db.session.commit()
    return event


def browser_test_app(folder: Path, **settings) -> Flask:
    """The application on a fresh database in ``folder``, writing its e-mail into ``folder/outbox``,
    with ``settings`` over the browser tests' own."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-test-secret-key",
            "SQLALCHEMY_DATABASE_URI": postgres_url() or f"sqlite:///{folder / 'browser.sqlite'}",
            "MAIL_SERVER": "",
            "MAIL_OUTBOX_DIR": str(folder / "outbox"),
            "JOBS_IMMEDIATE": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
        | settings
    )
    with app.app_context():
        reset_schema()
        limiter.reset()
    return app


@contextmanager
def serving(app: Flask) -> Iterator[LiveServer]:
    """``app`` served on a free port in a thread of this process; its tables are dropped afterwards."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(
            app=app, url=f"http://127.0.0.1:{server.server_port}", outbox=Path(app.config["MAIL_OUTBOX_DIR"])
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.fixture
def live_server(tmp_path):
    app = browser_test_app(tmp_path)
    with app.app_context():
        seed_event()
        db.session.remove()
    with serving(app) as server:
        yield server


@pytest.fixture(scope="session")
def browser(request):
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"Chromium is not installed at {CHROMIUM}: a missing browser is a failure in CI (apt-get install "
                "chromium)"
            )
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    playwright = request.getfixturevalue("playwright_driver")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser profile (no cookies) that reads English first, as a visitor from London."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    try:
        yield context.new_page()
    finally:
        context.close()


def is_csp_violation(text: str) -> bool:
    return "Content Security Policy" in text


@pytest.fixture
def csp_violations(page) -> list[str]:
    """What the browser reports on the console as blocked by the Content-Security-Policy, as it happens."""
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text) if is_csp_violation(message.text) else None)
    return found
