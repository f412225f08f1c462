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

from . import agenda, certificates, check_in, database, registration, report, workshop_report
from .load import Result, measure
from .queries import count_queries
from .seed import USER_COUNT, seed
from .server import app_environment, gunicorn

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
        bare, results = load_both_servers(workdir, app_env, pages + agenda_pages)
        rush = registration.run(app, app_env, instance_path, workdir / "registration.log", WORKERS)
        scans = check_in.run(app, app_env, workdir / "check_in.log", WORKERS)
        bulk_certificates = certificates.run(app)
        report_pdf = workshop_report.run(app)
    finally:
        if not url.startswith("sqlite"):
            with app.app_context():
                database.drop_tables()

    print(f"database: {database.describe(url)}; {LARGE} published events, {USER_COUNT} users")
    print(f"gunicorn: {WORKERS} sync workers on {os.cpu_count()} CPUs; {CLIENTS} concurrent clients;"
          f" {WARMUP_SECONDS:g} s warm-up, then {SECONDS:g} s per page")
    rows = [("bare Flask route", bare, None, None)]
    rows += [(page.label, results[page.label], small_counts[page.label], large_counts[page.label]) for page in pages]
    print(report.table(rows))
    print(f"ratio app/bare (event list): {results[pages[0].label].requests_per_second / bare.requests_per_second:.2f}")
    growing = [page.label for page in pages if large_counts[page.label] > small_counts[page.label]]
    failures = [failure for result in [bare, *results.values()] for failure in result.failures]
    pages_verdict = verdict(growing, failures)
    print()
    print(f"agenda: an event of {agenda.LARGE_SESSIONS} sessions and {agenda.LARGE_SESSIONS // 2} speakers"
          f" (queries also counted at {agenda.SMALL_SESSIONS} sessions)")
    agenda_rows = [(page.label, results[page.label], agenda_small[page.label], agenda_large[page.label]) for page in agenda_pages]
    print(report.table(agenda_rows, agenda.COLUMNS))
    agenda_growing = [page.label for page in agenda_pages if agenda_large[page.label] > agenda_small[page.label]]
    if agenda_growing:
        print(f"FAILED: more queries with {agenda.LARGE_SESSIONS} sessions than with {agenda.SMALL_SESSIONS}: {', '.join(agenda_growing)}")
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
    return 1 if pages_verdict or rush.problems or scans.problems or bulk_certificates.problems or report_pdf.problems else 0


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


def load_both_servers(workdir: Path, app_env: dict[str, str], pages: list[Page]) -> tuple[Result, dict[str, Result]]:
    with gunicorn("bench.bare_app:app", WORKERS, dict(os.environ), workdir / "bare.log") as server:
        bare = measure(server, "/", CLIENTS, WARMUP_SECONDS, SECONDS)
    with gunicorn("workshop:create_app()", WORKERS, app_env, workdir / "app.log") as server:
        results = {page.label: measure(server, page.path, CLIENTS, WARMUP_SECONDS, SECONDS) for page in pages}
    return bare, results


def verdict(growing: list[str], failures: list[str]) -> int:
    if failures:
        print(f"FAILED: {len(failures)} requests did not answer 200, e.g. {'; '.join(sorted(set(failures))[:3])}")
    if growing:
        print(f"FAILED: more queries per page with {LARGE} events than with {SMALL}: {', '.join(growing)}")
    if failures or growing:
        return 1
    print(f"queries per page do not grow with the number of events ({SMALL} -> {LARGE} events).")
    return 0
