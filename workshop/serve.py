"""``python -m workshop.serve``: the web server (gunicorn, with gunicorn.conf.py, serving
workshop.wsgi:app) and the job worker, started and stopped together; what ``make run`` runs.

Served on this machine only (WEB_BIND on 127.0.0.1 or localhost, the default) and without a
PUBLIC_URL in the settings, both are told the address gunicorn listens on as PUBLIC_URL, so that
links in e-mails, the worker's too, lead back to it.

SIGINT and SIGTERM are passed on to both. When either stops by itself, the other is stopped too
and the launcher exits non-zero, so that whatever supervises it sees the failure. The worker is
``python -m workshop.worker`` unless ``--worker-command`` or WORKER_COMMAND names another.
"""

import argparse
import importlib.util
import os
import select
import shlex
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from flask import Config

from .config import LOCAL_HOSTS, read_settings

ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT = 45.0  # gunicorn's graceful timeout (30 s) and a margin; then SIGKILL


@dataclass
class Child:
    name: str
    process: subprocess.Popen

    @property
    def running(self) -> bool:
        return self.process.poll() is None


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    worker_command = shlex.split(args.worker_command) or [sys.executable, "-m", "workshop.worker"]
    problem = missing_module(worker_command)
    if problem:
        say(f"cannot start the job worker: {problem}; name its command with WORKER_COMMAND or --worker-command")
        return 2

    # Set before the children start, so that neither a signal nor a child's end goes unnoticed.
    wake_up = install_signal_handlers()
    env = {**os.environ, **local_site_environment()}
    try:
        worker = start("job worker", worker_command, env)
    except OSError as error:
        say(f"cannot start the job worker ({shlex.join(worker_command)}): {error}")
        return 2
    web = start(
        "web server (gunicorn)", [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")], env
    )
    say(f"web server (gunicorn) pid {web.process.pid}, job worker pid {worker.process.pid}")
    return supervise([web, worker], wake_up)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m workshop.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--worker-command",
        default=os.environ.get("WORKER_COMMAND", ""),
        help="the job worker's command line (default: python -m workshop.worker)",
    )
    return parser.parse_args(argv)


def missing_module(command: list[str]) -> str:
    """For ``<this python> -m module``: whether the module exists, asked before anything starts."""
    if command[:2] != [sys.executable, "-m"] or len(command) < 3:
        return ""
    try:
        found = importlib.util.find_spec(command[2]) is not None
    except ModuleNotFoundError:  # its package is missing too
        found = False
    return "" if found else f"there is no module {command[2]}"


def install_signal_handlers() -> int:
    """Signals arrive as bytes on the returned pipe (their numbers), which select() waits on."""
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    os.set_blocking(write_end, False)
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
        signal.signal(signum, lambda *_: None)
    return read_end


def local_site_environment() -> dict[str, str]:
    """``WORKSHOP_PUBLIC_URL`` for a site that answers to this machine only and has no public address
    in its settings: the address gunicorn listens on; else nothing."""
    bind = os.environ.get("WEB_BIND", "127.0.0.1:5000").split(",")[0]
    host, _, port = bind.rpartition(":")
    settings = Config(os.environ.get("WORKSHOP_INSTANCE_PATH", str(ROOT / "instance")))
    read_settings(settings)
    trusted = settings.get("TRUSTED_HOSTS")
    if host not in LOCAL_HOSTS or not port.isdigit() or settings.get("PUBLIC_URL") or trusted is None:
        return {}
    if not set(trusted) <= set(LOCAL_HOSTS):
        return {}
    return {"WORKSHOP_PUBLIC_URL": f"http://{host}:{port}"}


def start(name: str, command: list[str], env: dict[str, str]) -> Child:
    # A process group of its own: Ctrl-C in a terminal reaches each child once, from here
    return Child(name, subprocess.Popen(command, cwd=ROOT, process_group=0, env=env))


def supervise(children: list[Child], wake_up: int) -> int:
    requested = None
    while all(child.running for child in children):
        select.select([wake_up], [], [])
        try:
            arrived = os.read(wake_up, 256)
        except BlockingIOError:
            continue
        for signum in arrived:
            if signum in (signal.SIGINT, signal.SIGTERM) and requested is None:
                requested = signal.Signals(signum)
                say(f"{requested.name}: stopping the web server and the job worker")
                for child in children:
                    child.process.send_signal(requested)

    if requested is None:
        ended = next(child for child in children if not child.running)
        say(f"the {ended.name} ended ({ending(ended.process.returncode)}); stopping the rest")
        for child in children:
            child.process.send_signal(signal.SIGTERM)  # nothing for a child that has ended
        wait_or_kill(children)
        return ended.process.returncode if ended.process.returncode > 0 else 1
    killed = wait_or_kill(children)
    return 0 if not killed and all(child.process.returncode in (0, -requested) for child in children) else 1


def wait_or_kill(children: list[Child]) -> bool:
    """Waits for the children to stop, kills those that do not; whether any had to be killed."""
    killed = False
    for child in children:
        try:
            child.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            say(f"the {child.name} did not stop within {STOP_TIMEOUT:.0f} s; killing it")
            child.process.kill()
            child.process.wait()
            killed = True
    return killed


def ending(returncode: int) -> str:
    if returncode >= 0:
        return f"exit code {returncode}"
    try:
        return f"killed by {signal.Signals(-returncode).name}"
    except ValueError:
        return f"killed by signal {-returncode}"


def say(message: str) -> None:
    print(f"workshop.serve: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
