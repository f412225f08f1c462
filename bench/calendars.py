"""Calendars polled: the .ics of an event of 300 sessions and 150 speakers, in this process. Timed:
building the file from the loaded sessions (target: under TARGET_MS), the whole request, and a poll
by a calendar application that holds the current copy (If-None-Match: a 304, nothing built); then
one session is edited and the same poll must get the new file. ``python -m bench.calendars`` runs
this part alone on its own temporary database."""

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask

from workshop.extensions import db

SESSIONS = 300  # and half as many speakers, as in bench/agenda.py

SLUG = "bench-calendar"
TARGET_MS = 50.0
RUNS = 20


@dataclass
class Result:
    build_ms: float = 0.0
    best_build_ms: float = 0.0
    request_ms: float = 0.0
    poll_ms: float = 0.0
    size: int = 0
    problems: list[str] = field(default_factory=list)


def timings_ms(action: Callable[[], object], runs: int = RUNS) -> list[float]:
    action()  # warm-up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def median_ms(action: Callable[[], object]) -> float:
    return statistics.median(timings_ms(action))


def run(app: Flask) -> Result:
    from workshop.agenda import ical, services
    from workshop.events.models import Event

    from .agenda import seed_programme

    result = Result()
    with app.app_context():
        seed_programme(SESSIONS, SLUG)
    url = f"/events/{SLUG}/agenda.ics"
    with app.test_request_context(url):
        event = db.session.scalar(db.select(Event).where(Event.slug == SLUG))
        sessions = services.agenda_sessions(event.id)
        builds = timings_ms(lambda: ical.agenda_calendar(event, sessions))
        result.build_ms, result.best_build_ms = statistics.median(builds), min(builds)
        db.session.remove()
    client = app.test_client()
    first = client.get(url)
    result.size = len(first.get_data())
    result.request_ms = median_ms(lambda: client.get(url))
    current = {"If-None-Match": first.headers["ETag"]}
    result.poll_ms = median_ms(lambda: client.get(url, headers=current))
    if client.get(url, headers=current).status_code != 304:
        result.problems.append("a poll with the current ETag was not answered 304")
    edit_first_session(app)
    after = client.get(url, headers=current)
    if after.status_code != 200 or b"(edited)" not in after.get_data():
        result.problems.append(f"after an edit the poll got {after.status_code}, not the new calendar")
    if result.best_build_ms > TARGET_MS:  # the best run: the others also measure who else used the CPU
        result.problems.append(f"building the .ics took {result.best_build_ms:.0f} ms (target: under {TARGET_MS:g} ms)")
    return result


def edit_first_session(app: Flask) -> None:
    from workshop.agenda.models import AgendaSession
    from workshop.events.models import Event

    with app.app_context():
        event_id = db.session.scalar(db.select(Event.id).where(Event.slug == SLUG))
        session = db.session.scalars(db.select(AgendaSession).where(AgendaSession.event_id == event_id)).first()
        session.title = session.title.with_text("en", f"{session.title.get('en')} (edited)")
        db.session.commit()


def report(result: Result) -> str:
    lines = [
        f"calendars: the .ics of {SESSIONS} sessions and {SESSIONS // 2} speakers"
        f" ({result.size / 1000:.0f} KB), in this process, median of {RUNS}",
        f"  built in {result.build_ms:.1f} ms, {result.best_build_ms:.1f} ms at best (target: under {TARGET_MS:g} ms);"
        " the whole request"
        f" {result.request_ms:.1f} ms; a poll holding the current copy {result.poll_ms:.1f} ms (304, nothing built)",
    ]
    lines += [f"FAILED (calendars): {problem}" for problem in result.problems]
    return "\n".join(lines)


def main() -> int:
    from .standalone import run_alone

    return run_alone("workshop-bench-calendars-", run, report)


if __name__ == "__main__":
    sys.exit(main())
