"""The revision of an event's registrations: the version the organisers' list is kept under.

The flush of any change to one of an event's registrations or its registration questions, or to
the e-mail address or its confirmation in the account of someone registered for it, raises
``Event.registrations_revision`` by one in the same transaction, as a SQL increment, so two servers
writing at once both count. The increment is a statement of its own, not a change to the event
object, so that it does not raise the event's agenda revision as an edit of the event does.

A page of the list is read after the revision it is kept under, so what it shows is never older
than that revision. Only changes made through the ORM's flush or ``database.write_at_once`` raise
it: a bulk ``update()`` or ``delete()`` of registrations, questions or accounts, or a deletion left
to the database's ``ON DELETE CASCADE``, must raise it itself.
"""

from sqlalchemy import bindparam, inspect, select, update
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..database import after_write_at_once
from ..events.models import Event
from .models import Question, Registration

# What the list shows of a person's account besides the registration itself.
LISTED_ACCOUNT_FIELDS = ("email", "email_verified_at")


def _listed_account_changed(user: User) -> bool:
    attributes = inspect(user).attrs
    return any(attributes[name].history.has_changes() for name in LISTED_ACCOUNT_FIELDS)


def _event_of(changed: Registration | Question) -> int | None:
    if changed.event_id is not None:
        return changed.event_id
    event = getattr(changed, "event", None)  # a question has only its event's id
    return None if event is None else event.id  # None: a new event, never listed


def changed_event_ids(session: Session) -> set[int]:
    """The events whose list of registrations the pending flush of ``session`` changes."""
    event_ids: set[int | None] = set()
    user_ids: list[int] = []
    dirty = session.dirty
    for changed in (*session.new, *dirty, *session.deleted):
        if isinstance(changed, Registration | Question):
            if changed in dirty and not session.is_modified(changed):
                continue  # only loaded or touched, nothing written
            event_ids.add(_event_of(changed))
        elif isinstance(changed, User) and changed in dirty and _listed_account_changed(changed):
            user_ids.append(changed.id)
    if user_ids:
        event_ids.update(session.scalars(select(Registration.event_id).where(Registration.user_id.in_(user_ids))))
    event_ids.discard(None)
    return event_ids


RAISE_REVISION = (
    update(Event)
    .where(Event.id == bindparam("event_id"))
    # the event itself is unchanged: its updated_at is the Last-Modified of its calendars
    .values(registrations_revision=Event.registrations_revision + 1, updated_at=Event.updated_at)
)  # built once: every registration written runs it


@sqlalchemy_event.listens_for(Session, "before_flush")
def _raise_changed_registrations(session: Session, _flush_context, _instances) -> None:
    with session.no_autoflush:
        event_ids = changed_event_ids(session)
    raise_revisions(session, event_ids)


@after_write_at_once
def _raise_for_written(session: Session, objects: list) -> None:
    raise_revisions(session, {_event_of(obj) for obj in objects if isinstance(obj, Registration | Question)} - {None})


def raise_revisions(session: Session, event_ids: set[int]) -> None:
    for event_id in sorted(event_ids):  # a row at a time, in order: two writers lock the rows in the same order
        session.connection().execute(RAISE_REVISION, {"event_id": event_id})
        event = session.identity_map.get(Session.identity_key(Event, event_id))
        if event is not None:
            session.expire(event, ["registrations_revision"])
