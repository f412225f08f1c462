"""The job queue: Huey, on Redis when ``REDIS_URL`` is set, otherwise on a SQLite file in the
instance folder, so one machine needs nothing else. ``JOBS_IMMEDIATE`` runs each task at once in
the process that queues it (tests and the development server, which start no worker).

Tasks run inside an application context of the app that configured the queue, so they use
``db.session`` as views do; the session is removed when the task ends.
"""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Flask
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage


class JobFileStorage(SqliteStorage):
    """Huey's SQLite storage, written as the application's database is: WAL with ``synchronous``
    NORMAL. Huey leaves SQLite's default, which flushes the disk at every commit: each job queued
    (one with every e-mail) cost 2 to 3 ms of waiting for the disk, inside the request. A crash of the
    process loses nothing; a power cut may lose the last jobs queued, as it may the last writes to
    the database, and the scheduled tasks (e-mail every minute) pick up what such a job was for."""

    def _create_connection(self):
        connection = super()._create_connection()
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection


huey = Huey("workshop", results=False, utc=True, storage_class=MemoryStorage)
_app: Flask | None = None


def configure(app: Flask) -> None:
    global _app
    _app = app
    huey.storage.close()  # the queue of an app made before in this process, e.g. by a test
    huey.immediate = bool(app.config["JOBS_IMMEDIATE"])
    if huey.immediate:
        return
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        huey.storage = RedisStorage("workshop", url=redis_url)
    else:
        huey.storage = JobFileStorage("workshop", filename=str(Path(app.instance_path) / "jobs.sqlite"), timeout=30)


def in_app_context(function):
    """Run ``function`` in an application context of its own: its own database session, removed after.
    What it changes is recorded in the audit log as done by the system, even when run at once inside
    a request."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        if _app is None:
            raise RuntimeError("the job queue is not configured: create the app first")
        from ..audit.recording import SYSTEM, acting_as

        with _app.app_context(), acting_as(SYSTEM):
            return function(*args, **kwargs)

    return run


def task(**options):
    """A background task: calling it queues it; the worker runs it (``.call_local`` runs it here)."""

    def decorate(function):
        return huey.task(name=function.__name__, **options)(in_app_context(function))

    return decorate


def periodic(schedule: crontab, **options):
    def decorate(function):
        return huey.periodic_task(schedule, name=function.__name__, **options)(in_app_context(function))

    return decorate
