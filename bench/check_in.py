"""Check-in under load: DESKS scanner desks record attendance in parallel through the check-in API
(``POST /api/events/<slug>/attendance``, bearer token) against gunicorn with several sync workers,
for an event of PARTICIPANTS confirmed participants; then DESKS check-in staff do the same through
the desk page (``POST /events/<slug>/check-in``, the form its script sends, logged in, with its CSRF
token) for the next session; then the time to make all their badges as one PDF.

Seeding is not timed and goes in bulk: the users, registrations and tickets are inserted with one
executemany each, and each desk gets its own API token (only its SHA-256 is stored, as the
application stores tokens).

Every badge is scanned twice, by two different desks, at about the same moment: desk ``d`` scans
its own hundred badges interleaved with the next desk's, so each badge's second scan races its
first. Each desk is a thread of this process (no pool), released with the others by one barrier,
and times each of its POSTs (a new connection each: gunicorn's sync workers close it anyway).

Before the barrier, each desk checks in PRACTICE_SCANS badges of its own for arrival, one after the
other and not timed, as a desk tries its scanner before the doors open (and as the pages are loaded
for a second before they are measured): the workers' first requests, which prepare their
templates and statements, are not what the rush measures.

Afterwards the database must hold exactly one present Attendance row (and one history entry) per
badge and way of scanning, at the session it was scanned for, and one for arrival per practice
scan; the answers must be one ``checked_in`` and one ``already`` per badge and way.
"""

import http.client
import json
import re
import secrets
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask
from sqlalchemy import func, insert
from werkzeug.security import generate_password_hash

from workshop.accounts.models import User
from workshop.agenda.models import AgendaSession, SessionKind
from workshop.attendance.models import (
    ARRIVAL,
    ApiToken,
    Attendance,
    AttendanceChange,
    Method,
    Ticket,
    check_in_staff,
    new_ticket_code,
)
from workshop.attendance.tokens import TOKEN_PREFIX, token_hash
from workshop.events.models import Event, EventKind, EventStatus
from workshop.extensions import db
from workshop.registration.models import OrganisationType, Registration, Sex
from workshop.registration.states import State

from .load import failed, percentile
from .logins import Login, logins
from .report import failures_line
from .seed import NAMES
from .server import Server, dead_workers, gunicorn

PARTICIPANTS = 1000
SESSIONS = 6
DESKS = 10
SCANS_PER_BADGE = 2
PRACTICE_SCANS = 3  # per desk and way of scanning, for arrival, before the rush
POST_TIMEOUT = 60.0
SLUG = "bench-check-in"
PAGE = re.compile(rb"/Type /Page\b(?!s)")
DESK_ANSWER = re.compile(rb'data-testid="desk-answer" data-outcome="(\w+)"')


@dataclass(frozen=True)
class Seeded:
    event_id: int
    session_ids: list[int]
    badges: list[tuple[int, str, int]]  # (registration id, ticket code, session id it is scanned for by the API)
    tokens: list[str]  # one raw token per desk
    staff_ids: list[int]  # one check-in staff account per desk

    def desk_session(self, api_session_id: int) -> int:
        """The session a badge is scanned for at the desk page: the one after its API scan's."""
        return self.session_ids[(self.session_ids.index(api_session_id) + 1) % len(self.session_ids)]


@dataclass(frozen=True)
class Scan:
    registration_id: int
    code: str
    session_id: int


@dataclass
class Outcome:
    scan: Scan
    desk: int
    seconds: float
    status: int  # HTTP status; 0 when no response came
    answer: str = ""  # the JSON "status" or the desk page's outcome: checked_in, already, ...
    error: str = ""


@dataclass
class BadgeTiming:
    layout: str
    seconds: float
    pages: int
    size: int


@dataclass
class Rush:
    """One way of scanning (the API, the desk page): every badge twice, by DESKS desks at once."""

    label: str
    wall_seconds: float
    outcomes: list[Outcome]
    practice: list[Outcome]  # before the release, not timed

    @property
    def per_second(self) -> float:
        return len(self.outcomes) / self.wall_seconds


