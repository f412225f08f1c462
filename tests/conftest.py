"""Fixtures: an app on a fresh database (SQLite file, or PostgreSQL with TEST_DATABASE_URL),
a real SMTP server on loopback, and factories for users and events."""

import functools
import itertools
import os
import re
import socket
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import psycopg
import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from sqlalchemy import event as sa_event
from sqlalchemy import text
from sqlalchemy.engine import make_url

from workshop import create_app
from workshop.accounts.models import User
from workshop.events.models import Event, EventKind, EventPartner, EventStatus
from workshop.extensions import db, limiter
from workshop.jobs import queue
from workshop.registration import services as registration_services
from workshop.registration.models import Answer, OrganisationType, Registration, Sex
from workshop.registration.states import State

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """Collects what the SMTP server receives."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        # A subject that fits on one folded line is parsed back with the fold's leading space.
        message.replace_header("Subject", message["Subject"].strip())
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def last_to(self, address: str) -> EmailMessage:
        received = self.to(address)
        assert received, f"no e-mail to {address}; received: {[(m['To'], m['Subject']) for m in self.messages]}"
        return received[-1]


def text_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link_in(message: EmailMessage) -> str:
    """The first link of the message, as a path on the site."""
    match = re.search(r"https?://[^/\s]+(/\S+)", text_part(message))
    assert match, text_part(message)
    return match.group(1)


@pytest.fixture(scope="session")
def smtp_server():
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    smtp_server.handler.messages.clear()
    return smtp_server.handler


def database_url(tmp_path) -> str:
    return postgres_url() or f"sqlite:///{tmp_path / 'test.sqlite'}"


@functools.cache
def postgres_url() -> str | None:
    """``TEST_DATABASE_URL``, or None. Each test process (pytest-xdist's workers) has a database of
    its own on that server, named after the worker and made when missing."""
    url = os.environ.get("TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    parsed = make_url(url)
    own = parsed.set(database=f"{parsed.database}_{worker}")
    maintenance = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (own.database,)).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{own.database}"')
    return own.render_as_string(hide_password=False)


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: its own ``g`` and
    database session. Before and after, the test's own session ends its transaction, so
    it neither blocks the request nor reads an old snapshot afterwards."""

    def open(self, *args, **kwargs):
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.commit()
        return response


@pytest.fixture
def app(tmp_path, smtp_server, monkeypatch):
    # The instance folder (the outbox...) and the upload directory stay inside the test's own folder.
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            "SERVER_NAME": "workshops.test",
            "TRUSTED_HOSTS": ["workshops.test", "127.0.0.1"],  # the test client; live_url
            "RATELIMIT_STORAGE_URI": "memory://",
            "JOBS_IMMEDIATE": True,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        start_empty()
        limiter.reset()
        yield app
        db.session.remove()
        db.engine.dispose()


def start_empty() -> None:
    """The models' tables, empty. SQLite's file is the test's own; on PostgreSQL the tables the last
    test left are emptied and their ids start again at 1, which takes a hundredth of the time of
    making them anew, unless the tables or their columns are not the models' (a migration test
    changed them, or the database was left by older code)."""
    if db.engine.dialect.name != "postgresql":
        db.create_all()
        return
    with db.engine.begin() as connection:
        if columns_in(connection) == columns_of_the_models():
            connection.exec_driver_sql(emptying_statement(connection))
            return
    reset_schema()


def columns_in(connection) -> set[tuple[str, str]]:
    query = "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
    return {(table, column) for table, column in connection.execute(text(query))}


def columns_of_the_models() -> set[tuple[str, str]]:
    return {(table.name, column.name) for table in db.metadata.tables.values() for column in table.columns}


def emptying_statement(connection) -> str:
    sequences = connection.scalars(
        text("SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'")
    )
    return "; ".join(
        [f'DELETE FROM "{table.name}"' for table in reversed(db.metadata.sorted_tables)]
        + [f'ALTER SEQUENCE "{sequence}" RESTART' for sequence in sequences]
    )


def reset_schema() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
    db.create_all()


@pytest.fixture
def worker_queue(app):
    """Jobs queued for a worker, as in production, instead of run at once: requests only write rows."""
    app.config["JOBS_IMMEDIATE"] = False
    queue.configure(app)
    yield queue.huey
    app.config["JOBS_IMMEDIATE"] = True
    queue.configure(app)


def run_worker(huey) -> int:
    """Run what is queued, as the worker would; how many tasks ran."""
    db.session.commit()  # the test's own reads end here, as a request's would
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client, url: str) -> str:
    page = client.get(url)
    match = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"',
        page.get_data(as_text=True),
    )
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1) or match.group(2)


