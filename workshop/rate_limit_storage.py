"""Rate-limit counters in a SQLite file, shared by every worker process on one machine.

A storage for the ``limits`` library behind Flask-Limiter, registered for URLs such as
``sqlite:////srv/workshop/instance/ratelimits.sqlite`` (written as SQLAlchemy writes SQLite
URLs) as soon as this module is imported. It serves the fixed-window strategy: one counter per
key, which lives until its window ends. Each operation opens its own connection, so nothing is
shared between threads or across a fork.
"""

import sqlite3
import time
from contextlib import closing
from typing import ClassVar

from limits.errors import ConfigurationError
from limits.storage import Storage

PREFIX = "sqlite:///"
SCHEMA = """
CREATE TABLE IF NOT EXISTS counter (
    key TEXT PRIMARY KEY,
    hits INTEGER NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_counter_expires_at ON counter (expires_at);
"""


class SQLiteStorage(Storage):
    STORAGE_SCHEME: ClassVar[list[str]] = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        if not uri.startswith(PREFIX) or uri == PREFIX:
            raise ConfigurationError(
                f"a SQLite rate-limit storage needs a file: {PREFIX}path/to/ratelimits.sqlite, not {uri}"
            )
        self.path = uri.removeprefix(PREFIX)
        with self.connect() as connection:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.executescript(SCHEMA)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def connect(self) -> closing[sqlite3.Connection]:
        # Autocommit: each statement is its own transaction unless one is begun explicitly.
        return closing(sqlite3.connect(self.path, timeout=30, isolation_level=None))

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with self.connect() as connection:
            # The write lock first, then the clock: a worker that waited for the lock sees the
            # window as it is now. Every process counts under the same lock, so none misses a hit.
            connection.execute("BEGIN IMMEDIATE")
            now = time.time()
            connection.execute("DELETE FROM counter WHERE expires_at <= ?", (now,))
            [(hits,)] = connection.execute(
                "INSERT INTO counter (key, hits, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET hits = hits + excluded.hits"
                " RETURNING hits",
                (key, amount, now + expiry),
            ).fetchall()
            connection.execute("COMMIT")
        return hits

    def get(self, key: str) -> int:
        with self.connect() as connection:
            row = connection.execute(
                "SELECT hits FROM counter WHERE key = ? AND expires_at > ?", (key, time.time())
            ).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with self.connect() as connection:
            row = connection.execute(
                "SELECT expires_at FROM counter WHERE key = ? AND expires_at > ?", (key, now)
            ).fetchone()
        return row[0] if row else now

    def check(self) -> bool:
        try:
            with self.connect() as connection:
                connection.execute("SELECT count(*) FROM counter").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int:
        with self.connect() as connection:
            return connection.execute("DELETE FROM counter").rowcount

    def clear(self, key: str) -> None:
        with self.connect() as connection:
            connection.execute("DELETE FROM counter WHERE key = ?", (key,))
