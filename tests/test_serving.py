"""Serving in production: the Python it needs, the launcher of gunicorn and the job worker,
static files."""

import http.client
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from workshop import require_python
from workshop.serve import local_site_environment
from workshop.static_files import content_digest

from .conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
STARTED_WITHIN = 60.0  # seconds for gunicorn to boot its workers on a busy machine
STOPPED_WITHIN = 30.0
# Stands in for the job worker: runs until a signal ends it
STAND_IN_WORKER = shlex.join(
    [
        sys.executable,
        "-c",
        "import os, signal; print('stand-in worker running for', os.environ.get('WORKSHOP_PUBLIC_URL'), flush=True);"
        " signal.pause()",
    ]
)


def test_python_older_than_3_12_is_refused_with_the_reason():
    with pytest.raises(
        RuntimeError,
        match=r"needs Python 3\.12 or newer; this is Python 3\.11\.7\. Under load, CPython 3\.11\.7 crashed",
    ):
        require_python((3, 11, 7, "final", 0))
    require_python((3, 12, 0, "final", 0))


def test_static_files_are_kept_by_browsers_for_a_year_under_an_address_that_changes_with_them(client):
    page = client.get("/").get_data(as_text=True)
    link = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.css\?v=[0-9a-f]{12})"', page)
    assert link, "the stylesheet's link carries a digest of its content"

    response = client.get(link.group(1))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert "max-age=31536000" in response.headers["Cache-Control"]
    response.close()


def test_a_changed_static_file_gets_a_new_address(tmp_path):
    stylesheet = tmp_path / "app.css"
    stylesheet.write_text("body { color: black; }")
    before = content_digest(stylesheet)
    stylesheet.write_text("body { color: navy; }")
    assert content_digest(stylesheet) != before


class Output:
    """What a process prints, read line by line as it comes."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self.read, args=(stream,), daemon=True)
        self.reader.start()

    def read(self, stream) -> None:
        for line in stream:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()
        stream.close()

    def wait_for(self, pattern: str, timeout: float) -> re.Match:
        found: list[re.Match] = []

        def search() -> bool:
            found.extend(m for m in (re.search(pattern, line) for line in self.lines) if m)
            return bool(found)

        with self.changed:
            assert self.changed.wait_for(search, timeout), f"no line matching {pattern!r} in:\n{self.text()}"
        return found[0]

    def text(self) -> str:
        return "".join(self.lines)


class Launcher:
    """``python -m workshop.serve`` on a free port, with its own instance folder and SQLite database."""

    def __init__(self, tmp_path: Path, worker_command: str):
        instance = tmp_path / "instance"
        instance.mkdir()
        self.port = free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("WORKSHOP_", "WEB_", "FLASK_")) and key not in ("DATABASE_URL", "WORKER_COMMAND")
        }
        env.update(
            WORKSHOP_INSTANCE_PATH=str(instance),
            DATABASE_URL=f"sqlite:///{instance / 'workshop.sqlite'}",
            WORKSHOP_SECRET_KEY="serving-test-" + os.urandom(16).hex(),
            WEB_BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY="2",
            WORKER_COMMAND=worker_command,
        )
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workshop.serve"],
            env=env,
            cwd=ROOT,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.output = Output(self.process.stdout)

    def pids(self) -> tuple[int, int]:
        """The gunicorn master's and the job worker's process ids, as the launcher announces them."""
        announced = self.output.wait_for(r"web server \(gunicorn\) pid (\d+), job worker pid (\d+)", STARTED_WITHIN)
        return int(announced.group(1)), int(announced.group(2))

    def wait_until_the_site_answers(self) -> None:
        deadline = time.monotonic() + STARTED_WITHIN
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (
                f"the launcher exited with {self.process.returncode}:\n{self.output.text()}"
            )
            if get(self.port, "/") == 200:
                return
            time.sleep(0.1)  # polling interval
        pytest.fail(f"GET / did not answer 200 within {STARTED_WITHIN:.0f} s:\n{self.output.text()}")

    def exit_code(self) -> int:
        try:
            return self.process.wait(timeout=STOPPED_WITHIN)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the launcher did not exit within {STOPPED_WITHIN:.0f} s:\n{self.output.text()}")

    def close(self) -> None:
        """After a failed test too: nothing it started keeps running."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOPPED_WITHIN)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        announced = re.search(r"web server \(gunicorn\) pid (\d+), job worker pid (\d+)", self.output.text())
        for pid in map(int, announced.groups() if announced else ()):
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        self.output.reader.join(timeout=STOPPED_WITHIN)


