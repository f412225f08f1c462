from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from workshop.extensions import db

from .conftest import reset_schema


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def empty_database() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def test_the_migrations_from_empty_give_the_schema_of_the_models(app):
    empty_database()
    upgrade()
    assert schema_differences() == []


def test_the_migrations_go_down_to_empty_and_up_again(app):
    empty_database()
    upgrade()
    downgrade(revision="base")
    upgrade()
    assert schema_differences() == []
    reset_schema()
