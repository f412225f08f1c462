"""Registration under load: PARTICIPANTS visitors send the registration form for one event at
the same moment, through HTTP, to gunicorn with several sync workers (separate processes, so on
SQLite the event lock is the database file's write lock, shared across processes).

Preparation is not timed: each participant is a ``requests.Session`` that fetched the form and
its CSRF token (and session cookie). Then one thread per participant (PARTICIPANTS threads, no
pool) waits at a barrier; the barrier releases them all together and each times its own POST.

What dominates the time: each POST creates an account, and the password is hashed with scrypt
(slow and memory-hard on purpose, ~0.1 s of CPU each). That is what a real visitor costs, so it
is measured as it is; the locked part (count the places, insert, write the e-mails) is short.
The workers can hash only as fast as the machine has CPUs, so registrations per second is
roughly the number of CPUs divided by the hashing time, and p99 is the time the last of the
queue waits.
"""

import re
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from flask import Flask

from workshop.events.models import Event, EventKind, EventStatus
from workshop.extensions import db
from workshop.registration import services
from workshop.registration.models import Registration
from workshop.registration.states import State

from .load import failed, percentile
from .report import failures_line
from .server import Server, dead_workers, gunicorn

PARTICIPANTS = 200
CAPACITY = 50
PREPARE_THREADS = 8  # fetching the forms beforehand; not timed
POST_TIMEOUT = 120.0
PASSWORD = "bench participant passphrase"
SLUG = "bench-registration-rush"
FORM = {
    "locale": "en",
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
class Result:
    workers: int
    wall_seconds: float
    outcomes: list[Outcome]
    counts: Counter
    users_created: int
    positions: list[int]
    duplicate_seqs: int
    mails: int
    log_excerpt: str
    problems: list[str] = field(default_factory=list)
    dead_workers: int = 0

    @property
    def per_second(self) -> float:
        return len(self.outcomes) / self.wall_seconds

    @property
    def failed(self) -> int:
        return sum(failed(o.status) for o in self.outcomes)


def seed_event(app: Flask) -> int:
    """One published event, open for registration now, with CAPACITY places and no approval step."""
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    with app.app_context():
        event = Event(
            slug=SLUG,
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


def run(app: Flask, app_env: dict[str, str], instance_path: Path, log_file: Path, workers: int) -> Result:
    event_id = seed_event(app)
    with gunicorn("workshop:create_app()", workers, app_env, log_file) as server:
        participants = prepare(server)
        wall_seconds, outcomes = release_together(participants)
    result = check(app, event_id, workers, wall_seconds, outcomes, instance_path, log_file)
    result.dead_workers = dead_workers(log_file)
    return result


# --- the participants -----------------------------------------------------------


class Participant:
    def __init__(self, server: Server, n: int):
        self.url = f"http://{server.host}:{server.port}/events/{SLUG}/register"
        self.session = requests.Session()
        page = self.session.get(self.url, timeout=30)
        page.raise_for_status()
        match = CSRF.search(page.text)
        if match is None:
            raise RuntimeError(f"GET {self.url}: no CSRF token in the form")
        self.data = {
            **FORM,
            "csrf_token": match.group(1),
            "email": f"bench.participant{n}@example.org",
            "full_name": f"Bench Participant {n}",
            "password": PASSWORD,
            "confirm": PASSWORD,
        }

    def post(self) -> Outcome:
        started = time.perf_counter()
        try:
            response = self.session.post(self.url, data=self.data, allow_redirects=False, timeout=POST_TIMEOUT)
            outcome = Outcome(0.0, response.status_code, response.headers.get("Location", ""))
        except requests.RequestException as error:
            outcome = Outcome(0.0, 0, error=f"{type(error).__name__}: {error}")
        outcome.seconds = time.perf_counter() - started
        self.session.close()
        return outcome


def prepare(server: Server) -> list[Participant]:
    with ThreadPoolExecutor(max_workers=PREPARE_THREADS) as pool:
        return list(pool.map(lambda n: Participant(server, n), range(PARTICIPANTS)))


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


def check(app, event_id, workers, wall_seconds, outcomes, instance_path: Path, log_file: Path) -> Result:
    with app.app_context():
        registrations = list(db.session.scalars(db.select(Registration).where(Registration.event_id == event_id)))
        counts = Counter(r.state for r in registrations)
        waiting = [r for r in registrations if r.state is State.WAITLISTED]
        # the position each participant is shown on their page, not a renumbering of the list
        positions = sorted(services.waitlist_position(r) for r in waiting)
        duplicate_seqs = len(waiting) - len({r.waitlist_seq for r in waiting})
        users_created = len({r.user_id for r in registrations})
        db.session.remove()
        db.engine.dispose()
    outbox = instance_path / "outbox"
    mails = len(list(outbox.glob("*.eml"))) if outbox.is_dir() else 0
    result = Result(workers, wall_seconds, outcomes, counts, users_created, positions, duplicate_seqs, mails, "")

    statuses = Counter(o.status for o in outcomes)
    if len(outcomes) != PARTICIPANTS:
        result.problems.append(f"{PARTICIPANTS - len(outcomes)} participants got no outcome")
    if set(statuses) != {302}:
        result.problems.append(f"not every POST answered 302: {format_statuses(statuses)}")
    wrong_place = [o.location for o in outcomes if o.status == 302 and not REGISTRATION_PAGE.search(o.location)]
    if wrong_place:
        result.problems.append(f"{len(wrong_place)} redirects not to /registrations/<id>, e.g. {wrong_place[0]!r}")
    errors = sorted({o.error for o in outcomes if o.error})
    if errors:
        result.problems.append(f"requests failed: {'; '.join(errors[:3])}")
    total = sum(counts.values())
    if counts[State.CONFIRMED] != CAPACITY:
        result.problems.append(f"confirmed {counts[State.CONFIRMED]}, capacity {CAPACITY}")
    if total != PARTICIPANTS:
        result.problems.append(f"{total} registrations in the database, {PARTICIPANTS} sent")
    if counts[State.WAITLISTED] != PARTICIPANTS - CAPACITY:
        result.problems.append(f"waitlisted {counts[State.WAITLISTED]}, expected {PARTICIPANTS - CAPACITY}")
    if positions != list(range(1, len(waiting) + 1)) or duplicate_seqs:
        result.problems.append(
            f"waiting-list positions are not 1..{len(waiting)} without gaps or duplicates"
            f" ({duplicate_seqs} duplicate sequence numbers)"
        )
    if result.problems or any(o.status >= 500 for o in outcomes):
        result.log_excerpt = log_errors(log_file)
    return result


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
    latencies = sorted(o.seconds for o in result.outcomes)
    counts = result.counts
    total = sum(counts.values())
    positions = f"{result.positions[0]}..{result.positions[-1]}" if result.positions else "none"
    lines = [
        f"registration: {PARTICIPANTS} visitors sign up at once for one event with {CAPACITY} places"
        f" (HTTP form, new account each, scrypt); gunicorn {result.workers} sync workers;"
        f" {PARTICIPANTS} client threads released by one barrier",
        f"  {result.per_second:.1f} registrations/s ({PARTICIPANTS} in {result.wall_seconds:.1f} s);"
        f" p50 {percentile(latencies, 50) * 1000:.0f} ms, p99 {percentile(latencies, 99) * 1000:.0f} ms",
        f"  statuses: {format_statuses(Counter(o.status for o in result.outcomes))}",
        f"  database: confirmed {counts[State.CONFIRMED]}, waitlisted {counts[State.WAITLISTED]}, total {total}"
        f" ({result.users_created} accounts); waiting-list positions {positions}; {result.mails} e-mails in the outbox",
        f"  {failures_line(result.failed, len(result.outcomes), result.dead_workers)}",
    ]
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