@pytest.fixture
def launch(tmp_path):
    launchers: list[Launcher] = []

    def launch(worker_command: str = STAND_IN_WORKER) -> Launcher:
        launchers.append(Launcher(tmp_path, worker_command))
        return launchers[-1]

    yield launch
    for launcher in launchers:
        launcher.close()


def get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        connection.close()


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def children_of(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def assert_all_gone(pids: list[int]) -> None:
    deadline = time.monotonic() + STOPPED_WITHIN
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)  # polling interval
    assert not [pid for pid in pids if running(pid)], "processes still running"


def test_the_site_is_served_by_gunicorn_beside_the_worker_and_sigterm_stops_both(launch):
    launcher = launch()
    master, worker = launcher.pids()
    launcher.wait_until_the_site_answers()

    launcher.output.wait_for(r'"GET / HTTP/1\.1" 200 ', STARTED_WITHIN)  # gunicorn's access log on stdout
    assert "gunicorn" in command_line(master)
    gunicorn_workers = children_of(master)
    assert len(gunicorn_workers) == 2  # WEB_CONCURRENCY
    assert running(worker) and "stand-in worker running" in launcher.output.text()
    # links in its e-mails lead back to this site
    assert f"stand-in worker running for http://127.0.0.1:{launcher.port}" in launcher.output.text()

    launcher.process.send_signal(signal.SIGTERM)
    assert launcher.exit_code() == 0
    assert_all_gone([master, *gunicorn_workers, worker])
    assert "Shutting down: Master" in launcher.output.text()


def test_when_the_worker_dies_the_web_server_is_stopped_and_the_launcher_fails(launch):
    launcher = launch()
    master, worker = launcher.pids()
    launcher.wait_until_the_site_answers()
    gunicorn_workers = children_of(master)

    os.kill(worker, signal.SIGKILL)

    assert launcher.exit_code() != 0
    assert_all_gone([master, *gunicorn_workers])
    assert "the job worker ended (killed by SIGKILL); stopping the rest" in launcher.output.text()
    assert get(launcher.port, "/") == 0


def test_a_site_on_this_machine_only_links_to_the_address_it_listens_on_unless_the_settings_name_one(
    tmp_path, monkeypatch
):
    for name in [key for key in os.environ if key.startswith("WORKSHOP_")] + ["WEB_BIND"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path))

    assert local_site_environment() == {"WORKSHOP_PUBLIC_URL": "http://127.0.0.1:5000"}
    monkeypatch.setenv("WEB_BIND", "localhost:8000")
    assert local_site_environment() == {"WORKSHOP_PUBLIC_URL": "http://localhost:8000"}
    monkeypatch.setenv("WEB_BIND", "0.0.0.0:8000")  # reached under any name: only the settings can say which
    assert local_site_environment() == {}
    monkeypatch.delenv("WEB_BIND")
    (tmp_path / "config.py").write_text('PUBLIC_URL = "https://workshops.example.org"\n')
    assert local_site_environment() == {}
    (tmp_path / "config.py").write_text('TRUSTED_HOSTS = ["workshops.example.org"]\n')  # behind a proxy
    assert local_site_environment() == {}


def test_a_missing_worker_module_is_named_before_anything_starts(launch):
    launcher = launch(shlex.join([sys.executable, "-m", "workshop.no_such_worker"]))

    assert launcher.exit_code() == 2
    assert launcher.output.wait_for(
        r"cannot start the job worker: there is no module workshop\.no_such_worker", STOPPED_WITHIN
    )
    assert get(launcher.port, "/") == 0
