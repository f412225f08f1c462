"""SQL statements per page, counted in-process with the test client."""

from flask import Flask
from sqlalchemy import event

from workshop.accounts import logins as signing_in
from workshop.accounts.models import User
from workshop.extensions import db


def count_queries(app: Flask, paths: list[str], logged_in_as: str = "") -> dict[str, int]:
    """Each request runs in its own app context (no outer one is pushed), so it gets a fresh
    database session as in production and nothing is served from an earlier request's
    identity map. The first request to a path is a warm-up and is not counted. With an e-mail
    address, the requests carry that account's session."""
    with app.app_context():
        engine = db.engine
        identity = logged_in_identity(logged_in_as) if logged_in_as else ""
    statements: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        client = app.test_client()
        if identity:
            with client.session_transaction() as session:
                session["_user_id"] = identity  # Flask-Login's key: the pages under test, not the login form
        counts = {}
        for path in paths:
            get_ok(client, path)
            statements.clear()
            get_ok(client, path)
            counts[path] = len(statements)
        return counts
    finally:
        event.remove(engine, "before_cursor_execute", record)


def logged_in_identity(email: str) -> str:
    """The identity a session cookie of ``email`` carries after a log-in, which is started for it."""
    user = db.session.scalar(db.select(User).where(User.email == email))
    signing_in.start(user)
    identity = user.get_id()
    db.session.remove()
    return identity


def get_ok(client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code} in the test client")
