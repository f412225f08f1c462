"""Every change to what the product keeps about events and people is recorded by itself: after each
flush, one entry for each object of a tracked kind that was created, changed or deleted, written
with one statement on the flush's own connection, so it commits or rolls back with the change.

A flush that writes nothing costs nothing (SQLAlchemy does not call us), and a flush of hundreds of
attendance marks writes their entries in one ``executemany``."""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict

from sqlalchemy import event as sa_event
from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session

from ..database import after_write_at_once
from ..timeutil import utcnow
from ..translated import DEFAULT_LANGUAGE, Translated
from .models import AuditEntry
from .recording import ERASING, current_actor, registration_id_of

# The kinds of objects whose changes are recorded, by class name (the name the log shows and filters by).
TRACKED = frozenset(
    {
        "Event",
        "EventPartner",
        "Series",
        "AgendaSession",
        "Speaker",
        "SessionSpeaker",
        "Registration",
        "Answer",
        "Question",
        "Attendance",
        "SessionCode",
        "ApiToken",
        "CertificateRule",
        "CertificateSettings",
        "Certificate",
        "LetterSettings",
        "LetterRequest",
        "Letterhead",
        "TeamInvitation",
        "MessageTemplate",
        "ParticipantMessage",
        "Material",
        "MaterialVersion",
        "Publication",
        "PublicationFile",
        "ReportSection",
        "SessionSummary",
        "Evaluation",
        "EvaluationQuestion",
        "NoticeSettings",
        "EventNoticeTiming",
        "User",
        "PrivacyNotice",
        "PersonalToken",
        "EventRetention",
        "PrivacySettings",
    }
)

# Kept, but never their values: the log says only that they changed.
SECRET_FIELDS = frozenset(
    {
        "password_hash",
        "token_hash",
        "token",
        "code",
        "passport_name",
        "passport_number",
        "date_of_birth",
        "passport_issued_on",
        "passport_expires_on",
        "issuing_authority",
        "nationality",
    }
)
SECRET = "(changed)"
ERASED = "(erased)"  # a value the erasure of personal data removed

# Bookkeeping that changes with everything else and tells nobody anything.
IGNORED_FIELDS = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "last_used_at",  # a token's use (a scanner's, a personal API token's): not a change anyone made
        "agenda_revision",
        "registrations_revision",
        "session_version",
    }
)

# Collections of people whose changes are shown as the names before and after.
PEOPLE_COLLECTIONS = {"Event": ("organisers",)}

# Where the event of an object without ``event_id`` is found: (its parent's foreign key, the parent's model name).
PARENTS = {
    "Answer": ("registration_id", "Registration"),
    "Certificate": ("registration_id", "Registration"),
    "LetterRequest": ("registration_id", "Registration"),
    "SessionSpeaker": ("session_id", "AgendaSession"),
    "SessionSummary": ("session_id", "AgendaSession"),
    "MaterialVersion": ("material_id", "Material"),
    "PublicationFile": ("publication_id", "Publication"),
}

SUMMARY_FIELDS = ("full_name", "title", "name", "subject", "label", "text", "email", "reference", "filename", "kind")

CREATED, CHANGED, DELETED = "created", "changed", "deleted"
INSERT_ENTRIES = insert(AuditEntry.__table__)  # built once: every write runs it
NOTHING = (None, "", {})  # not worth a line for a new or deleted object


def init_tracking() -> None:
    """Listens on every session (the app's and any a job or a test opens), and on the objects
    written without a flush (``database.write_at_once``)."""
    if not sa_event.contains(Session, "after_flush", record_flushed_changes):
        sa_event.listen(Session, "after_flush", record_flushed_changes)
    after_write_at_once(record_written)


def record_flushed_changes(session: Session, flush_context) -> None:
    record(
        session,
        [
            *((obj, CREATED) for obj in session.new),
            *((obj, CHANGED) for obj in session.dirty),
            *((obj, DELETED) for obj in session.deleted),
        ],
    )


def record_written(session: Session, objects: list) -> None:
    record(session, [(obj, CREATED) for obj in objects])


