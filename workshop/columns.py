"""Column and table shapes that several domains' models share."""

import enum

from sqlalchemy import Column, ForeignKey, Table
from sqlalchemy.orm import mapped_column

from .extensions import db


def enum_column(enum_class: type[enum.Enum], **kwargs):
    """An enum stored as its values' text (a VARCHAR, not a database enum), so a new member needs no migration."""
    return mapped_column(
        db.Enum(enum_class, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]), **kwargs
    )


def event_people(name: str) -> Table:
    """The people who hold one role at an event (organisers, check-in staff): gone with the event or the account."""
    return Table(
        name,
        db.metadata,
        Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
        # by the person too: every page a signed-in person opens asks whether they hold a role somewhere
        Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
    )
