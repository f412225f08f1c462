"""Production starts only with an explicit secret key and with the Redis its settings name
answering; development, the flask commands and the tests start without either."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workshop import create_app
from workshop.extensions import db
from workshop.production import ProductionSettingsError, check_production_settings
from workshop.worker import main as worker_main

from .conftest import free_port, submit

ROOT = Path(__file__).resolve().parent.parent
KEY = "a-key-that-an-operator-chose-0123456789abcdef"


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An instance folder, and an environment with no WORKSHOP_* settings but the folder's path."""
    for name in [name for name in os.environ if name.startswith("WORKSHOP_")] + ["DATABASE_URL"]:
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(folder))
    return folder


def gunicorn(instance: Path, **settings: str) -> subprocess.CompletedProcess:
    """``gunicorn workshop.wsgi:app``, as production runs it, with these WORKSHOP_* settings only."""
    env = {
        name: value for name, value in os.environ.items() if not name.startswith("WORKSHOP_") and name != "DATABASE_URL"
    }
    env.update({f"WORKSHOP_{name}": value for name, value in settings.items()}, WORKSHOP_INSTANCE_PATH=str(instance))
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--no-control-socket",
        "--workers",
        "1",
        "--bind",
        f"127.0.0.1:{free_port()}",
        "workshop.wsgi:app",
    ]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_secret_key_and_names_the_three_ways_to_set_one(instance):
    server = gunicorn(instance)

    assert server.returncode != 0
    assert "No secret key is set" in server.stderr
    assert "WORKSHOP_SECRET_KEY" in server.stderr
    assert f"SECRET_KEY in {instance / 'config.py'}" in server.stderr
    assert f"the file {instance / 'secret_key'}" in server.stderr
    assert "Traceback" not in server.stderr
    assert "Booting worker" not in server.stderr  # the application loads before any worker: gunicorn stops at once
    assert not (instance / "secret_key").exists()


def test_production_refuses_to_start_when_redis_does_not_answer_and_names_it(instance):
    url = f"redis://workshop:s3cret@127.0.0.1:{free_port()}/2"  # nothing listens there

    server = gunicorn(instance, SECRET_KEY=KEY, REDIS_URL=url)

    assert server.returncode != 0
    assert f"Redis at redis://workshop:***@127.0.0.1:{url.split(':')[-1]} does not answer" in server.stderr
    assert "WORKSHOP_REDIS_URL" in server.stderr
    assert "s3cret" not in server.stderr
    assert "Traceback" not in server.stderr
    assert "No secret key" not in server.stderr


def test_the_worker_refuses_to_start_without_a_secret_key(instance, capsys):
    assert worker_main([]) == 2
    assert "No secret key is set" in capsys.readouterr().err


def write_key_into_config(instance: Path, monkeypatch) -> None:
    (instance / "config.py").write_text(f"SECRET_KEY = {KEY!r}\n")


def write_key_file(instance: Path, monkeypatch) -> None:
    (instance / "secret_key").write_text(KEY + "\n")


def set_key_in_environment(instance: Path, monkeypatch) -> None:
    monkeypatch.setenv("WORKSHOP_SECRET_KEY", KEY)


@pytest.mark.parametrize("set_key", [set_key_in_environment, write_key_into_config, write_key_file])
def test_production_accepts_a_secret_key_set_in_any_of_the_three_ways_and_keeps_it_across_restarts(
    instance, monkeypatch, set_key
):
    set_key(instance, monkeypatch)

    first, after_a_restart = create_app(), create_app()

    check_production_settings(first)
    assert first.secret_key == after_a_restart.secret_key == KEY


def test_production_starts_when_redis_answers(instance, monkeypatch, redis_for_test):
    monkeypatch.setenv("WORKSHOP_SECRET_KEY", KEY)
    monkeypatch.setenv("WORKSHOP_REDIS_URL", redis_for_test.url)
    monkeypatch.setenv("WORKSHOP_JOBS_IMMEDIATE", "true")  # no job queue in this test's Redis

    check_production_settings(create_app())


def test_development_the_flask_commands_and_the_tests_work_without_a_key(instance):
    app = create_app()

    with pytest.raises(ProductionSettingsError):
        check_production_settings(app)
    upgrade = app.test_cli_runner().invoke(args=["db", "upgrade"])  # as CI runs it, on an empty database
    assert upgrade.exit_code == 0, upgrade.output
    client = app.test_client()
    answer = submit(client, "/login", {"email": "nobody@example.org", "password": "not the password at all"})
    assert "The e-mail address or the password is not right." in answer.get_data(
        as_text=True
    )  # the form's token was signed and checked
    assert app.secret_key != create_app().secret_key  # a key for as long as the process runs...
    assert not (instance / "secret_key").exists()  # ...written nowhere
    with app.app_context():
        db.engine.dispose()
