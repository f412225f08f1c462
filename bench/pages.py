"""The pages people open most, each against the reference (bench/reference_app.py) served by the
same gunicorn settings in the same run and loaded by the same client: its requests per second as a
share of the reference's. The reference is loaded before, between and after the pages, and the
shares are of its mean; the spread of those three says how steady the machine was.

Queries per page are counted in-process at two database sizes; they must not grow."""

import http.client
import re
import statistics
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

from flask import Flask

from workshop.extensions import db

from . import agenda, database, reference_app, wrk
from .load import Result, timed_get
from .page_data import PASSWORD, Page, seed_page_data
from .queries import count_queries
from .seed import seed
from .server import Server, dead_workers, gunicorn

SMALL, LARGE = 20, 200  # events in the database when queries are counted
CLIENTS = 16
WARMUP_SECONDS = 1.0
PAGE_SHARE, AGENDA_SHARE, AGENDA_P99_MS = 0.5, 0.25, 250
REFERENCE = "reference"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass(frozen=True)
class Counted:
    pages: list[Page]
    small: dict[str, int]
    large: dict[str, int]


@dataclass
class Measured:
    references: list[Result]
    pages: dict[str, Result]
    page_bytes: dict[str, int]
    dead_workers: int

    @property
    def reference_rps(self) -> float:
        return statistics.mean(r.requests_per_second for r in self.references)

    def share(self, label: str) -> float:
        return self.pages[label].requests_per_second / self.reference_rps

    @property
    def failed(self) -> int:
        return sum(r.failed for r in [*self.references, *self.pages.values()])

    @property
    def sent(self) -> int:
        return sum(r.sent for r in [*self.references, *self.pages.values()])

    @property
    def failures(self) -> list[str]:
        return sorted({f for r in [*self.references, *self.pages.values()] for f in r.failures})


def count_site_pages(app: Flask) -> Counted:
    """Seeds SMALL events and counts, then seeds LARGE events, which the load test runs on."""
    _, small = seed_and_count(app, SMALL)
    pages, large = seed_and_count(app, LARGE)
    return Counted(pages, small, large)


def seed_and_count(app: Flask, event_count: int) -> tuple[list[Page], dict[str, int]]:
    with app.app_context():
        database.recreate_schema()
        pages = seed_page_data(seed(event_count))
    return pages, {page.label: count_queries(app, [page.path], page.login)[page.path] for page in pages}


def count_agenda(app: Flask) -> Counted:
    with app.app_context():
        agenda_pages = agenda.seed_programmes()
    counts = count_queries(app, [p.small_path for p in agenda_pages] + [p.large_path for p in agenda_pages])
    return Counted(
        [Page(p.label, p.large_path) for p in agenda_pages],
        {p.label: counts[p.small_path] for p in agenda_pages},
        {p.label: counts[p.large_path] for p in agenda_pages},
    )


def load(workdir: Path, app_env: dict[str, str], workers: int, seconds: float, sections: list[list[Page]]) -> Measured:
    """Serves the reference and the application side by side and loads the reference before each
    section of pages and after the last."""
    reference_db = workdir / "reference.sqlite"
    reference_app.fill(reference_db)
    reference_env = app_env | {reference_app.DATABASE_VARIABLE: str(reference_db)}
    reference_log, app_log = workdir / "reference.log", workdir / "pages.log"
    with (
        gunicorn("bench.reference_app:serve()", workers, reference_env, reference_log) as reference,
        gunicorn("workshop:create_app()", workers, app_env, app_log) as site,
    ):
        cookies = {
            page.login: session_cookie(site, page.login) for section in sections for page in section if page.login
        }
        measured = Measured([], {}, {}, 0)
        for section in sections:
            measured.references.append(wrk.load(reference, "/", CLIENTS, WARMUP_SECONDS, seconds))
            for page in section:
                cookie = cookies.get(page.login, "")
                measured.page_bytes[page.label] = body_bytes(site, page.path, cookie)
                measured.pages[page.label] = wrk.load(site, page.path, CLIENTS, WARMUP_SECONDS, seconds, cookie)
                drain(site, workers)
        measured.references.append(wrk.load(reference, "/", CLIENTS, WARMUP_SECONDS, seconds))
    measured.dead_workers = dead_workers(reference_log) + dead_workers(app_log)
    return measured


def drain(server: Server, workers: int) -> None:
    """Waits until the requests that wrk left queued when it stopped are served: one quick request
    a worker, queued behind them, so that they do not slow down whatever is measured next."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda _: timed_get(server, "/privacy"), range(workers)))


def session_cookie(server: Server, email: str) -> str:
    """Logs in through the login form and follows its redirect, as a browser does (which shows the
    welcome message once), and returns the Cookie header that carries the session from then on."""
    status, headers, body = request(server, "GET", "/login")
    cookie = cookie_header(headers, "")
    token = TOKEN.search(body)
    if status != 200 or token is None:
        raise RuntimeError(f"GET /login answered {status} without a form")
    form = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token.group(1)})
    status, headers, _ = request(server, "POST", "/login", form, cookie)
    if status != 302:
        raise RuntimeError(f"logging in as {email} answered {status}")
    cookie = cookie_header(headers, cookie)
    location = urllib.parse.urlsplit(dict(headers).get("Location", "/")).path or "/"
    _, headers, _ = request(server, "GET", location, cookie=cookie)
    return cookie_header(headers, cookie)


def request(
    server: Server, method: str, path: str, form: str = "", cookie: str = ""
) -> tuple[int, list[tuple[str, str]], str]:
    """The status, the Set-Cookie and Location headers, and the body."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if form else {}
        if cookie:
            headers["Cookie"] = cookie
        connection.request(method, path, body=form or None, headers=headers)
        response = connection.getresponse()
        headers = [("Set-Cookie", value) for value in response.headers.get_all("Set-Cookie") or []]
        if response.getheader("Location"):
            headers.append(("Location", response.getheader("Location")))
        return response.status, headers, response.read().decode()
    finally:
        connection.close()


