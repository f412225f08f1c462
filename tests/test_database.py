import fcntl
import os
import sqlite3
import threading

import pytest
from sqlalchemy import inspect, update
from sqlalchemy.exc import IntegrityError

from workshop import database
from workshop.database import QueuedWriterConnection, lock_for_update, write_at_once
from workshop.events.models import Event, EventPartner
from workshop.extensions import db
from workshop.mail.models import Delivery, OutboxMessage

from .conftest import counted_statements


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


# --- rows written at once ------------------------------------------------------------


def outbox_message(event_id: int | None = None, n: int = 1) -> OutboxMessage:
    return OutboxMessage(
        event_id=event_id,
        recipient="li.wei@example.org",
        subject="Hello",
        text="Hi",
        html="<p>Hi</p>",
        message_id=f"<{n}@written-at-once.example.org>",
    )


def outbox_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage))


def test_a_row_written_at_once_is_in_the_session_as_loaded_with_its_id_and_defaults(app):
    message = outbox_message()

    write_at_once(message)

    assert message in db.session and message not in db.session.new and not db.session.dirty
    assert message.id is not None and message.state is Delivery.QUEUED and message.attempts == 0
    assert message.created_at is not None  # the defaults are on the object, as a flush leaves them
    assert db.session.get(OutboxMessage, message.id) is message
    db.session.commit()
    assert db.session.get(OutboxMessage, message.id).subject == "Hello"


def test_a_rollback_takes_the_rows_written_at_once_and_their_objects(app):
    message = outbox_message()
    write_at_once(message)
    message_id = message.id

    db.session.rollback()

    assert message not in db.session
    assert db.session.get(OutboxMessage, message_id) is None and outbox_count() == 0


def test_a_savepoint_rolled_back_takes_only_what_was_written_at_once_inside_it(app):
    kept = outbox_message(n=1)
    write_at_once(kept)
    with pytest.raises(RuntimeError, match="given up"), db.session.begin_nested():
        dropped = outbox_message(n=2)
        write_at_once(dropped)
        raise RuntimeError("given up")

    assert kept in db.session and dropped not in db.session
    db.session.commit()
    assert [m.message_id for m in db.session.scalars(db.select(OutboxMessage))] == [kept.message_id]


def test_a_row_written_at_once_comes_after_the_lock_not_before(app, make_event):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock, taken by a transaction of its own; PostgreSQL locks rows")
    event = make_event()
    event_id = event.id
    db.session.commit()
    db.session.get(Event, event_id)  # a read transaction, as a view opens one
    write_at_once(outbox_message(event_id))

    with pytest.raises(RuntimeError, match="before any change"):
        lock_for_update(Event, event_id)
    db.session.rollback()


def test_a_registration_written_at_once_has_its_first_change_its_answers_its_log_entry_and_a_new_list_revision(
    app, make_user, make_event
):
    from workshop.audit.models import AuditEntry
    from workshop.registration import services
    from workshop.registration.models import Answer, Question, QuestionKind, Registration
    from workshop.registration.states import State

    event = make_event(capacity=10)
    question = Question(event_id=event.id, kind=QuestionKind.SHORT_TEXT, label="Your expectations", position=1)
    db.session.add(question)
    db.session.commit()
    user, revision = make_user(full_name="Li Wei"), event.registrations_revision
    details = services.Details(
        "Li Wei",
        "MOHRSS",
        services.OrganisationType.GOVERNMENT,
        "CN",
        services.Sex.MALE,
        answers={question.id: "Skills"},
    )

    with app.test_request_context():
        registration = services.register(user, event.id, details, True)
    db.session.remove()

    written = db.session.get(Registration, registration.id)
    assert (written.state, written.event_id, written.user_id) == (State.CONFIRMED, event.id, user.id)
    assert [(c.from_state, c.to_state, c.actor_id) for c in written.changes] == [(None, State.CONFIRMED, user.id)]
    assert [(a.question_id, a.value) for a in written.answers] == [(question.id, "Skills")]
    assert db.session.get(Event, event.id).registrations_revision == revision + 1
    logged = {
        entry.object_type: entry
        for entry in db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "created"))
    }
    assert logged["Registration"].object_id == written.id and logged["Registration"].event_id == event.id
    assert logged["Registration"].changes["state"] == [None, "confirmed"]
    assert logged["Registration"].changes["organisation"] == [None, "MOHRSS"]
    assert logged["Answer"].registration_id == written.id and logged["Answer"].event_id == event.id
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 1


def test_a_session_closed_after_writing_at_once_locks_afresh_in_its_next_transaction(app, make_event):
    event_id = make_event().id
    db.session.commit()
    write_at_once(outbox_message(event_id))
    db.session.close()  # as a request that ends without committing
    db.session.get(Event, event_id)  # the next one reads first

    assert lock_for_update(Event, event_id).id == event_id
    db.session.rollback()
    assert outbox_count() == 0


def test_a_rollback_takes_what_was_written_at_once_before_a_savepoint_and_inside_one_released(app):
    before = outbox_message(n=1)
    write_at_once(before)
    with db.session.begin_nested():
        inside = outbox_message(n=2)
        write_at_once(inside)

    db.session.rollback()

    assert before not in db.session and inside not in db.session and outbox_count() == 0
    assert inspect(before).transient and inspect(inside).transient  # as new objects whose flush rolled back
    write_at_once(outbox_message(n=3))  # the ids the rolled-back rows had are given again
    db.session.commit()
    assert outbox_count() == 1


def test_a_column_written_as_null_reads_as_none_without_asking_the_database(app):
    message = outbox_message()
    write_at_once(message)

    with counted_statements() as statements:
        assert (message.sent_at, message.claimed_until) == (None, None)
    assert statements == []
