import fcntl
import os
import sqlite3
import threading

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from workshop import database
from workshop.database import QueuedWriterConnection, lock_for_update
from workshop.events.models import Event, EventPartner
from workshop.extensions import db


def test_sqlite_enforces_foreign_keys_and_uses_wal(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings; this run uses PostgreSQL")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_partner_of_a_missing_event_is_refused(app):
    db.session.add(EventPartner(event_id=9999, name="Nobody", position=0))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_locked_row_is_read_afresh_and_others_wait_to_write_until_the_commit(app, make_event):
    event = make_event(title="Before")
    event_id = event.id
    assert event.title == "Before"  # loaded in this session's read transaction
    with db.engine.connect() as other:  # another worker renames the event meanwhile
        other.execute(update(Event).where(Event.id == event_id).values(title="After"))
        other.commit()

    locked = lock_for_update(Event, event_id)

    assert locked.title == "After"
    if db.engine.dialect.name == "sqlite":
        other = sqlite3.connect(db.engine.url.database, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        db.session.commit()
        other.execute("BEGIN IMMEDIATE")
        other.rollback()
        other.close()
    db.session.commit()


def test_rows_locked_one_after_the_other_change_together_or_not_at_all(app, make_event):
    first, second = make_event(title="First"), make_event(title="Second")
    first_id, second_id = first.id, second.id

    lock_for_update(Event, first_id).title = "First, changed"
    lock_for_update(Event, second_id).title = "Second, changed"  # the first stays locked and changed
    db.session.rollback()

    assert db.session.get(Event, first_id).title == "First"
    assert db.session.get(Event, second_id).title == "Second"


def queued_connection(path: str) -> QueuedWriterConnection:
    """Another process's connection to the database, which gives up on SQLite's own lock at once."""
    return sqlite3.connect(path, timeout=0, factory=QueuedWriterConnection, isolation_level=None)


def test_sqlite_writers_wait_their_turn_in_a_queue_not_in_sqlite_s_timeout(app, make_event):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL locks rows")
    event = make_event(title="Before")
    event_id, path = event.id, db.engine.url.database  # read here: the thread has no application
    holder = queued_connection(path)
    holder.take_write_turn()
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE event SET title = 'Held' WHERE id = ?", (event_id,))
    outcome = {}
    queued = threading.Event()

    def write_after_the_holder():
        waiter = queued_connection(path)
        queued.set()
        try:
            waiter.take_write_turn()  # a timeout of 0: without the queue, BEGIN IMMEDIATE fails at once
            waiter.execute("BEGIN IMMEDIATE")
            outcome["title seen"] = waiter.execute("SELECT title FROM event WHERE id = ?", (event_id,)).fetchone()[0]
            waiter.execute("UPDATE event SET title = 'After' WHERE id = ?", (event_id,))
            waiter.commit()
        except sqlite3.OperationalError as error:
            outcome["error"] = str(error)
        finally:
            waiter.close()

    thread = threading.Thread(target=write_after_the_holder)
    thread.start()
    assert queued.wait(timeout=10)
    thread.join(timeout=0.2)
    assert thread.is_alive() and not outcome  # still waiting for its turn, with no error
    holder.commit()
    thread.join()

    holder.close()
    assert outcome == {"title seen": "Held"}
    db.session.commit()  # ends this session's read of the database as it was before
    assert db.session.get(Event, event_id).title == "After"


def test_a_thread_that_holds_the_turn_is_not_queued_behind_itself(app, make_event):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL locks rows")
    first, second = queued_connection(db.engine.url.database), queued_connection(db.engine.url.database)
    first.take_write_turn()
    first.execute("BEGIN IMMEDIATE")

    second.take_write_turn()  # would wait for ever in the queue; SQLite answers instead
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.execute("BEGIN IMMEDIATE")

    first.rollback()
    second.take_write_turn()
    second.execute("BEGIN IMMEDIATE")
    second.rollback()
    first.close()
    second.close()


def test_the_write_ahead_log_is_copied_back_after_the_writer_has_left_the_queue(tmp_path, monkeypatch):
    """SQLite copies its log back into the database inside the commit that makes it long, with the
    disk flushes that takes; the next writers must not wait behind that."""
    monkeypatch.setattr(database, "CHECKPOINT_LOG_BYTES", 64 * 1024)
    path = str(tmp_path / "workshop.sqlite")
    writer = queued_connection(path)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE note (body BLOB)")
    queue = os.open(f"{path}-writers", os.O_RDWR | os.O_CREAT, 0o600)
    turn_free_at_checkpoint = []

    def note_checkpoint(statement):
        if "wal_checkpoint" in statement:
            try:
                fcntl.flock(queue, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                turn_free_at_checkpoint.append(False)
            else:
                fcntl.flock(queue, fcntl.LOCK_UN)
                turn_free_at_checkpoint.append(True)

    writer.set_trace_callback(note_checkpoint)
    assert writer.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    writer.take_write_turn()
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO note VALUES (?)", (b"x" * 200_000,))
    writer.commit()
    for _ in range(3):  # short writes after it: the log starts again and is short, so no copy
        writer.take_write_turn()
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO note VALUES (?)", (b"y",))
        writer.commit()

    assert turn_free_at_checkpoint == [True]
    writer.close()
    os.close(queue)


def test_what_every_page_asks_of_a_signed_in_person_is_found_by_index_not_by_reading_tables_whole(app):
    """The log-in (with whether the person holds a role somewhere) and "My registrations" (with each
    registration's certificate, evaluation and letter): a table read whole grows with every event."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plans; PostgreSQL chooses its own by the tables' sizes")
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from workshop.accounts.logins import user_of_log_in
    from workshop.registration.views import own_registrations

    for statement in (user_of_log_in(), own_registrations()):
        compiled = statement.compile(dialect=sqlite_dialect.dialect())
        values = (1,) * len(compiled.positiontup)  # SQLite's plan does not depend on them
        with db.engine.connect() as connection:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", values).all()
        assert [step[3] for step in plan if step[3].startswith("SCAN")] == []
