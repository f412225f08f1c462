"""Registration under load, two rushes for two events of CAPACITY places each, through HTTP, to
gunicorn with several sync workers (separate processes, so on SQLite the event lock is the
database file's write lock, shared across processes):

- PARTICIPANTS logged-in participants send the registration form at the same moment;
- PARTICIPANTS visitors do the same, each creating an account with the form.

Preparation is not timed: each participant holds the form's CSRF token and its session cookie (a
visitor fetched the form; a participant's login is made in this process, see bench/logins.py).
Before the rushes, PRACTICE other participants register at once for a third event, not timed, so
that the workers' first registrations, which prepare their templates and statements, are not
what the rush measures (as the pages are loaded for a second before they are measured).
Then one thread per participant (PARTICIPANTS threads, no pool) waits at a barrier; the barrier
releases them all together and each times its own POST.

What dominates a visitor's time: each POST creates an account, and the password is hashed with
scrypt (slow and memory-hard on purpose, ~0.1 s of CPU each). That is what a real visitor costs, so
it is measured as it is; the locked part (count the places, insert, write the e-mails) is short.
The workers can hash only as fast as the machine has CPUs, so registrations per second is roughly
the number of CPUs divided by the hashing time, and p99 is the time the last of the queue waits.
A logged-in participant's POST has no hash to compute: its time is the locked part and the page.
"""

import re
import socket
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import requests
from flask import Flask
from sqlalchemy import insert
from werkzeug.security import generate_password_hash

from workshop.accounts.models import User
from workshop.events.models import Event, EventKind, EventStatus
from workshop.extensions import db
from workshop.registration import services
from workshop.registration.models import Registration
from workshop.registration.states import State

from .load import failed, percentile
from .logins import Login, logins
from .report import failures_line
from .server import Server, dead_workers, gunicorn

PARTICIPANTS = 200
PRACTICE = 8  # registrations for another event before the rushes, not timed
CAPACITY = 50
PREPARE_THREADS = 8  # fetching the forms beforehand; not timed
POST_TIMEOUT = 120.0
PASSWORD = "bench participant passphrase"
SLUGS = {"logged-in": "bench-registration-rush-members", "visitors": "bench-registration-rush"}
PRACTICE_SLUG = "bench-registration-practice"
FORM = {
    "native_name": "张敏",
    "organisation": "Ministry of Human Resources and Social Security",
    "organisation_type": "government",
    "job_title": "Deputy Director",
    "country": "CN",
    "sex": "female",
    "dietary_needs": "",
    "accessibility_needs": "",
    "privacy": "y",
}
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
REGISTRATION_PAGE = re.compile(r"/registrations/\d+$")


@dataclass
class Outcome:
    seconds: float
    status: int  # 0 when no response came
    location: str = ""
    error: str = ""


@dataclass
class Rush:
    label: str  # "logged-in" or "visitors"
    wall_seconds: float
    outcomes: list[Outcome]
    counts: Counter = field(default_factory=Counter)
    accounts: int = 0
    positions: list[int] = field(default_factory=list)
    duplicate_seqs: int = 0

    @property
    def per_second(self) -> float:
        return len(self.outcomes) / self.wall_seconds


@dataclass
class Result:
    workers: int
    rushes: list[Rush]
    mails: int
    log_excerpt: str = ""
    problems: list[str] = field(default_factory=list)
    dead_workers: int = 0

    @property
    def outcomes(self) -> list[Outcome]:
        return [o for rush in self.rushes for o in rush.outcomes]

    @property
    def failed(self) -> int:
        return sum(failed(o.status) for o in self.outcomes)


