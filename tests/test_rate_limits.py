"""Rate limits hold whatever the number of worker processes: they are counted in a SQLite file
in the instance folder by default, in Redis when one is configured, and in each process's memory
only while that storage does not answer."""

import contextlib
import logging
import multiprocessing
import os
import socket
import threading
import time
import traceback
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from workshop import create_app, rate_limit_storage
from workshop.extensions import db, limiter
from workshop.rate_limit_storage import SQLiteStorage

from .conftest import PASSWORD, database_url, free_port, submit

WRONG_PASSWORD = "not the password at all"
FALLING_BACK = "Rate limit storage unreachable - falling back to in-memory storage"


@pytest.fixture
def make_site(app, tmp_path):
    """Another app on the test's database and instance folder, with settings of its own: the
    site as a worker process with those settings would serve it."""
    sites = []

    def make(**settings):
        site = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret-key",
                "JOBS_IMMEDIATE": True,
                "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
                **settings,
            }
        )
        sites.append(site)
        return site

    yield make
    for site in sites:
        with site.app_context():
            db.engine.dispose()
    # The limiter is one object for every app of this process, and it remembers that its
    # storage stopped answering; the apps of the next tests store their limits in memory.
    limiter._storage_dead = False


def wrong_password(client, email: str) -> int:
    return submit(client, "/login", {"email": email, "password": WRONG_PASSWORD}).status_code


def worker_process(settings: dict, instance: str, email: str, attempts: int, start, answers) -> None:
    """One worker process of the site, with its own app, trying wrong passwords."""
    try:
        os.environ["WORKSHOP_INSTANCE_PATH"] = instance
        site = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key", "JOBS_IMMEDIATE": True, **settings})
        client = site.test_client()
        start.wait(timeout=120)
        answers.put([wrong_password(client, email) for _ in range(attempts)])
    except BaseException:
        answers.put(traceback.format_exc())


