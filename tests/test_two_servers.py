"""Two app servers on one PostgreSQL and one Redis, as behind a load balancer in production, each
with its own instance folder, sharing only the database, Redis and the upload directory; one job
worker. What a person does on one server, the other server knows: places, check-ins, limits,
files and e-mail agree."""

import os
import re
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from .conftest import PASSWORD, REGISTRATION_FORM, free_port

PG_ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# A database of this run's own, so that two runs of the suite on one machine do not meet; dropped at the end
DATABASE = f"workshop_two_servers_{os.getpid()}"
# a Redis database of its own, emptied first: one of 8 to 15 by the same number
REDIS_URL = os.environ.get("TWO_SERVERS_REDIS_URL", f"redis://127.0.0.1:6379/{8 + os.getpid() % 8}")
ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CAPACITY, RUSH = 5, 16


def services_or_skip() -> None:
    import psycopg
    import redis

    problems = []
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except psycopg.Error as error:
        problems.append(f"PostgreSQL at {PG_ADMIN_URL}: {error}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        problems.append(f"Redis at {REDIS_URL}: {error}")
    if problems:
        reason = "two servers need " + "; ".join(problems)
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def fresh_database() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"


def drop_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


class Cluster:
    def __init__(self, tmp: Path, smtp_port: int):
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        self.database_url = fresh_database()
        self.uploads = tmp / "shared-uploads"
        self.smtp_port = smtp_port
        self.tmp = tmp
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
            cwd=ROOT,
            env=self.env("migrate"),
            check=True,
            capture_output=True,
        )
        self.ports = [free_port(), free_port()]
        self.urls = [f"http://127.0.0.1:{port}" for port in self.ports]

    def env(self, name: str) -> dict:
        instance = self.tmp / f"instance-{name}"  # nothing shared through an instance folder
        instance.mkdir(exist_ok=True)
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "WORKSHOP_INSTANCE_PATH": str(instance),
            "WORKSHOP_SECRET_KEY": "two-servers-secret-key",
            "WORKSHOP_REDIS_URL": REDIS_URL,
            "WORKSHOP_UPLOAD_DIR": str(self.uploads),
            "WORKSHOP_MAIL_SERVER": "127.0.0.1",
            "WORKSHOP_MAIL_PORT": str(self.smtp_port),
            "WORKSHOP_PUBLIC_URL": "http://workshops.test",
            "WORKSHOP_PROXY_COUNT": "1",  # the tests say who they are in X-Forwarded-For, as a proxy would
            "WORKSHOP_LOGIN_RATE_LIMIT": "5 per minute",
            "WORKSHOP_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }

    def start(self) -> None:
        for n, port in enumerate(self.ports):
            self.spawn(
                f"web-{n}",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "workshop.wsgi:app",
                ],
            )
        self.spawn("worker", [sys.executable, "-m", "workshop.worker", "--threads", "2"])
        deadline = time.monotonic() + 60
        for url in self.urls:
            while True:
                self.check_alive()
                try:
                    if requests.get(url + "/", timeout=10).status_code == 200:
                        break
                except (requests.ConnectionError, requests.Timeout):
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"{url} did not answer:\n{self.output()}")
                time.sleep(0.1)

    def spawn(self, name: str, command: list[str]) -> None:
        log = self.tmp / f"{name}.log"
        self.logs.append(log)
        with log.open("w") as output:  # the child keeps its own copy of the descriptor
            self.processes.append(
                subprocess.Popen(command, cwd=ROOT, env=self.env(name), stdout=output, stderr=subprocess.STDOUT)
            )

    def check_alive(self) -> None:
        for process in self.processes:
            if process.poll() is not None:
                raise AssertionError(f"{process.args} exited with {process.returncode}:\n{self.output()}")

    def output(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in self.logs if log.exists())

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, smtp_server):
    services_or_skip()
    cluster = Cluster(tmp_path_factory.mktemp("two-servers"), smtp_server.port)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        drop_database()


@pytest.fixture(scope="module")
def world(cluster):
    """An organiser and an event with CAPACITY places, RUSH people with accounts, written directly."""
    from workshop import create_app
    from workshop.accounts.models import User
    from workshop.events.models import Event, EventKind, EventStatus
    from workshop.extensions import db

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "two-servers-secret-key",
            "SQLALCHEMY_DATABASE_URI": cluster.database_url,
            "JOBS_IMMEDIATE": True,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():

        def user(email, **fields):
            person = User(
                email=email,
                full_name=email.split("@")[0].title(),
                email_verified_at=datetime.now(UTC),
                **fields,
            )
            person.set_password(PASSWORD)
            db.session.add(person)
            return person

        organiser = user("organiser@example.org", can_create_events=True)
        people = [user(f"rush{n}@example.org") for n in range(RUSH)]
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
        event = Event(
            slug="two-servers",
            kind=EventKind.WORKSHOP,
            title="Skills for decent work",
            timezone="Asia/Shanghai",
            starts_at=starts,
            ends_at=starts + timedelta(days=2),
            status=EventStatus.PUBLISHED,
            capacity=CAPACITY,
        )
        event.organisers = [organiser]
        db.session.add(event)
        db.session.add(user("locked.out@example.org"))
        db.session.commit()
        ids = {"event": event.id, "organiser": organiser.id, "people": [p.id for p in people]}
        db.session.remove()
    yield ids
    with app.app_context():
        db.engine.dispose()