def seed_event(app: Flask, slug: str) -> int:
    """One published event, open for registration now, with CAPACITY places and no approval step."""
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    with app.app_context():
        event = Event(
            slug=slug,
            kind=EventKind.WORKSHOP,
            status=EventStatus.PUBLISHED,
            title="Registration rush: fair recruitment workshop",
            summary="The registration benchmark's event.",
            venue="ILO headquarters",
            city="Geneva",
            country="CH",
            timezone="Europe/Zurich",
            starts_at=starts,
            ends_at=starts + timedelta(days=2),
            registration_opens_at=None,
            registration_closes_at=None,
            capacity=CAPACITY,
            approval_required=False,
            contact_email="events@example.org",
        )
        db.session.add(event)
        db.session.commit()
        event_id = event.id
        db.session.remove()
        db.engine.dispose()  # hold no SQLite connection while gunicorn's workers write
    return event_id


def seed_members(app: Flask, count: int = PARTICIPANTS, first: int = 0) -> list[int]:
    """``count`` accounts with verified addresses, numbered from ``first``, inserted in bulk (one
    hash for all: nobody logs in with a password here)."""
    now = datetime.now(UTC).replace(microsecond=0)
    password_hash = generate_password_hash("bench members cannot log in by guessing this")
    with app.app_context():
        user_ids = db.session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": f"bench.member{n}@example.org",
                    "password_hash": password_hash,
                    "full_name": f"Bench Member {n}",
                    "locale": "en",
                    "email_verified_at": now,
                    "created_at": now,
                }
                for n in range(first, first + count)
            ],
        ).all()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return list(user_ids)


def run(app: Flask, app_env: dict[str, str], instance_path: Path, log_file: Path, workers: int) -> Result:
    event_ids = {label: seed_event(app, slug) for label, slug in SLUGS.items()}
    seed_event(app, PRACTICE_SLUG)
    member_logins = logins(app, seed_members(app))
    practice_logins = logins(app, seed_members(app, PRACTICE, first=PARTICIPANTS))
    rushes = []
    # 200 visitors come from 200 addresses and many e-mail domains, here from one of each: the limits
    # that hold back one address and one domain (abuse of open registration) are raised for this run
    app_env = app_env | {
        "WORKSHOP_VISITOR_REGISTRATION_RATE_LIMIT": f"{PARTICIPANTS} per hour",
        "WORKSHOP_VISITOR_DOMAIN_RATE_LIMIT": f"{PARTICIPANTS} per hour",
    }
    with gunicorn("workshop:create_app()", workers, app_env, log_file) as server:
        practice = practise(
            [Participant(server, PRACTICE_SLUG, PARTICIPANTS + n, login) for n, login in enumerate(practice_logins)]
        )
        members = [Participant(server, SLUGS["logged-in"], n, login) for n, login in enumerate(member_logins)]
        rushes.append(Rush("logged-in", *release_together(members)))
        rushes.append(Rush("visitors", *release_together(prepare_visitors(server))))
    result = check(app, event_ids, workers, rushes, instance_path, log_file)
    result.dead_workers = dead_workers(log_file)
    if any(o.status != 302 for o in practice):
        result.problems.append(f"practice: not every registration answered 302: {practice}")
    return result


def practise(participants: list["Participant"]) -> list["Outcome"]:
    with ThreadPoolExecutor(max_workers=len(participants)) as pool:
        return list(pool.map(lambda participant: participant.post(), participants))


# --- the participants -----------------------------------------------------------


class Participant:
    """A logged-in participant (``login``) or a visitor, who fetches the form first and signs up with it.

    The POST is a request made beforehand, sent as it is on a new connection, and of the answer
    only the status and the ``Location`` are parsed: the client's own work shares the machine's
    CPUs with the server's two hundred answers, so it is kept to what a browser's network does."""

    def __init__(self, server: Server, slug: str, n: int, login: Login | None = None):
        self.server, self.path = server, f"/events/{slug}/register"
        if login is not None:
            self.cookie = login.cookie
            self.request = self.request_of(
                urlencode({**FORM, "csrf_token": login.csrf_token, "full_name": f"Bench Member {n}"})
            )
            return
        with requests.Session() as browser:
            page = browser.get(f"http://{server.host}:{server.port}{self.path}", timeout=30)
            page.raise_for_status()
            self.cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
        match = CSRF.search(page.text)
        if match is None:
            raise RuntimeError(f"GET {self.path}: no CSRF token in the form")
        data = {
            **FORM,
            "csrf_token": match.group(1),
            "locale": "en",
            "email": f"bench.participant{n}@example.org",
            "full_name": f"Bench Participant {n}",
            "password": PASSWORD,
            "confirm": PASSWORD,
        }
        self.request = self.request_of(urlencode(data))

    def request_of(self, body: str) -> bytes:
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.server.host}:{self.server.port}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
            f"Cookie: {self.cookie}\r\nConnection: close\r\n\r\n"
        )
        return head.encode("latin-1") + body.encode("ascii")

    def post(self) -> Outcome:
        started = time.perf_counter()
        try:
            with socket.create_connection((self.server.host, self.server.port), timeout=POST_TIMEOUT) as connection:
                connection.sendall(self.request)
                outcome = outcome_of(read_until_closed(connection))
        except (OSError, ValueError) as error:
            outcome = Outcome(0.0, 0, error=f"{type(error).__name__}: {error}")
        outcome.seconds = time.perf_counter() - started
        return outcome


