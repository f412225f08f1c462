"""Database settings that every connection needs, and the row lock that keeps counts right.

SQLite: foreign keys on, WAL, and transactions that SQLAlchemy begins itself (the driver's
own implicit transactions start only at the first write, which would let two requests read
the same count before either writes). PostgreSQL: ``SELECT … FOR UPDATE``.
"""

import fcntl
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from sqlalchemy import bindparam, event, insert, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import MANYTOONE, Session, make_transient, make_transient_to_detached

from .extensions import db

log = logging.getLogger(__name__)
# The write-ahead log is copied back into the database once it is this long. A copy takes each
# page once, however often it was written since the last: two hundred registrations at once write
# the same few pages (the event's row, the ends of the indexes) again and again, and SQLite's own
# 4 MB (1,000 pages) made three copies of them, each flushed to disk, in the middle of such a rush.
CHECKPOINT_LOG_BYTES = 16 * 1024 * 1024

_begin_immediate: ContextVar[bool] = ContextVar("begin_immediate", default=False)
_WRITE_LOCK = "workshop_write_lock"  # in the connection's info: its transaction began with BEGIN IMMEDIATE


class _TurnsHeld(threading.local):
    def __init__(self) -> None:
        self.paths: set[str] = set()


_turns_held = _TurnsHeld()  # the databases whose write turn this thread holds


