"""Load from wrk (Debian's /usr/bin/wrk): event-driven C that keeps CLIENTS connections busy
from two threads, so the load generator is not what limits the figures. Without wrk the pages
are loaded from bench/load.py's client threads, which saturate near 3,000 requests/s on one core
and say so."""

import re
import shutil
import subprocess
from pathlib import Path

from .load import Result, measure
from .server import Server

SCRIPT = Path(__file__).with_name("wrk_report.lua")
THREADS = 2
LINE = re.compile(r"^bench (.*)$", re.MULTILINE)


def wrk_path() -> str | None:
    return shutil.which("wrk")


def describe(clients: int) -> str:
    if wrk_path():
        return f"wrk -t{THREADS} -c{clients}"
    return (
        f"wrk is not installed (apt-get install wrk): {clients} client threads of this process instead,"
        " which saturate near 3,000 requests/s"
    )


def load(server: Server, path: str, clients: int, warmup: float, seconds: float, cookie: str = "") -> Result:
    wrk = wrk_path()
    if wrk is None:
        return measure(server, path, clients, warmup, seconds, cookie)
    before = run_wrk(wrk, server, path, clients, warmup, cookie)
    counts = run_wrk(wrk, server, path, clients, seconds, cookie)
    failures = [
        f"GET {path}: {kind}"
        for run in (before, counts)
        for kind in ("connect", "read", "write", "status", "timeout")
        for _ in range(run[kind])
    ]
    return Result(
        requests_per_second=counts["requests"] / (counts["duration_us"] / 1e6),
        p50_ms=counts["p50_us"] / 1000,
        p99_ms=counts["p99_us"] / 1000,
        sent=before["requests"] + counts["requests"],
        failures=failures,
    )


def run_wrk(wrk: str, server: Server, path: str, clients: int, seconds: float, cookie: str) -> dict[str, int]:
    command = [wrk, f"-t{THREADS}", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(SCRIPT)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, f"http://{server.host}:{server.port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    match = LINE.search(output)
    if match is None:
        raise RuntimeError(f"wrk printed no summary for {path}:\n{output}")
    return {key: int(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