def read_until_closed(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def outcome_of(answer: bytes) -> Outcome:
    """The status and the ``Location`` header of an HTTP/1.1 answer; ValueError for no answer."""
    head = answer.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    status_line = head[0].split(" ", 2)
    if len(status_line) < 2 or not status_line[0].startswith("HTTP/"):
        raise ValueError(f"no HTTP answer: {answer[:80]!r}")
    status = int(status_line[1])
    location = next((line.split(":", 1)[1].strip() for line in head[1:] if line.lower().startswith("location:")), "")
    return Outcome(0.0, status, location)


def prepare_visitors(server: Server) -> list[Participant]:
    with ThreadPoolExecutor(max_workers=PREPARE_THREADS) as pool:
        return list(pool.map(lambda n: Participant(server, SLUGS["visitors"], n), range(PARTICIPANTS)))


def release_together(participants: list[Participant]) -> tuple[float, list[Outcome]]:
    """One thread per participant; the barrier's action notes the release time, once, just
    before every thread goes. Wall time: from the release to the last answer."""
    released: list[float] = []
    barrier = threading.Barrier(len(participants), action=lambda: released.append(time.perf_counter()))
    outcomes: list[Outcome | None] = [None] * len(participants)

    def go(i: int) -> None:
        barrier.wait()
        outcomes[i] = participants[i].post()

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(participants))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finished = time.perf_counter()
    return finished - released[0], [o for o in outcomes if o is not None]


# --- the verdict -----------------------------------------------------------------


def check(app, event_ids: dict[str, int], workers, rushes: list[Rush], instance_path: Path, log_file: Path) -> Result:
    with app.app_context():
        for rush in rushes:
            read_outcome(rush, event_ids[rush.label])
        db.session.remove()
        db.engine.dispose()
    outbox = instance_path / "outbox"
    mails = len(list(outbox.glob("*.eml"))) if outbox.is_dir() else 0
    result = Result(workers, rushes, mails)
    for rush in rushes:
        result.problems += [f"{rush.label}: {problem}" for problem in problems_of(rush)]
    if result.problems or any(o.status >= 500 for o in result.outcomes):
        result.log_excerpt = log_errors(log_file)
    return result


def read_outcome(rush: Rush, event_id: int) -> None:
    """What the rush left in the database: the states, the accounts, the waiting list."""
    registrations = list(db.session.scalars(db.select(Registration).where(Registration.event_id == event_id)))
    rush.counts = Counter(r.state for r in registrations)
    waiting = [r for r in registrations if r.state is State.WAITLISTED]
    # the position each participant is shown on their page, not a renumbering of the list
    rush.positions = sorted(services.waitlist_position(r) for r in waiting)
    rush.duplicate_seqs = len(waiting) - len({r.waitlist_seq for r in waiting})
    rush.accounts = len({r.user_id for r in registrations})


