"""Running an application under gunicorn on a free loopback port."""

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class Server:
    host: str
    port: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    app_spec: str, workers: int, env: dict[str, str], log_file: Path, ready_path: str = "/"
) -> Iterator[Server]:
    """Starts gunicorn with the production settings (gunicorn.conf.py: timeouts, the access log)
    but the given workers, a free port and only warnings in its own log; waits until ``ready_path``
    answers 200, and always stops it afterwards."""
    server = Server(HOST, free_port())
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--workers",
        str(workers),
        "--bind",
        f"{server.host}:{server.port}",
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
        app_spec,
    ]
    with log_file.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        wait_until_ready(process, server, ready_path, log_file)
        yield server
    finally:
        stop(process)


def wait_until_ready(process: subprocess.Popen, server: Server, path: str, log_file: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log_file.read_text()}")
        if answers_ok(server, path):
            return
        time.sleep(0.05)  # polling interval, not a wait for readiness
    raise RuntimeError(f"gunicorn did not answer GET {path} within {READY_TIMEOUT:.0f} s:\n{log_file.read_text()}")


def answers_ok(server: Server, path: str) -> bool:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # SIGTERM: gunicorn stops its workers gracefully
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# What gunicorn's arbiter logs when it loses a worker: a signal other than its own SIGTERM (SIGSEGV,
# SIGKILL from the out-of-memory killer, SIGABRT after a timeout), a timeout, an exit with an error.
LOST_WORKER = re.compile(
    r"WORKER TIMEOUT \(pid:(\d+)\)|Worker \(pid:(\d+)\) (?:was sent (?!SIGTERM\b)|exited with code)"
)


def dead_workers(log_file: Path) -> int:
    """Workers that died while gunicorn served, from its log; each counted once (a timed-out
    worker is logged as such, then as killed)."""
    pids = {match.group(1) or match.group(2) for match in LOST_WORKER.finditer(log_file.read_text(errors="replace"))}
    return len(pids)


def app_environment(instance_path: Path, database_url: str, secret_key: str) -> dict[str, str]:
    """This process's environment without any WORKSHOP_* settings or DATABASE_URL of its own,
    so gunicorn serves the defaults on the benchmark database, like the in-process app."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("WORKSHOP_") and key != "DATABASE_URL"}
    env.update(WORKSHOP_INSTANCE_PATH=str(instance_path), DATABASE_URL=database_url, WORKSHOP_SECRET_KEY=secret_key)
    return env