def submit(client, url: str, data: dict, form_url: str | None = None, **kwargs):
    """Post a form the way a browser does: with the CSRF token of the page that shows it."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


@pytest.fixture
def make_user(app):
    def make(email=None, password=PASSWORD, full_name="Test Person", verified=True, **fields) -> User:
        user = User(
            email=email or f"person{next(_counter)}@example.org",
            full_name=full_name,
            email_verified_at=datetime.now(UTC) if verified else None,
            **fields,
        )
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_event(app, make_user):
    def make(organiser=None, status=EventStatus.PUBLISHED, title=None, starts_in_days=30, days=2, **fields) -> Event:
        n = next(_counter)
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=starts_in_days)
        values = dict(
            slug=f"event-{n}",
            kind=EventKind.WORKSHOP,
            title=title or f"Workshop number {n}",
            timezone="Europe/London",
            starts_at=starts,
            ends_at=starts + timedelta(days=days),
            status=status,
        )
        values.update(fields)
        partners = values.pop("partners", [])
        event = Event(**values)
        event.partners = [EventPartner(name=name, position=i) for i, name in enumerate(partners)]
        event.organisers = [organiser or make_user(can_create_events=True)]
        db.session.add(event)
        db.session.commit()
        return event

    return make


def as_user(app, user: User) -> FlaskClient:
    """A client of its own, logged in as ``user``."""
    client = app.test_client()
    login(client, user)
    return client


def as_organiser(app, event: Event) -> FlaskClient:
    return as_user(app, event.organisers[0])


def login(client, user: User, password: str = PASSWORD):
    response = submit(client, "/login", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def logout(client):
    return submit(client, "/logout", {}, form_url="/")


@pytest.fixture
def make_question(app):
    from workshop.registration.models import Question, QuestionKind

    def make(
        event,
        kind=QuestionKind.SHORT_TEXT,
        label="A question",
        options=(),
        required=False,
        sensitive=False,
        position=0,
        help_text="",
    ):
        question = Question(
            event_id=event.id,
            kind=kind,
            label=label,
            required=required,
            sensitive=sensitive,
            position=position,
            help_text=help_text,
        )
        question.options = list(options)
        db.session.add(question)
        db.session.commit()
        return question

    return make


REGISTRATION_FORM = {
    "full_name": "Li Wei",
    "native_name": "李伟",
    "organisation": "Ministry of Human Resources and Social Security",
    "organisation_type": "government",
    "job_title": "Deputy Director",
    "country": "CN",
    "sex": "male",
    "dietary_needs": "",
    "accessibility_needs": "",
    "privacy": "y",
}


def register(client, event, **fields):
    """Register the logged-in user (or a visitor, with e-mail and password in ``fields``)."""
    return submit(client, f"/events/{event.slug}/register", {**REGISTRATION_FORM, **fields})


@pytest.fixture
def live_url(app):
    """The test app served over HTTP by a threaded server: each request in its own thread,
    with its own database connection, as under a real server."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def make_session(app):
    """An agenda session of ``event``; ``start`` is a UTC datetime (default: the event's start)."""
    from workshop.agenda.models import AgendaSession, SessionKind

    def make(
        event, title="Opening plenary", kind=SessionKind.PLENARY, start=None, minutes=90, **fields
    ) -> AgendaSession:
        starts = start or event.starts_at
        session = AgendaSession(
            event_id=event.id,
            title=title,
            kind=kind,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
            **fields,
        )
        db.session.add(session)
        db.session.commit()
        return session

    return make


