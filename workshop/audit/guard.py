"""The log cannot be changed: any UPDATE or DELETE of its rows, through the ORM or a statement, is
refused, except the two that are its own rules: the retention purge and the erasure of a person
(``retention``), which say so with the execution option ``PURGE``."""

from __future__ import annotations

from sqlalchemy import Delete, Update
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .models import AuditEntry

PURGE = "audit_log_purge"


class LogIsReadOnly(RuntimeError):
    """Raised for an attempt to change or delete an entry of the log."""


def init_guard() -> None:
    if not sa_event.contains(Engine, "before_execute", refuse_changes_to_the_log):
        sa_event.listen(Engine, "before_execute", refuse_changes_to_the_log)
        sa_event.listen(Session, "before_flush", refuse_changed_entries)


def refuse_changes_to_the_log(connection, statement, multiparams, params, execution_options) -> None:
    if not isinstance(statement, Update | Delete) or statement.table.name != AuditEntry.__tablename__:
        return
    if execution_options.get(PURGE) or statement.get_execution_options().get(PURGE):
        return
    raise LogIsReadOnly("the audit log cannot be changed")


def refuse_changed_entries(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise LogIsReadOnly("the audit log cannot be changed")
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) and session.is_modified(obj):
            raise LogIsReadOnly("the audit log cannot be changed")