def problems_of(rush: Rush) -> list[str]:
    problems = []
    outcomes, counts = rush.outcomes, rush.counts
    statuses = Counter(o.status for o in outcomes)
    if len(outcomes) != PARTICIPANTS:
        problems.append(f"{PARTICIPANTS - len(outcomes)} participants got no outcome")
    if set(statuses) != {302}:
        problems.append(f"not every POST answered 302: {format_statuses(statuses)}")
    wrong_place = [o.location for o in outcomes if o.status == 302 and not REGISTRATION_PAGE.search(o.location)]
    if wrong_place:
        problems.append(f"{len(wrong_place)} redirects not to /registrations/<id>, e.g. {wrong_place[0]!r}")
    errors = sorted({o.error for o in outcomes if o.error})
    if errors:
        problems.append(f"requests failed: {'; '.join(errors[:3])}")
    total = sum(counts.values())
    if counts[State.CONFIRMED] != CAPACITY:
        problems.append(f"confirmed {counts[State.CONFIRMED]}, capacity {CAPACITY}")
    if total != PARTICIPANTS:
        problems.append(f"{total} registrations in the database, {PARTICIPANTS} sent")
    if counts[State.WAITLISTED] != PARTICIPANTS - CAPACITY:
        problems.append(f"waitlisted {counts[State.WAITLISTED]}, expected {PARTICIPANTS - CAPACITY}")
    if rush.positions != list(range(1, len(rush.positions) + 1)) or rush.duplicate_seqs:
        problems.append(
            f"waiting-list positions are not 1..{len(rush.positions)} without gaps or duplicates"
            f" ({rush.duplicate_seqs} duplicate sequence numbers)"
        )
    return problems


def format_statuses(statuses: Counter) -> str:
    return ", ".join(f"{status or 'no response'} x{count}" for status, count in sorted(statuses.items()))


ACCESS_LOG_LINE = re.compile(r'^\S+ \S+ \S+ \[[^\]]+\] "')


def log_errors(log_file: Path, limit: int = 60) -> str:
    """The gunicorn log's lines about errors (tracebacks included), without the mail log lines
    and the access log."""
    lines = [
        line
        for line in log_file.read_text(errors="replace").splitlines()
        if " INFO " not in line and not ACCESS_LOG_LINE.match(line)
    ]
    return "\n".join(lines[:limit])


def report(result: Result) -> str:
    lines = [
        f"registration: {PARTICIPANTS} people register at once for an event with {CAPACITY} places (HTTP form),"
        f" logged-in participants for one event, then visitors creating an account each (scrypt) for another;"
        f" gunicorn {result.workers} sync workers; {PARTICIPANTS} client threads released by one barrier",
    ]
    for rush in result.rushes:
        latencies = sorted(o.seconds for o in rush.outcomes)
        counts = rush.counts
        positions = f"{rush.positions[0]}..{rush.positions[-1]}" if rush.positions else "none"
        lines += [
            f"  {rush.label}: {rush.per_second:.1f} registrations/s ({len(rush.outcomes)} in"
            f" {rush.wall_seconds:.1f} s); p50 {percentile(latencies, 50) * 1000:.0f} ms,"
            f" p99 {percentile(latencies, 99) * 1000:.0f} ms",
            f"    statuses: {format_statuses(Counter(o.status for o in rush.outcomes))}; database: confirmed"
            f" {counts[State.CONFIRMED]}, waitlisted {counts[State.WAITLISTED]}, total {sum(counts.values())}"
            f" ({rush.accounts} accounts); waiting-list positions {positions}",
        ]
    failures = failures_line(result.failed, len(result.outcomes), result.dead_workers)
    lines.append(f"  {result.mails} e-mails in the outbox; {failures}")
    if result.problems:
        lines += [f"FAILED (registration): {problem}" for problem in result.problems]
    if result.log_excerpt:
        lines += ["gunicorn log (errors):", result.log_excerpt]
    return "\n".join(lines)


def main() -> int:
    from .run import WORKERS
    from .standalone import run_served_alone

    return run_served_alone(
        "workshop-bench-registration-",
        lambda app, env, workdir: run(app, env, workdir / "instance", workdir / "registration.log", WORKERS),
        report,
    )


if __name__ == "__main__":
    sys.exit(main())
