"""``python -m bench``: seed, count queries, serve with gunicorn, load, report; the agenda of a
300-session event (bench/agenda.py); then the registration rush (bench/registration.py) and the
check-in rush with the badges PDF (bench/check_in.py) and 1,000 certificates in bulk
(bench/certificates.py) and the compiled workshop report of a 500-participant event
(bench/workshop_report.py) on the same database."""

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from workshop import create_app
from workshop.extensions import db

from . import agenda, calendars, certificates, check_in, database, registration, report, workshop_report
from .load import Result, measure
from .queries import count_queries
from .seed import USER_COUNT, seed
from .server import app_environment, dead_workers, gunicorn

SMALL, LARGE = 20, 200  # events in the database when queries are counted
WORKERS = 4
CLIENTS = 8
WARMUP_SECONDS = 1.0
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))  # measured per page


@dataclass(frozen=True)
class Page:
    label: str
    path: str


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="workshop-bench-") as workdir:
        return run(Path(workdir))


def run(workdir: Path) -> int:
    instance_path = workdir / "instance"
    instance_path.mkdir()
    url = database.database_url(instance_path)
    database.create_postgres_database_if_missing(url)
    secret_key = "bench-" + secrets.token_hex(16)  # not valid JSON, so WORKSHOP_SECRET_KEY stays a string
    app = in_process_app(instance_path, url, secret_key)
    try:
        small_counts, _ = seed_and_count_queries(app, SMALL)
        large_counts, pages = seed_and_count_queries(app, LARGE)  # the load test runs on this one
        agenda_pages, agenda_small, agenda_large = seed_and_count_agenda(app)
        with app.app_context():
            db.engine.dispose()
        app_env = app_environment(instance_path, url, secret_key)
        bare = load_pages(workdir / "bare.log", "bench.bare_app:app", dict(os.environ), [Page("bare Flask route", "/")])
        listed = load_pages(workdir / "app.log", "workshop:create_app()", app_env, pages)
        programme = load_pages(workdir / "agenda.log", "workshop:create_app()", app_env, agenda_pages)
        rush = registration.run(app, app_env, instance_path, workdir / "registration.log", WORKERS)
        scans = check_in.run(app, app_env, workdir / "check_in.log", WORKERS)
        bulk_certificates = certificates.run(app)
        report_pdf = workshop_report.run(app)
        calendar_files = calendars.run(app)
    finally:
        if not url.startswith("sqlite"):
            with app.app_context():
                database.drop_tables()

    print(f"database: {database.describe(url)}; {LARGE} published events, {USER_COUNT} users")
    print(
        f"gunicorn: {WORKERS} sync workers on {os.cpu_count()} CPUs; {CLIENTS} concurrent clients;"
        f" {WARMUP_SECONDS:g} s warm-up, then {SECONDS:g} s per page"
    )
    results = bare.results | listed.results
    rows = [(label, results[label], small_counts.get(label), large_counts.get(label)) for label in results]
    print(report.table(rows))
    ratio = listed.results[pages[0].label].requests_per_second / bare.results["bare Flask route"].requests_per_second
    print(f"ratio app/bare (event list): {ratio:.2f}")
    print(
        report.failures_line(
            bare.failed + listed.failed, bare.sent + listed.sent, bare.dead_workers + listed.dead_workers
        )
    )
    growing = [page.label for page in pages if large_counts[page.label] > small_counts[page.label]]
    pages_verdict = verdict(growing)
    print()
    print(
        f"agenda: an event of {agenda.LARGE_SESSIONS} sessions and {agenda.LARGE_SESSIONS // 2} speakers"
        f" (queries also counted at {agenda.SMALL_SESSIONS} sessions)"
    )
    agenda_rows = [
        (page.label, programme.results[page.label], agenda_small[page.label], agenda_large[page.label])
        for page in agenda_pages
    ]
    print(report.table(agenda_rows, agenda.COLUMNS))
    print(report.failures_line(programme.failed, programme.sent, programme.dead_workers))
    agenda_growing = [page.label for page in agenda_pages if agenda_large[page.label] > agenda_small[page.label]]
    if agenda_growing:
        print(
            f"FAILED: more queries with {agenda.LARGE_SESSIONS} sessions than with {agenda.SMALL_SESSIONS}: "
            f"{', '.join(agenda_growing)}"
        )
        pages_verdict = 1
    else:
        print("queries per page do not grow with the number of sessions and speakers.")
    print()
    print(registration.report(rush))
    print()
    print(check_in.report(scans))
    print()
    print(certificates.report(bulk_certificates))
    print()
    print(workshop_report.report(report_pdf))
    print()
    print(calendars.report(calendar_files))
    print()
    served = [
        (bare.failed, bare.sent, bare.dead_workers),
        (listed.failed, listed.sent, listed.dead_workers),
        (programme.failed, programme.sent, programme.dead_workers),
        (rush.failed, len(rush.outcomes), rush.dead_workers),
        (scans.failed, len(scans.outcomes), scans.dead_workers),
    ]
    failed, sent, dead = (sum(column) for column in zip(*served, strict=False))
    print(f"all sections under gunicorn: {report.failures_line(failed, sent, dead)}")
    if failed or dead:
        examples = sorted(
            {f for served_pages in (bare, listed, programme) for r in served_pages.results.values() for f in r.failures}
        )
        print(
            "FAILED: every request must be answered and no worker may "
            f"die{'; e.g. ' + '; '.join(examples[:3]) if examples else ''}"
        )
    problems = pages_verdict or rush.problems or scans.problems or bulk_certificates.problems or report_pdf.problems
    problems = problems or calendar_files.problems
    return 1 if problems or failed or dead else 0