def wrong_passwords_from_two_processes(settings: dict, instance, email: str, attempts_each: int = 15) -> list[int]:
    context = multiprocessing.get_context("spawn")  # not fork: this process runs threads (the SMTP server)
    start, answers = context.Barrier(2), context.Queue()
    processes = [
        context.Process(target=worker_process, args=(settings, str(instance), email, attempts_each, start, answers))
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    try:
        results = [answers.get(timeout=300) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
                process.join()
    for result in results:
        assert isinstance(result, list), result
    return [status for result in results for status in result]


def test_two_worker_processes_on_one_machine_together_let_exactly_the_limit_through(app, make_user, tmp_path):
    user = make_user()
    instance = tmp_path / "instance"

    # No Redis and no storage set: the default, as `make run` serves the site with several workers
    statuses = wrong_passwords_from_two_processes(
        {"SQLALCHEMY_DATABASE_URI": database_url(tmp_path)}, instance, user.email
    )

    assert (statuses.count(200), statuses.count(429)) == (10, 20)
    assert (instance / "ratelimits.sqlite").is_file()


def from_address(number: int) -> dict:
    return {"environ_base": {"REMOTE_ADDR": f"198.51.100.{number}"}}


def test_wrong_passwords_spread_over_many_addresses_are_stopped_at_the_account(client, make_user):
    user, other = make_user(email="li.wei@example.org"), make_user()
    typed = ["li.wei@example.org", " Li.Wei@Example.org", "LI.WEI@EXAMPLE.ORG "]  # one account, however it is typed

    statuses = [
        submit(client, "/login", {"email": typed[n % 3], "password": WRONG_PASSWORD}, **from_address(n)).status_code
        for n in range(11)
    ]

    assert statuses == [200] * 10 + [429]
    refused = submit(client, "/login", {"email": user.email, "password": PASSWORD}, **from_address(99))
    assert refused.status_code == 429 and "Too many attempts" in refused.get_data(as_text=True)
    assert submit(client, "/login", {"email": other.email, "password": PASSWORD}, **from_address(1)).status_code == 302


def test_an_unknown_address_is_limited_exactly_as_an_account_with_a_wrong_password(client, make_user):
    user = make_user()

    def attempts(email: str, first_address: int) -> list[tuple]:
        answers = [
            submit(client, "/login", {"email": email, "password": WRONG_PASSWORD}, **from_address(first_address + n))
            for n in range(11)
        ]
        return [(answer.status_code, answer.headers.get("X-RateLimit-Remaining")) for answer in answers]

    assert (
        attempts("nobody@example.org", 0)
        == attempts(user.email, 100)
        == [(200, str(9 - n)) for n in range(10)] + [(429, "0")]
    )


def test_a_crowd_behind_one_address_is_stopped_at_the_address(client, make_user):
    users = [make_user() for _ in range(11)]

    statuses = [
        submit(client, "/login", {"email": user.email, "password": WRONG_PASSWORD}).status_code for user in users
    ]

    assert statuses == [200] * 10 + [429]


def test_reset_requests_for_one_account_from_many_addresses_are_stopped_at_the_account(client, make_user, mailbox):
    user = make_user()

    known = [submit(client, "/password/forgot", {"email": user.email}, **from_address(n)).status_code for n in range(6)]
    unknown = [
        submit(client, "/password/forgot", {"email": "nobody@example.org"}, **from_address(n)).status_code
        for n in range(6)
    ]
    again = [submit(client, "/verify/resend", {"email": user.email}, **from_address(n)).status_code for n in range(6)]

    assert known == unknown == again == [302] * 5 + [429]
    assert len(mailbox.to(user.email)) == 5


def test_someone_refused_may_try_again_when_the_minute_is_over(make_site, make_user, monkeypatch):
    user = make_user()
    client = make_site().test_client()  # the embedded default: the SQLite file
    assert [wrong_password(client, user.email) for _ in range(11)] == [200] * 10 + [429]

    a_minute_later = time.time() + 61
    monkeypatch.setattr(rate_limit_storage, "time", SimpleNamespace(time=lambda: a_minute_later))

    assert wrong_password(client, user.email) == 200


def test_the_embedded_storage_clears_one_counter_or_all(tmp_path):
    storage = SQLiteStorage(f"sqlite:///{tmp_path / 'ratelimits.sqlite'}")
    assert [storage.incr("a", 60), storage.incr("a", 60), storage.incr("b", 60, amount=5)] == [1, 2, 5]
    assert 59 < storage.get_expiry("a") - time.time() <= 60

    storage.clear("a")
    assert (storage.get("a"), storage.get("b")) == (0, 5)
    assert storage.reset() == 1
    assert storage.get("b") == 0
    assert storage.check()


def test_two_worker_processes_sharing_redis_together_let_exactly_the_limit_through(
    app, make_user, tmp_path, redis_for_test
):
    user = make_user()
    instance = tmp_path / "instance"

    settings = {"SQLALCHEMY_DATABASE_URI": database_url(tmp_path), **redis_for_test.settings()}
    statuses = wrong_passwords_from_two_processes(settings, instance, user.email)

    assert (statuses.count(200), statuses.count(429)) == (10, 20)
    assert {key.split("/")[1] for key in redis_for_test.counters()} == {"127.0.0.1", f"account:{user.email}"}
    assert not (instance / "ratelimits.sqlite").exists()


def test_an_explicit_storage_wins_over_redis(make_site):
    site = make_site(REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_STORAGE_URI="memory://")
    assert site.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_when_redis_does_not_answer_log_ins_are_limited_in_each_process_and_it_is_logged(make_site, make_user, caplog):
    user = make_user()
    site = make_site(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    client = site.test_client()

    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        statuses = [wrong_password(client, user.email) for _ in range(11)]

    assert statuses == [200] * 10 + [429]
    assert FALLING_BACK in caplog.text


class RedisThatGoesAway:
    """Forwards a local port to Redis until ``stop()``: from then on, Redis is gone for the app."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.target = (parts.hostname, parts.port or 6379)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}{parts.path}"
        self.connections: list[socket.socket] = []
        self.threads = [threading.Thread(target=self.accept, daemon=True)]
        self.threads[0].start()

    def accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # stopped
                return
            upstream = socket.create_connection(self.target)
            self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                thread = threading.Thread(target=self.forward, args=(source, sink), daemon=True)
                self.threads.append(thread)
                thread.start()

    @staticmethod
    def forward(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass

    def stop(self) -> None:
        for connection in [self.listener, *self.connections]:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)  # wakes the threads blocked on it
            connection.close()
        for thread in self.threads:
            thread.join(timeout=10)


def test_when_redis_goes_away_the_site_stays_up_with_limits_per_process(make_site, make_user, redis_for_test, caplog):
    user = make_user()
    redis_server = RedisThatGoesAway(redis_for_test.url)
    site = make_site(**redis_for_test.settings(redis_server.url))
    client = site.test_client()
    try:
        assert [wrong_password(client, user.email) for _ in range(4)] == [200] * 4
        assert set(redis_for_test.counters().values()) == {4}  # the address's and the account's

        redis_server.stop()
        with caplog.at_level(logging.WARNING, logger="flask-limiter"):
            statuses = [wrong_password(client, user.email) for _ in range(11)]
    finally:
        redis_server.stop()

    assert statuses == [200] * 10 + [429]  # this process counts afresh in its own memory
    assert FALLING_BACK in caplog.text
    assert set(redis_for_test.counters().values()) == {4}
