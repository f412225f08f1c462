import sqlite3

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from workshop.database import lock_for_update
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