def cookie_header(headers: list[tuple[str, str]], previous: str) -> str:
    jar = SimpleCookie(previous)
    for name, line in headers:
        if name == "Set-Cookie":
            jar.load(line)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def body_bytes(server: Server, path: str, cookie: str) -> int:
    status, _, body = request(server, "GET", path, cookie=cookie)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    return len(body.encode())


def table(measured: Measured, rows: list[tuple[str, int | None, int | None]], size_columns: tuple[str, str]) -> str:
    lines = [
        f"{'page':<24}{'rps':>7}{'share':>7}{'p50 ms':>8}{'p99 ms':>8}{'KB':>7}{'failed':>7}"
        f"  {size_columns[0]:<16}{size_columns[1]}"
    ]
    for label, small, large in rows:
        result = measured.pages[label]
        lines.append(
            f"{label:<24}{result.requests_per_second:>7.0f}{measured.share(label):>7.2f}{result.p50_ms:>8.1f}"
            f"{result.p99_ms:>8.1f}{measured.page_bytes[label] / 1024:>7.1f}{result.failed:>7}"
            f"  {'-' if small is None else small:<16}{'-' if large is None else large}"
        )
    return "\n".join(lines)


def reference_line(measured: Measured) -> str:
    each = ", ".join(f"{r.requests_per_second:.0f}" for r in measured.references)
    p99 = max(r.p99_ms for r in measured.references)
    return (
        f"reference (Flask + Flask-SQLAlchemy, a Jinja table of {reference_app.ROWS} rows from SQLite):"
        f" {measured.reference_rps:.0f} requests/s, the mean of {each}; p99 up to {p99:.1f} ms"
    )


def below_share(measured: Measured, labels: list[str], share: float) -> list[str]:
    return [f"{label} ({measured.share(label):.2f})" for label in labels if measured.share(label) < share]


def report(measured: Measured, site: Counted, programme: Counted) -> tuple[str, bool]:
    """The two tables and the verdicts; True when the queries grow (which fails the run)."""
    lines = [reference_line(measured), table(measured, rows(site), ("queries(20 ev)", "queries(200 ev)"))]
    missed = below_share(measured, [page.label for page in site.pages], PAGE_SHARE)
    lines.append(verdict(f"every page at >= {PAGE_SHARE} of the reference", missed))
    growing = [page.label for page in site.pages if site.large[page.label] > site.small[page.label]]
    lines.append(
        f"FAILED: more queries per page with {LARGE} events than with {SMALL}: {', '.join(growing)}"
        if growing
        else f"queries per page do not grow with the number of events ({SMALL} -> {LARGE} events)."
    )
    lines += [
        "",
        f"agenda: an event of {agenda.LARGE_SESSIONS} sessions and {agenda.LARGE_SESSIONS // 2} speakers"
        f" (queries also counted at {agenda.SMALL_SESSIONS} sessions)",
        table(
            measured, rows(programme), (f"queries({agenda.SMALL_SESSIONS} s.)", f"queries({agenda.LARGE_SESSIONS} s.)")
        ),
    ]
    big = measured.pages["agenda"]
    missed = below_share(measured, ["agenda"], AGENDA_SHARE) + (
        [f"agenda p99 {big.p99_ms:.0f} ms"] if big.p99_ms >= AGENDA_P99_MS else []
    )
    lines.append(verdict(f"the agenda at >= {AGENDA_SHARE} of the reference with p99 < {AGENDA_P99_MS} ms", missed))
    agenda_growing = [
        page.label for page in programme.pages if programme.large[page.label] > programme.small[page.label]
    ]
    lines.append(
        f"FAILED: more queries with {agenda.LARGE_SESSIONS} sessions than with {agenda.SMALL_SESSIONS}:"
        f" {', '.join(agenda_growing)}"
        if agenda_growing
        else "queries per page do not grow with the number of sessions and speakers."
    )
    return "\n".join(lines), bool(growing or agenda_growing)


def rows(counted: Counted) -> list[tuple[str, int | None, int | None]]:
    return [(page.label, counted.small[page.label], counted.large[page.label]) for page in counted.pages]


def verdict(target: str, missed: list[str]) -> str:
    return f"target {target}: {'missed by ' + ', '.join(missed) if missed else 'met'}"


def main() -> int:
    """``python -m bench.pages``: this section alone."""
    from .run import SECONDS, WORKERS
    from .server import app_environment
    from .standalone import temporary_app

    with temporary_app("workshop-bench-pages-") as (app, described):
        site, programme = count_site_pages(app), count_agenda(app)
        with app.app_context():
            db.engine.dispose()
        instance_path = Path(app.instance_path)
        app_env = app_environment(instance_path, app.config["SQLALCHEMY_DATABASE_URI"], app.config["SECRET_KEY"])
        measured = load(instance_path.parent, app_env, WORKERS, SECONDS, [site.pages, programme.pages])
    print(f"database: {described}; gunicorn: {WORKERS} sync workers; load: {wrk.describe(CLIENTS)}")
    text, queries_grow = report(measured, site, programme)
    print(text)
    print(f"failed requests: {measured.failed} of {measured.sent}; dead workers: {measured.dead_workers}")
    return 1 if queries_grow or measured.failed or measured.dead_workers else 0


if __name__ == "__main__":
    sys.exit(main())
