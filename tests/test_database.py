import pytest
from sqlalchemy.exc import IntegrityError

from workshop.events.models import EventPartner
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