class QueuedWriterConnection(sqlite3.Connection):
    """A SQLite connection whose write transactions queue for their turn in the kernel.

    SQLite makes a writer that finds the write lock taken poll for it, sleeping 1, 2, 5, 10, 15,
    20, 25 ms and more between tries: under ten check-in desks, or two hundred people registering
    at once, most of a request's time went to sleeping after the lock was already free. Before
    ``BEGIN IMMEDIATE`` this connection takes an exclusive ``flock`` on a file beside the database,
    which every process on the machine queues for and which wakes the next writer as soon as the
    transaction ends (or its process dies). A database in memory has no file, and no queue.

    SQLite copies the write-ahead log back into the database (a checkpoint, with its disk flushes)
    inside the commit that makes the log long, while that writer still holds its turn, so every
    writer queued behind it would wait for the disk too. This connection checkpoints after it has
    left the queue instead: only the request that made the log long waits for it."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        path = os.fspath(database) if isinstance(database, str | os.PathLike) else ""
        self._queue_path = f"{path}-writers" if path and path != ":memory:" and not path.startswith("file:") else ""
        self._queue = None
        self._holding = False
        self._log_path = f"{path}-wal" if self._queue_path else ""
        if self._log_path:
            self.execute("PRAGMA wal_autocheckpoint=0")
            # the log's file keeps its size when SQLite starts writing it from the beginning again;
            # cut back to the limit then, its size tells how much the log holds
            self.execute(f"PRAGMA journal_size_limit={CHECKPOINT_LOG_BYTES}")

    def take_write_turn(self) -> None:
        if not self._queue_path or self._queue_path in _turns_held.paths:
            # a second connection of a thread that holds the turn would wait for itself for ever:
            # it goes to SQLite's own waiting, which gives up with an error after its timeout
            return
        if self._queue is None:
            self._queue = os.open(self._queue_path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._queue, fcntl.LOCK_EX)
        self._holding = True
        _turns_held.paths.add(self._queue_path)

    def _leave_queue(self) -> None:
        if self._holding:
            fcntl.flock(self._queue, fcntl.LOCK_UN)
            self._holding = False
            _turns_held.paths.discard(self._queue_path)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._leave_queue()
        self._checkpoint_if_long()

    def _checkpoint_if_long(self) -> None:
        try:
            long = os.stat(self._log_path).st_size > CHECKPOINT_LOG_BYTES if self._log_path else False
        except FileNotFoundError:
            return
        if not long or self.in_transaction:
            return
        try:
            # PASSIVE: copies what no reader still needs and waits for nobody; a checkpoint already
            # under way in another process makes this one return at once
            self.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:  # the commit stands; the next writer's commit tries again
            log.warning("could not copy the write-ahead log back into the database", exc_info=True)

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._leave_queue()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._leave_queue()
            if self._queue is not None:
                os.close(self._queue)
                self._queue = None


@event.listens_for(Engine, "connect")
def configure_sqlite(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def begin_sqlite_transaction(connection) -> None:
    if connection.dialect.name == "sqlite":
        immediate = _begin_immediate.get()
        driver_connection = connection.connection.driver_connection
        if immediate and isinstance(driver_connection, QueuedWriterConnection):
            driver_connection.take_write_turn()
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        connection.info[_WRITE_LOCK] = immediate


def forget_inherited_connections(app) -> None:
    """In a process forked from the one that loaded ``app`` (gunicorn's workers): the pooled
    connections it inherited belong to the parent; each engine's pool opens its own. Any Flask
    application with Flask-SQLAlchemy, this one or another served with the same settings."""
    extension = getattr(app, "extensions", {}).get("sqlalchemy")
    if extension is None:
        return
    with app.app_context():
        for engine in extension.engines.values():
            engine.dispose(close=False)


def holds_write_lock(session) -> bool:
    """Whether the session's SQLite transaction began with ``BEGIN IMMEDIATE`` and so holds the write lock."""
    return session.in_transaction() and session.connection().info.get(_WRITE_LOCK, False)


def commit_keeping_loaded(session=None) -> None:
    """Commit, keeping what the session has loaded instead of reading each object again at its next use
    (a query each). For a transaction that has only read, or written a few rows the request goes on to
    show beside what it read a moment before: PostgreSQL keeps loaded rows too when one is locked."""
    session = session or db.session()
    expire_on_commit = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


@cache
def _row_of(model):
    """The statements that read one row of ``model`` afresh, plain and FOR UPDATE; built once for
    each model, as building a statement costs more than running it."""
    statement = db.select(model).where(model.id == bindparam("row_id")).execution_options(populate_existing=True)
    return statement, statement.with_for_update()


# --- writing new rows at once -----------------------------------------------------

WRITTEN_AT_ONCE = "workshop_written_at_once"  # in the session's info: the objects write_at_once wrote
_after_write_at_once: list[Callable[[Session, list], None]] = []


def after_write_at_once(listener: Callable[[Session, list], None]) -> Callable[[Session, list], None]:
    """Registers ``listener(session, objects)``, called once ``write_at_once`` has written ``objects``:
    what the flush's listeners do for new objects (the activity log, the revisions of cached
    pages), they do here too."""
    if listener not in _after_write_at_once:
        _after_write_at_once.append(listener)
    return listener


@cache
def _insert_into(table):
    return insert(table)  # built once per table: building a statement costs more than running it


def write_at_once(*objects) -> None:
    """Write new objects now, one INSERT each in the order given (what one belongs to first),
    without the session's unit of work, which costs several times the INSERTs for a few objects:
    for a write made while others wait for the same lock.

    Each object is written with every column it was given and the defaults of the others, and
    the foreign keys of what it belongs to; it then belongs to the session as if it had been
    loaded, unchanged (a column the database fills in itself is read when first asked for), and
    leaves the session again if the transaction, or a savepoint that holds the write, rolls back.
    The listeners of ``after_write_at_once`` are told, as the flush's are."""
    session = db.session()
    connection = session.connection()
    for obj in objects:
        state = inspect(obj)
        mapper = state.mapper
        _copy_keys_of_parents(obj)
        values = {prop.columns[0].key: state.dict[prop.key] for prop in mapper.column_attrs if prop.key in state.dict}
        result = connection.execute(_insert_into(mapper.local_table), values)
        written = result.last_inserted_params()  # with the defaults, which a flush leaves on the object too
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            if prop.key in state.dict:
                continue
            if column.key in written:
                state.dict[prop.key] = written[column.key]  # as loaded: no change to record
            elif column.server_default is None and not column.primary_key:
                state.dict[prop.key] = None  # written as NULL
        for column, value in zip(mapper.primary_key, result.inserted_primary_key, strict=True):
            state.dict[mapper.get_property_by_column(column).key] = value
    for obj in objects:
        make_transient_to_detached(obj)  # what it holds counts as loaded, not as changes to write
    for obj in objects:
        session.add(obj)
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info[WRITTEN_AT_ONCE] = [*_written_in_this_transaction(session), *((transaction, obj) for obj in objects)]
    for listener in _after_write_at_once:
        listener(session, list(objects))


def _copy_keys_of_parents(obj) -> None:
    """The foreign keys of the objects ``obj`` was given as its parents, copied as a flush copies them."""
    state = inspect(obj)
    for prop in state.mapper.relationships:
        parent = state.dict.get(prop.key)
        if prop.direction is not MANYTOONE or parent is None:
            continue
        for local, remote in prop.local_remote_pairs:
            setattr(
                obj,
                state.mapper.get_property_by_column(local).key,
                getattr(parent, inspect(parent).mapper.get_property_by_column(remote).key),
            )


@event.listens_for(Session, "after_soft_rollback")
def _forget_written_at_once(session: Session, previous_transaction) -> None:
    """Rows written at once are gone with the transaction or savepoint that rolled back, if it
    wrote them or held the savepoint that did: so are their objects, as a flush's are."""
    kept = []
    for transaction, obj in session.info.pop(WRITTEN_AT_ONCE, ()):
        if _within(transaction, previous_transaction):
            if obj in session:
                session.expunge(obj)
            make_transient(obj)  # no longer a row's: as a new object whose flush rolled back
        else:
            kept.append((transaction, obj))
    if kept:
        session.info[WRITTEN_AT_ONCE] = kept


def _written_in_this_transaction(session: Session) -> list:
    """What ``write_at_once`` wrote in the session's transaction under way, savepoints released
    into it included; what earlier transactions wrote was committed, or closed with the session."""
    outermost = session.get_transaction()
    return [
        (transaction, obj)
        for transaction, obj in session.info.get(WRITTEN_AT_ONCE, ())
        if outermost is not None and _within(transaction, outermost)
    ]


def _within(transaction, outer) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


def lock_for_update(model, row_id: int):
    """Load one row and hold a write lock on it until the transaction ends.

    Call it first in a service, before any change. On SQLite the lock is the database's write lock,
    taken by a new ``BEGIN IMMEDIATE`` transaction: a read-only transaction that a view had open is
    ended first (what it loaded stays loaded, as on PostgreSQL), and a transaction that holds the
    write lock already keeps it. Either way the locked row is read afresh.
    """
    statement, for_update = _row_of(model)
    return _read_locking(statement, for_update, {"row_id": row_id}).scalar_one_or_none()


def read_locked(statement, lock, values: dict):
    """As ``lock_for_update``, with a statement of one's own: its one row (or None), read once the
    write lock is held, with everything it counts as it stands then. On PostgreSQL ``lock`` (a
    ``SELECT … FOR UPDATE`` of the row) runs first: a statement that waited for a row's lock sees
    the rest of the database as it was when it began, so ``statement`` runs after it, and sees
    what the transaction it waited for wrote."""
    return _read_locking(statement, lock, values, then_read=True).one_or_none()


def _read_locking(statement, for_update, values: dict, then_read: bool = False):
    session = db.session()  # the Session itself, not its scoped proxy
    if session.get_bind().dialect.name != "sqlite":
        result = session.execute(for_update, values)
        if not then_read:
            return result
        result.all()  # the row is locked
        return session.execute(statement, values)
    if holds_write_lock(session):
        return session.execute(statement, values)
    if session.in_transaction():
        if session.new or session.dirty or session.deleted or _written_in_this_transaction(session):
            raise RuntimeError("lock_for_update must come before any change in the transaction")
        commit_keeping_loaded(session)  # what the read transaction loaded stays loaded, as on PostgreSQL
    token = _begin_immediate.set(True)
    try:
        return session.execute(statement, values)
    finally:
        _begin_immediate.reset(token)


@contextmanager
def write_transaction():
    """A transaction that holds the write lock from its first statement.

    On SQLite a transaction that reads first and writes later fails at once ("database is locked")
    when another connection wrote in between; starting with ``BEGIN IMMEDIATE`` makes it wait for
    its turn instead. On PostgreSQL rows are locked as they are written, so nothing changes there.
    The block ends with a commit.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
    token = _begin_immediate.set(session.get_bind().dialect.name == "sqlite")
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _begin_immediate.reset(token)
