"""One section of the benchmark run alone (``python -m bench.<section>``): the in-process app on its
own temporary database, dropped afterwards."""

import contextlib
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from flask import Flask

from workshop import create_app

from . import database
from .server import app_environment


@contextlib.contextmanager
def temporary_app(prefix: str) -> Iterator[tuple[Flask, str]]:
    """The app and a description of its database, on an empty schema."""
    with tempfile.TemporaryDirectory(prefix=prefix) as workdir:
        instance_path = Path(workdir) / "instance"
        instance_path.mkdir()
        url = database.database_url(instance_path)
        database.create_postgres_database_if_missing(url)
        os.environ["WORKSHOP_INSTANCE_PATH"] = str(instance_path)  # create_app reads it even with a test config
        app = create_app({"SECRET_KEY": "bench-" + secrets.token_hex(16), "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            database.recreate_schema()
        try:
            yield app, database.describe(url)
        finally:
            if not url.startswith("sqlite"):
                with app.app_context():
                    database.drop_tables()


def run_alone(prefix: str, run: Callable[[Flask], object], report: Callable[[object], str]) -> int:
    """``run`` on a temporary database, its ``report`` printed; 1 when the result has problems."""
    with temporary_app(prefix) as (app, database):
        result = run(app)
    print(f"database: {database}")
    print(report(result))
    return 1 if result.problems else 0


def run_served_alone(
    prefix: str, run: Callable[[Flask, dict[str, str], Path], object], report: Callable[[object], str]
) -> int:
    """As ``run_alone``, for a section that serves the app with gunicorn: ``run`` is also given the
    environment gunicorn's workers need to share the database, and a folder for their logs."""

    def served(app: Flask) -> object:
        instance_path = Path(app.instance_path)
        env = app_environment(instance_path, app.config["SQLALCHEMY_DATABASE_URI"], app.config["SECRET_KEY"])
        return run(app, env, instance_path.parent)

    return run_alone(prefix, served, report)
