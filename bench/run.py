"""``python -m bench``: seed, count queries, serve with gunicorn next to the reference page, load
with wrk, report each page's share of the reference (bench/pages.py), the agenda of a 300-session
event among them (bench/agenda.py); then the registration rush (bench/registration.py) and the
check-in rush with the badges PDF (bench/check_in.py) and 1,000 certificates in bulk
(bench/certificates.py) and the compiled workshop report of a 500-participant event
(bench/workshop_report.py) on the same database."""

import os
import secrets
import tempfile
from pathlib import Path

from flask import Flask

from workshop import create_app
from workshop.extensions import db

from . import calendars, certificates, check_in, database, pages, registration, report, workshop_report, wrk
from .seed import USER_COUNT
from .server import app_environment

WORKERS = 4
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))  # measured per page


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
        site, programme = pages.count_site_pages(app), pages.count_agenda(app)  # the load runs on the large one
        with app.app_context():
            db.engine.dispose()
        app_env = app_environment(instance_path, url, secret_key)
        served = pages.load(workdir, app_env, WORKERS, SECONDS, [site.pages, programme.pages])
        rush = registration.run(app, app_env, instance_path, workdir / "registration.log", WORKERS)
        scans = check_in.run(app, app_env, workdir / "check_in.log", WORKERS)
        bulk_certificates = certificates.run(app)
        report_pdf = workshop_report.run(app)
        calendar_files = calendars.run(app)
    finally:
        if not url.startswith("sqlite"):
            with app.app_context():
                database.drop_tables()

    print(f"database: {database.describe(url)}; {pages.LARGE} published events and the demo's, {USER_COUNT} users")
    print(
        f"gunicorn: {WORKERS} sync workers on {os.cpu_count()} CPUs; load: {wrk.describe(pages.CLIENTS)};"
        f" {pages.WARMUP_SECONDS:g} s warm-up, then {SECONDS:g} s per page"
    )
    pages_table, queries_grow = pages.report(served, site, programme)
    print(pages_table)
    print(report.failures_line(served.failed, served.sent, served.dead_workers))
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
    sections = [
        (served.failed, served.sent, served.dead_workers),
        (rush.failed, len(rush.outcomes), rush.dead_workers),
        (scans.failed, len(scans.outcomes), scans.dead_workers),
    ]
    failed, sent, dead = (sum(column) for column in zip(*sections, strict=False))
    print(f"all sections under gunicorn: {report.failures_line(failed, sent, dead)}")
    if failed or dead:
        examples = served.failures
        print(
            "FAILED: every request must be answered and no worker may "
            f"die{'; e.g. ' + '; '.join(examples[:3]) if examples else ''}"
        )
    problems = queries_grow or rush.problems or scans.problems or bulk_certificates.problems or report_pdf.problems
    problems = problems or calendar_files.problems
    return 1 if problems or failed or dead else 0


def in_process_app(instance_path: Path, url: str, secret_key: str) -> Flask:
    os.environ["WORKSHOP_INSTANCE_PATH"] = str(instance_path)  # create_app reads it even with a test config
    return create_app({"SECRET_KEY": secret_key, "SQLALCHEMY_DATABASE_URI": url})