@pytest.fixture
def make_speaker(app):
    """A speaker of ``event``, optionally in ``sessions`` (with ``role``) and linked to ``user``."""
    from workshop.agenda.models import SessionSpeaker, Speaker, SpeakerRole

    def make(
        event, full_name="Wang Fang", native_name="王芳", sessions=(), role=SpeakerRole.SPEAKER, user=None, **fields
    ) -> Speaker:
        speaker = Speaker(
            event_id=event.id, full_name=full_name, native_name=native_name, user_id=user.id if user else None, **fields
        )
        speaker.sessions = [SessionSpeaker(session_id=s.id, role=role, position=i) for i, s in enumerate(sessions)]
        db.session.add(speaker)
        db.session.commit()
        return speaker

    return make


@contextmanager
def counted_statements():
    """The SQL statements sent inside the block, in order."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)


def make_registration(event, user, state=None):
    """A confirmed (or ``state``) registration of ``user`` at ``event``, written directly."""

    registration = Registration(
        event_id=event.id,
        user_id=user.id,
        state=state or State.CONFIRMED,
        full_name=user.full_name,
        native_name=user.native_name,
        organisation="Ministry of Human Resources and Social Security",
        organisation_type=OrganisationType.GOVERNMENT,
        country="CN",
        sex=Sex.UNDISCLOSED,
        privacy_accepted_at=datetime.now(UTC),
    )
    db.session.add(registration)
    db.session.commit()
    return registration


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver for the whole run: a second ``sync_playwright()`` in the same thread is refused."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class RedisForTest:
    url: str
    prefix: str  # every key this test writes starts with it, and only those are deleted after
    client: object

    def settings(self, url: str | None = None) -> dict:
        return {"REDIS_URL": url or self.url, "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": self.prefix}}

    def counters(self) -> dict[str, int]:
        return {key.decode(): int(self.client.get(key)) for key in self.client.scan_iter(match=f"{self.prefix}:*")}


@pytest.fixture
def redis_for_test():
    """Redis at TEST_REDIS_URL, for the tests that need one: skipped without it, except in CI."""
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {TEST_REDIS_URL} does not answer ({error}): in CI it must")
        pytest.skip(f"Redis at {TEST_REDIS_URL} does not answer; the tests that need Redis are skipped")
    server = RedisForTest(TEST_REDIS_URL, f"workshop-test-{uuid.uuid4().hex}", client)
    yield server
    for key in client.scan_iter(match=f"{server.prefix}:*"):
        client.delete(key)
    client.close()


_people = itertools.count(1)


@pytest.fixture
def add_registration(make_user):
    """A registration put straight into the database (the participant side is tested elsewhere)."""

    def add(
        event, state=State.CONFIRMED, email=None, locale="en", answers=None, created_at=None, **fields
    ) -> Registration:
        n = next(_people)
        values = dict(
            full_name=f"Participant {n}",
            organisation="Ministry of Labour",
            organisation_type=OrganisationType.GOVERNMENT,
            country="GB",
            sex=Sex.FEMALE,
            privacy_accepted_at=datetime.now(UTC),
        )
        values.update(fields)
        user = make_user(email=email or f"participant{n}@example.org", locale=locale, full_name=values["full_name"])
        registration = Registration(event_id=event.id, user_id=user.id, state=state, **values)
        if created_at:
            registration.created_at = created_at
        if state is State.WAITLISTED:
            registration.waitlist_seq = registration_services.next_waitlist_seq(event.id)
        for question, value in (answers or {}).items():
            answer = Answer(question_id=question.id)
            answer.value = value
            registration.answers.append(answer)
        db.session.add(registration)
        db.session.commit()
        return registration

    return add