def browser(url: str, address: str) -> requests.Session:
    session = requests.Session()
    session.headers["X-Forwarded-For"] = address
    session.base = url  # type: ignore[attr-defined]
    return session


def token_of(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.text)
    assert match, f"no form at {url} ({page.status_code})"
    return match.group(1)


def post_form(session: requests.Session, url: str, data: dict, files=None) -> requests.Response:
    return session.post(
        url, data={"csrf_token": token_of(session, url), **data}, files=files, allow_redirects=False, timeout=30
    )


def log_in(session: requests.Session, base: str, email: str, password: str = PASSWORD) -> requests.Response:
    return post_form(session, base + "/login", {"email": email, "password": password})


def query(cluster, sql: str, *params):
    import psycopg

    with psycopg.connect(cluster.database_url) as connection:
        return connection.execute(sql, params).fetchall()


def test_a_rush_split_across_both_servers_confirms_exactly_the_capacity(cluster, world):
    barrier = threading.Barrier(RUSH)
    answers: list[int] = []

    def register(n: int):
        base = cluster.urls[n % 2]
        session = browser(base, f"198.51.100.{n + 1}")
        assert log_in(session, base, f"rush{n}@example.org").status_code == 302
        token = token_of(session, f"{base}/events/two-servers/register")
        barrier.wait()
        response = session.post(
            f"{base}/events/two-servers/register",
            data={"csrf_token": token, **REGISTRATION_FORM},
            allow_redirects=False,
            timeout=60,
        )
        answers.append(response.status_code)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(RUSH)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == [302] * RUSH, cluster.output()
    states = dict(
        query(cluster, "SELECT state, count(*) FROM registration WHERE event_id = %s GROUP BY state", world["event"])
    )
    assert states == {"confirmed": CAPACITY, "waitlisted": RUSH - CAPACITY}


def test_the_worker_sends_what_either_server_wrote_exactly_once(cluster, world, smtp_server):
    deadline = time.monotonic() + 60
    while True:
        waiting = query(cluster, "SELECT count(*) FROM outbox_message WHERE state <> 'sent'")[0][0]
        if waiting == 0 and len(smtp_server.handler.messages) >= RUSH:
            break
        assert time.monotonic() < deadline, f"{waiting} e-mails not sent:\n{cluster.output()}"
        time.sleep(0.2)
    rush_mail = [m for m in smtp_server.handler.messages if m["To"].startswith("rush")]
    assert sorted(m["To"] for m in rush_mail) == sorted(f"rush{n}@example.org" for n in range(RUSH))
    assert len({m["Message-ID"] for m in rush_mail}) == RUSH


def test_a_file_uploaded_on_one_server_downloads_from_the_other(cluster, world):
    first, second = cluster.urls
    organiser = browser(first, "192.0.2.10")
    assert log_in(organiser, first, "organiser@example.org").status_code == 302

    response = post_form(
        organiser,
        f"{first}/manage/events/two-servers/materials",
        {"title": "Programme", "visibility": "participants", "session_id": "", "url": "", "description": ""},
        files={"file": ("programme.pdf", PDF, "application/pdf")},
    )

    assert response.status_code == 302, response.text[:2000]
    [(material_id,)] = query(cluster, """SELECT id FROM material WHERE title = '{"en": "Programme"}'""")  # by language
    download = organiser.get(f"{second}/materials/{material_id}/download", timeout=30)  # the same log-in works on both
    assert download.status_code == 200 and download.content == PDF


def test_the_log_in_limit_counts_attempts_on_both_servers(cluster, world):
    first, second = cluster.urls
    answers = []
    for n in range(6):
        base = cluster.urls[n % 2]
        answers.append(
            log_in(browser(base, "203.0.113.7"), base, "locked.out@example.org", password="wrong password").status_code
        )

    assert answers[:5] == [200] * 5  # the form again, with its message
    assert answers[5] == 429
    assert (
        log_in(browser(second, "203.0.113.8"), second, "organiser@example.org").status_code == 302
    )  # others are not locked out


def test_two_desks_on_two_servers_scanning_one_badge_leave_one_record(cluster, world):
    from workshop import create_app
    from workshop.accounts.models import User
    from workshop.attendance import recording, tokens
    from workshop.events.models import Event
    from workshop.extensions import db
    from workshop.registration.models import Registration
    from workshop.registration.states import State

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": cluster.database_url,
            "JOBS_IMMEDIATE": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context(), app.test_request_context():
        event = db.session.get(Event, world["event"])
        _token, raw = tokens.create_token(db.session.get(User, world["organiser"]), event, "Desk")
        registration = db.session.scalar(
            db.select(Registration)
            .where(Registration.event_id == event.id, Registration.state == State.CONFIRMED)
            .limit(1)
        )
        code = recording.ticket_for(registration).code
        registration_id = registration.id
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    barrier = threading.Barrier(2)
    outcomes = []

    def scan(base):
        barrier.wait()
        response = requests.post(
            f"{base}/api/events/two-servers/attendance",
            json={"code": code, "session_id": None},
            headers={"Authorization": f"Bearer {raw}"},
            timeout=30,
        )
        outcomes.append(response.json()["status"])

    threads = [threading.Thread(target=scan, args=(base,)) for base in cluster.urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already", "checked_in"]
    assert query(cluster, "SELECT count(*) FROM attendance WHERE registration_id = %s", registration_id)[0][0] == 1