def record(session: Session, found: list[tuple[object, str]]) -> None:
    found = [(obj, action) for obj, action in found if type(obj).__name__ in TRACKED]
    if not found:
        return
    actor = current_actor()
    now = utcnow()
    erasing = session.info.get(ERASING, False)
    rows = []
    for obj, action in found:
        changes = changed_fields(obj, action)
        if erasing:
            changes = {field: [None if value is None else ERASED for value in pair] for field, pair in changes.items()}
        if action == CHANGED and not changes:
            continue
        rows.append(
            {
                "at": now,
                "actor_id": actor.user_id,
                "actor_label": actor.label[:200],
                "address": actor.address,
                "event_id": _own_event_id(obj),
                "action": action,
                "object_type": type(obj).__name__,
                "object_id": _object_id(obj),
                "registration_id": registration_id_of(obj),
                "summary": ERASED if erasing else summary_of(obj)[:300],
                "changes": changes or None,
                "_obj": obj,
            }
        )
    if not rows:
        return
    _fill_parents_events(session, rows)
    for row in rows:
        del row["_obj"]
    session.connection().execute(INSERT_ENTRIES, rows)


def changed_fields(obj, action: str) -> dict:
    """``{field: [before, after]}``: every field a new object was given, every field a deleted one
    had, the fields a change changed."""
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        name = attr.key
        if name in IGNORED_FIELDS:
            continue
        history = state.attrs[name].history
        if action == CREATED:
            after = shown(_first(history.added, state.dict.get(name)))
            if after in NOTHING:
                continue
            before_after = [None, after]
        elif action == DELETED:
            before = shown(_first(history.unchanged or history.deleted, state.dict.get(name)))
            if before in NOTHING:
                continue
            before_after = [before, None]
        else:
            if not history.added and not history.deleted:
                continue
            before, after = shown(_first(history.deleted, None)), shown(_first(history.added, None))
            if before == after:
                continue
            before_after = [before, after]
        changes[name] = [SECRET, SECRET] if name in SECRET_FIELDS else before_after
    for name in PEOPLE_COLLECTIONS.get(type(obj).__name__, ()):
        history = state.attrs[name].history
        if history.added or history.deleted:
            kept = list(history.unchanged)
            changes[name] = [_names([*kept, *history.deleted]), _names([*kept, *history.added])]
    return changes


def shown(value):
    """A value as JSON keeps it and a person reads it."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Translated):
        return dict(value.texts)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return SECRET
    return str(value)


def summary_of(obj) -> str:
    """What a reader recognises the object by: a person's name, a title, a subject; only from what
    is already loaded, so that recording never reads the database."""
    loaded = inspect(obj).dict
    for name in SUMMARY_FIELDS:
        value = loaded.get(name)
        if name in SECRET_FIELDS or value is None:
            continue
        if isinstance(value, Translated):
            value = value.in_language(DEFAULT_LANGUAGE)
        elif isinstance(value, enum.Enum):
            value = value.value
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _first(values, default):
    return values[0] if values else default


def _names(people) -> list[str]:
    return sorted(getattr(person, "full_name", str(person)) for person in people)


def _object_id(obj) -> int | None:
    identity = inspect(obj).identity
    value = identity[0] if identity and len(identity) == 1 else getattr(obj, "id", None)
    return value if isinstance(value, int) else None


def _own_event_id(obj) -> int | None:
    if type(obj).__name__ == "Event":
        return obj.id
    return inspect(obj).dict.get("event_id")


def _fill_parents_events(session: Session, rows: list[dict]) -> None:
    """The event of objects that name only their parent: from the parent when it is loaded, else
    with one query per kind of parent."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        parent = PARENTS.get(row["object_type"])
        if row["event_id"] is None and parent is not None:
            parent_id = inspect(row["_obj"]).dict.get(parent[0])
            if parent_id is not None:
                wanted[parent[1]].add(parent_id)
    if not wanted:
        return
    events: dict[tuple[str, int], int] = {}
    for model_name, ids in wanted.items():
        model = _model_named(model_name)
        for parent_id in ids:
            loaded = session.identity_map.get(session.identity_key(model, parent_id))
            if loaded is not None and inspect(loaded).dict.get("event_id") is not None:
                events[model_name, parent_id] = loaded.event_id
        missing = [parent_id for parent_id in ids if (model_name, parent_id) not in events]
        if missing:
            table = model.__table__
            statement = table.select().with_only_columns(table.c.id, table.c.event_id).where(table.c.id.in_(missing))
            for parent_id, event_id in session.connection().execute(statement):
                events[model_name, parent_id] = event_id
    for row in rows:
        parent = PARENTS.get(row["object_type"])
        if row["event_id"] is None and parent is not None:
            row["event_id"] = events.get((parent[1], inspect(row["_obj"]).dict.get(parent[0])))


def _model_named(name: str):
    from ..extensions import db

    return next(mapper.class_ for mapper in db.Model.registry.mappers if mapper.class_.__name__ == name)