@dataclass
class Result:
    workers: int
    rushes: list[Rush]
    rows: int
    present_rows: int
    changes: int
    badge_timings: list[BadgeTiming]
    problems: list[str] = field(default_factory=list)
    log_excerpt: str = ""
    dead_workers: int = 0

    @property
    def outcomes(self) -> list[Outcome]:
        return [o for rush in self.rushes for o in rush.outcomes]

    @property
    def failed(self) -> int:
        return sum(failed(o.status) for o in self.outcomes)


# --- seeding ----------------------------------------------------------------------------------


def seed(app: Flask) -> Seeded:
    """One published event under way, SESSIONS sessions, PARTICIPANTS confirmed registrations with
    tickets, DESKS API tokens and DESKS check-in staff; inserted in bulk."""
    now = datetime.now(UTC).replace(microsecond=0)
    password_hash = generate_password_hash("bench check-in participants cannot log in by guessing this")
    with app.app_context():
        organiser = User(
            email="bench.check-in.organiser@example.org",
            password_hash=password_hash,
            full_name="Check-in Organiser",
            can_create_events=True,
            email_verified_at=now,
        )
        event = Event(
            slug=SLUG,
            kind=EventKind.TRAINING,
            status=EventStatus.PUBLISHED,
            title="Check-in rush: labour inspection training",
            summary="The check-in benchmark's event.",
            venue="ITCILO campus",
            city="Turin",
            country="IT",
            timezone="Europe/Rome",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=2),
            contact_email="events@example.org",
        )
        event.organisers = [organiser]
        sessions = [
            AgendaSession(
                event=event,
                title=f"Module {n + 1}: inspection practice",
                kind=SessionKind.TRAINING,
                starts_at=event.starts_at + timedelta(hours=2 * n),
                ends_at=event.starts_at + timedelta(hours=2 * n, minutes=90),
            )
            for n in range(SESSIONS)
        ]
        db.session.add_all([event, *sessions])
        db.session.commit()
        event_id, session_ids = event.id, [s.id for s in sessions]

        user_ids = db.session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": f"bench.check-in{i}@example.org",
                    "password_hash": password_hash,
                    "full_name": f"{NAMES[i % len(NAMES)][0]} {i}",
                    "native_name": NAMES[i % len(NAMES)][1],
                    "locale": "en",
                    "email_verified_at": now,
                    "created_at": now,
                }
                for i in range(PARTICIPANTS + DESKS)
            ],
        ).all()
        user_ids, staff_ids = user_ids[:PARTICIPANTS], user_ids[PARTICIPANTS:]
        db.session.execute(check_in_staff.insert(), [{"event_id": event_id, "user_id": u} for u in staff_ids])
        registration_ids = db.session.scalars(
            insert(Registration).returning(Registration.id, sort_by_parameter_order=True),
            [
                {
                    "event_id": event_id,
                    "user_id": user_id,
                    "state": State.CONFIRMED,
                    "full_name": f"{NAMES[i % len(NAMES)][0]} {i}",
                    "native_name": NAMES[i % len(NAMES)][1],
                    "organisation": "Ministry of Human Resources and Social Security",
                    "organisation_type": OrganisationType.GOVERNMENT,
                    "country": "CN",
                    "sex": Sex.UNDISCLOSED,
                    "privacy_accepted_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for i, user_id in enumerate(user_ids)
            ],
        ).all()
        codes = unique_codes(PARTICIPANTS)
        db.session.execute(
            insert(Ticket),
            [
                {"registration_id": r, "code": c, "created_at": now}
                for r, c in zip(registration_ids, codes, strict=False)
            ],
        )
        tokens = [TOKEN_PREFIX + secrets.token_urlsafe(32) for _ in range(DESKS)]
        db.session.execute(
            insert(ApiToken),
            [
                {"event_id": event_id, "name": f"Bench desk {d + 1}", "token_hash": token_hash(t), "created_at": now}
                for d, t in enumerate(tokens)
            ],
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()  # hold no SQLite connection while gunicorn's workers write
    badges = [(r, c, session_ids[i % SESSIONS]) for i, (r, c) in enumerate(zip(registration_ids, codes, strict=False))]
    return Seeded(event_id, session_ids, badges, tokens, staff_ids)


def unique_codes(count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(new_ticket_code())
    return sorted(codes, key=lambda _: secrets.randbits(32))


# --- the desks ----------------------------------------------------------------------------------


def desk_queues(scans: list[Scan]) -> list[list[Scan]]:
    """Desk ``d`` scans its own chunk of badges interleaved with the next desk's chunk, which that
    desk scans as its own at the same pace: every badge is scanned by two desks at about the same time."""
    size = len(scans) // DESKS
    chunks = [scans[d * size : (d + 1) * size] for d in range(DESKS)]
    queues = []
    for d in range(DESKS):
        own, next_desks = chunks[d], chunks[(d + 1) % DESKS]
        queues.append([scan for pair in zip(own, next_desks, strict=False) for scan in pair])
    return queues


def post(server: Server, path: str, body: str, headers: dict[str, str], scan: Scan, desk: int, answer_of) -> Outcome:
    """One timed POST on a new connection; ``answer_of`` reads the outcome from the response body."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection(server.host, server.port, timeout=POST_TIMEOUT)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        outcome = Outcome(scan, desk, 0.0, response.status)
        outcome.answer, outcome.error = answer_of(payload)
    except OSError as error:
        outcome = Outcome(scan, desk, 0.0, 0, error=f"{type(error).__name__}: {error}")
    finally:
        connection.close()
    outcome.seconds = time.perf_counter() - started
    return outcome


def json_status(payload: bytes) -> tuple[str, str]:
    try:
        return json.loads(payload).get("status", ""), ""
    except ValueError:
        return "", f"not JSON: {payload[:80]!r}"


def desk_page_outcome(payload: bytes) -> tuple[str, str]:
    match = DESK_ANSWER.search(payload)
    return (match.group(1).decode(), "") if match else ("", f"no answer on the page: {payload[:80]!r}")


def api_scanner(server: Server, token: str, desk: int):
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def scan(one: Scan) -> Outcome:
        body = json.dumps({"code": one.code, "session_id": one.session_id or None})
        return post(server, f"/api/events/{SLUG}/attendance", body, headers, one, desk, json_status)

    return scan


def desk_page_scanner(server: Server, login: Login, desk: int):
    """The desk page's form as its script sends it (static/js/live-form.js): the staff member's
    session cookie and CSRF token, and the header that asks for the parts of the page it replaces."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": login.cookie, "X-Live-Parts": "1"}

    def scan(one: Scan) -> Outcome:
        body = urlencode({"csrf_token": login.csrf_token, "slot": one.session_id, "code": one.code})
        return post(server, f"/events/{SLUG}/check-in", body, headers, one, desk, desk_page_outcome)

    return scan


def scan_together(label: str, scanners: list, queues: list[list[Scan]], practice: list[list[Scan]]) -> Rush:
    """One thread per desk, which scans its practice badges, then waits at the barrier; the
    barrier's action notes the release time. Wall time: from the release to the last answer."""
    released: list[float] = []
    barrier = threading.Barrier(DESKS, action=lambda: released.append(time.perf_counter()))
    results: list[list[Outcome]] = [[] for _ in range(DESKS)]
    practised: list[list[Outcome]] = [[] for _ in range(DESKS)]

    def desk(d: int) -> None:
        practised[d] = [scanners[d](scan) for scan in practice[d]]
        barrier.wait()
        results[d] = [scanners[d](scan) for scan in queues[d]]

    threads = [threading.Thread(target=desk, args=(d,)) for d in range(DESKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finished = time.perf_counter()
    outcomes = [o for desk_outcomes in results for o in desk_outcomes]
    return Rush(label, finished - released[0], outcomes, [o for desk_outcomes in practised for o in desk_outcomes])


def practice_queues(seeded: Seeded, way: int) -> list[list[Scan]]:
    """Desk ``d``'s practice badges for one way of scanning (0: the API, 1: the desk page): arrival,
    which the rush does not scan, for badges of the desk's own chunk, different for each way."""
    size = PARTICIPANTS // DESKS
    return [
        [Scan(r, c, ARRIVAL) for r, c, _s in seeded.badges[d * size + way * PRACTICE_SCANS :][:PRACTICE_SCANS]]
        for d in range(DESKS)
    ]


def scan_both_ways(server: Server, seeded: Seeded, desk_logins: list[Login]) -> list[Rush]:
    api_scans = [Scan(r, c, s) for r, c, s in seeded.badges]
    desk_scans = [Scan(r, c, seeded.desk_session(s)) for r, c, s in seeded.badges]
    return [
        scan_together(
            "API",
            [api_scanner(server, seeded.tokens[d], d) for d in range(DESKS)],
            desk_queues(api_scans),
            practice_queues(seeded, 0),
        ),
        scan_together(
            "desk page",
            [desk_page_scanner(server, desk_logins[d], d) for d in range(DESKS)],
            desk_queues(desk_scans),
            practice_queues(seeded, 1),
        ),
    ]


# --- badges ---------------------------------------------------------------------------------------


def time_badges(app: Flask, event_id: int) -> list[BadgeTiming]:
    """All the event's badges as one PDF, in each layout: reading the registrations and tickets and
    drawing the PDF, in this process (as the request for ``badges.pdf`` does it)."""
    from workshop.attendance.badges import LAYOUTS, badges_for, confirmed_registrations, render_badges

    timings = []
    with app.test_request_context("/"):
        for layout in LAYOUTS:
            db.session.remove()
            started = time.perf_counter()
            event = db.session.get(Event, event_id)
            pdf = render_badges(event, badges_for(event, confirmed_registrations(event)), layout)
            seconds = time.perf_counter() - started
            db.session.rollback()
            timings.append(BadgeTiming(layout, seconds, len(PAGE.findall(pdf)), len(pdf)))
        db.session.remove()
        db.engine.dispose()
    return timings


# --- the run and the verdict ----------------------------------------------------------------------


def run(app: Flask, app_env: dict[str, str], log_file: Path, workers: int) -> Result:
    seeded = seed(app)
    desk_logins = logins(app, seeded.staff_ids)
    with gunicorn("workshop:create_app()", workers, app_env, log_file) as server:
        rushes = scan_both_ways(server, seeded, desk_logins)
    result = check(app, seeded, workers, rushes)
    result.dead_workers = dead_workers(log_file)
    try:
        result.badge_timings = time_badges(app, seeded.event_id)
    except Exception as error:  # report it with the rest, not as a traceback that hides the figures
        result.problems.append(f"badges: {type(error).__name__}: {error}")
    else:
        for timing in result.badge_timings:
            expected = PARTICIPANTS if timing.layout == "a6" else -(-PARTICIPANTS // 8)
            if timing.pages != expected:
                result.problems.append(f"badges ({timing.layout}): {timing.pages} pages, expected {expected}")
    if result.problems:
        from .registration import log_errors

        result.log_excerpt = log_errors(log_file)
    return result


def check(app: Flask, seeded: Seeded, workers: int, rushes: list[Rush]) -> Result:
    with app.app_context():
        marks = db.session.execute(
            db.select(Attendance.registration_id, Attendance.slot, Attendance.present, Attendance.method).where(
                Attendance.event_id == seeded.event_id
            )
        ).all()
        changes = db.session.scalar(
            db.select(func.count(AttendanceChange.id))
            .join(Attendance, Attendance.id == AttendanceChange.attendance_id)
            .where(Attendance.event_id == seeded.event_id)
        )
        db.session.remove()
        db.engine.dispose()
    result = Result(workers, rushes, len(marks), sum(1 for m in marks if m.present), changes, [])
    problems = result.problems
    for rush in rushes:
        problems += [f"{rush.label}: {problem}" for problem in check_answers(rush.outcomes)]
        if any(o.status != 200 or o.answer != "checked_in" for o in rush.practice):
            problems.append(f"{rush.label}: a practice scan was not checked in: {rush.practice[0]}")

    expected = {(r, s): Method.API for r, _code, s in seeded.badges}
    expected |= {(r, seeded.desk_session(s)): Method.SCAN for r, _code, s in seeded.badges}
    for way, method in enumerate((Method.API, Method.SCAN)):
        practised = [scan for queue in practice_queues(seeded, way) for scan in queue]
        expected |= {(scan.registration_id, ARRIVAL): method for scan in practised}
    rows = Counter((m.registration_id, m.slot) for m in marks)
    if len(marks) != len(expected):
        problems.append(f"{len(marks)} attendance rows, expected {len(expected)} (one per badge and way of scanning)")
    duplicated = [key for key, n in rows.items() if n > 1]
    if duplicated:
        problems.append(f"{len(duplicated)} badges have more than one attendance row for one session")
    missing = set(expected) - set(rows)
    if missing:
        problems.append(f"{len(missing)} scans left no attendance row")
    wrong = [m for m in marks if expected.get((m.registration_id, m.slot)) is not m.method or not m.present]
    if wrong:
        problems.append(f"{len(wrong)} attendance rows are not present, by the way scanned, at the scanned session")
    if changes != len(expected):
        problems.append(f"{changes} history entries, expected {len(expected)} (a second scan records nothing)")
    return result


def check_answers(outcomes: list[Outcome]) -> list[str]:
    problems = []
    expected_scans = PARTICIPANTS * SCANS_PER_BADGE
    if len(outcomes) != expected_scans:
        problems.append(f"{expected_scans - len(outcomes)} scans got no outcome")
    statuses = Counter(o.status for o in outcomes)
    if set(statuses) != {200}:
        problems.append(f"not every scan answered 200: {format_counts(statuses)}")
    errors = sorted({o.error for o in outcomes if o.error})
    if errors:
        problems.append(f"requests failed: {'; '.join(errors[:3])}")
    answers_per_badge: dict[int, list[str]] = defaultdict(list)
    desks_per_badge: dict[int, set[int]] = defaultdict(set)
    for o in outcomes:
        answers_per_badge[o.scan.registration_id].append(o.answer)
        desks_per_badge[o.scan.registration_id].add(o.desk)
    wrong_answers = [r for r, answers in answers_per_badge.items() if sorted(answers) != ["already", "checked_in"]]
    if wrong_answers:
        problems.append(
            f"{len(wrong_answers)} badges did not get one 'checked_in' and one 'already',"
            f" e.g. {answers_per_badge[wrong_answers[0]]}"
        )
    if any(len(desks) != SCANS_PER_BADGE for desks in desks_per_badge.values()):
        problems.append("some badges were not scanned by two different desks")
    return problems


def format_counts(counts: Counter) -> str:
    return ", ".join(
        f"{key or 'no response'} x{count}" for key, count in sorted(counts.items(), key=lambda item: str(item[0]))
    )


def report(result: Result) -> str:
    lines = [
        f"check-in: {DESKS} desks scan in parallel for an event of {PARTICIPANTS} confirmed participants and"
        f" {SESSIONS} sessions; every badge scanned twice by two desks at about the same time, through the API (a"
        " token each), then through the desk page (logged-in check-in staff) for the next session;"
        f" gunicorn {result.workers} sync workers",
    ]
    for rush in result.rushes:
        latencies = sorted(o.seconds for o in rush.outcomes)
        answers = Counter(o.answer or "none" for o in rush.outcomes)
        lines += [
            f"  {rush.label}: {rush.per_second:.1f} scans/s ({len(rush.outcomes)} in {rush.wall_seconds:.1f} s);"
            f" p50 {percentile(latencies, 50) * 1000:.0f} ms, p99 {percentile(latencies, 99) * 1000:.0f} ms",
            f"    answers: {format_counts(answers)}; HTTP: {format_counts(Counter(o.status for o in rush.outcomes))}",
        ]
    lines += [
        f"  database: {result.rows} attendance rows ({result.present_rows} present), {result.changes} history entries,"
        f" for {PARTICIPANTS} badges scanned both ways",
        f"  {failures_line(result.failed, len(result.outcomes), result.dead_workers)}",
    ]
    for timing in result.badge_timings:
        layout = "A6, one a page" if timing.layout == "a6" else "A4, eight a sheet"
        lines.append(
            f"  badges: {PARTICIPANTS} as one PDF ({layout}) in {timing.seconds:.2f} s;"
            f" {timing.pages} pages, {timing.size / 1_000_000:.1f} MB"
        )
    if result.problems:
        lines += [f"FAILED (check-in): {problem}" for problem in result.problems]
    if result.log_excerpt:
        lines += ["gunicorn log (errors):", result.log_excerpt]
    return "\n".join(lines)


def main() -> int:
    from .run import WORKERS
    from .standalone import run_served_alone

    return run_served_alone(
        "workshop-bench-check-in-", lambda app, env, workdir: run(app, env, workdir / "check_in.log", WORKERS), report
    )


if __name__ == "__main__":
    sys.exit(main())