def in_process_app(instance_path: Path, url: str, secret_key: str) -> Flask:
    os.environ["WORKSHOP_INSTANCE_PATH"] = str(instance_path)  # create_app reads it even with a test config
    return create_app({"SECRET_KEY": secret_key, "SQLALCHEMY_DATABASE_URI": url})


def seed_and_count_queries(app: Flask, event_count: int) -> tuple[dict[str, int], list[Page]]:
    with app.app_context():
        database.recreate_schema()
        events = seed(event_count)
        first_upcoming = events[1]  # see seed.event_start: odd-numbered events lie ahead
        pages = [
            Page("/ (upcoming events)", "/"),
            Page("/events/past", "/events/past"),
            Page("/events/<slug>", f"/events/{first_upcoming.slug}"),
        ]
    counts = count_queries(app, [page.path for page in pages])
    return {page.label: counts[page.path] for page in pages}, pages


def seed_and_count_agenda(app: Flask) -> tuple[list[Page], dict[str, int], dict[str, int]]:
    with app.app_context():
        agenda_pages = agenda.seed_programmes()
    counts = count_queries(app, [p.small_path for p in agenda_pages] + [p.large_path for p in agenda_pages])
    small = {p.label: counts[p.small_path] for p in agenda_pages}
    large = {p.label: counts[p.large_path] for p in agenda_pages}
    return [Page(p.label, p.large_path) for p in agenda_pages], small, large


@dataclass(frozen=True)
class Served:
    """Pages loaded from one gunicorn, and what its log tells of its workers."""

    results: dict[str, Result]
    dead_workers: int

    @property
    def failed(self) -> int:
        return sum(result.failed for result in self.results.values())

    @property
    def sent(self) -> int:
        return sum(result.sent for result in self.results.values())


def load_pages(log_file: Path, app_spec: str, env: dict[str, str], pages: list[Page]) -> Served:
    with gunicorn(app_spec, WORKERS, env, log_file) as server:
        results = {page.label: measure(server, page.path, CLIENTS, WARMUP_SECONDS, SECONDS) for page in pages}
    return Served(results, dead_workers(log_file))


def verdict(growing: list[str]) -> int:
    if growing:
        print(f"FAILED: more queries per page with {LARGE} events than with {SMALL}: {', '.join(growing)}")
        return 1
    print(f"queries per page do not grow with the number of events ({SMALL} -> {LARGE} events).")
    return 0
