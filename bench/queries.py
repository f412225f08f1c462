"""SQL statements per page, counted in-process with the test client."""

from flask import Flask
from sqlalchemy import event

from workshop.extensions import db


def count_queries(app: Flask, paths: list[str]) -> dict[str, int]:
    """Each request runs in its own app context (no outer one is pushed), so it gets a fresh
    database session as in production and nothing is served from an earlier request's
    identity map. The first request to a path is a warm-up and is not counted."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        client = app.test_client()
        counts = {}
        for path in paths:
            get_ok(client, path)
            statements.clear()
            get_ok(client, path)
            counts[path] = len(statements)
        return counts
    finally:
        event.remove(engine, "before_cursor_execute", record)


def get_ok(client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code} in the test client")
