"""The database the benchmark runs against: a SQLite file in a temporary instance folder,
or the PostgreSQL database named by ``BENCH_DATABASE_URL`` (created when missing)."""

import contextlib
import os
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.engine import make_url

from workshop.config import normalise_database_url
from workshop.extensions import db


def database_url(instance_path: Path) -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{instance_path / 'workshop.sqlite'}"


def describe(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return "SQLite (temporary file)"
    return f"PostgreSQL ({parsed.render_as_string(hide_password=True)})"


def create_postgres_database_if_missing(url: str) -> None:
    """CREATE DATABASE cannot run inside a transaction, hence a separate autocommit connection
    to the server's ``postgres`` database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    maintenance = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if exists:
            return
        with contextlib.suppress(psycopg.errors.DuplicateDatabase):  # another run may have created it meanwhile
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(parsed.database)))


def recreate_schema() -> None:
    """Drop everything and create the current models' tables (inside an app context)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public;"))
    else:
        db.drop_all()
    db.create_all()


def drop_tables() -> None:
    db.session.remove()
    db.drop_all()
    db.engine.dispose()
