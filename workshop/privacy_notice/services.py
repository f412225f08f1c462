"""Writing an event's privacy notice (each change a new version), reading its versions, and the
version a registration agrees to."""

from __future__ import annotations

from typing import NoReturn

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam

from ..audit import record_attempt
from ..database import commit_keeping_loaded, lock_for_update
from ..errors import DomainError, Forbidden, NotFound
from ..events.models import Event
from ..extensions import db
from ..security import can_edit_privacy_notice
from ..translated import Translated, too_long
from .models import PARTS, PrivacyNotice

PART_MAX = 5000
MISSING = {
    "controller": _l("Say who is responsible for the participants' data and how to reach them."),
    "purposes": _l("Say what the participants' data is used for."),
    "recipients": _l("Say who receives the participants' data."),
    "retention": _l("Say how long the participants' data is kept."),
    "rights": _l("Say how participants get a copy of their data or have it deleted."),
}


class InvalidNotice(DomainError):
    """Several parts to fix at once, each by its field."""

    def __init__(self, problems: list[DomainError]):
        super().__init__(problems[0].message, problems[0].field)
        self.problems = problems


def current_notice(event_id: int) -> PrivacyNotice | None:
    """The event's notice as it stands: its latest version; None while it has none."""
    return db.session.scalar(db.select(PrivacyNotice).where(PrivacyNotice.id == current_notice_id(event_id)))


def require_editor(actor, event: Event) -> None:
    if not can_edit_privacy_notice(actor, event):
        raise Forbidden(_l("You do not organise this event."))


def versions(actor, event: Event) -> list[PrivacyNotice]:
    """Every version of the event's notice, the newest first."""
    require_editor(actor, event)
    return db.session.scalars(
        db.select(PrivacyNotice).where(PrivacyNotice.event_id == event.id).order_by(PrivacyNotice.number.desc())
    ).all()


def version_of(actor, event: Event, number: int) -> PrivacyNotice:
    require_editor(actor, event)
    notice = db.session.scalar(
        db.select(PrivacyNotice).where(PrivacyNotice.event_id == event.id, PrivacyNotice.number == number)
    )
    if notice is None:
        raise NotFound()
    return notice


def checked(parts: dict[str, Translated | str]) -> dict[str, Translated]:
    """Each part trimmed; InvalidNotice naming every part that is empty in every language or too long."""
    texts = {part: Translated.of(parts.get(part)).strip() for part in PARTS}
    problems = []
    for part, text in texts.items():
        if not text:
            problems.append(DomainError(MISSING[part], field=part))
        elif message := too_long(text, PART_MAX):
            problems.append(DomainError(message, field=part))
    if problems:
        raise InvalidNotice(problems)
    return texts


def save(actor, event_id: int, parts: dict[str, Translated | str]) -> PrivacyNotice | None:
    """Make the text written the event's notice, as its next version; None when it is the notice
    as it stands already (nothing is saved). A refused notice is recorded, and nothing else kept."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound()
    require_editor(actor, event)  # before anything is recorded of the attempt
    try:
        texts = checked(parts)
    except InvalidNotice as error:
        record_attempt(
            "privacy_notice.refused",
            event_id=event_id,
            summary="missing or too long: " + ", ".join(problem.field for problem in error.problems),
        )
        raise
    event = lock_for_update(Event, event_id)
    require_editor(actor, event)  # read again under the lock: the team may have changed meanwhile
    current = current_notice(event.id)
    if current is not None and current.parts() == texts:
        db.session.rollback()
        return None
    notice = PrivacyNotice(
        event_id=event.id,
        number=current.number + 1 if current is not None else 1,
        created_by_id=getattr(actor, "id", None),
        **texts,
    )
    db.session.add(notice)
    commit_keeping_loaded()
    return notice


def agreed_version(event: Event, shown_id: int | None) -> int | None:
    """The id of the version of the event's notice a registration agrees to: the current one, which
    must be the one the person was shown (``shown_id``); None when the event has no notice of its
    own. A notice changed since the form was shown is refused, and the refusal recorded."""
    current_id = db.session.scalar(CURRENT_NOTICE_ID, {"event_id": event.id})
    if current_id is None or current_id == shown_id:
        return current_id
    _refuse_outdated(event.id, current_id)


def current_notice_id(event_id):
    """The id of the current version (the latest) of the notice of the event ``event_id`` (an id, a
    column, or a bound parameter) names, as a column of a statement about that event: None while
    it has none."""
    return (
        db.select(PrivacyNotice.id)
        .where(PrivacyNotice.event_id == event_id)
        .order_by(PrivacyNotice.number.desc())
        .limit(1)
        .scalar_subquery()
    )


CURRENT_NOTICE_ID = db.select(current_notice_id(bindparam("event_id")))  # built once: every registration runs it


def confirm_still_current(event_id: int, agreed_id: int | None, current_id: int | None) -> None:
    """Under the event's lock, which saving a notice takes too, with the id of the current version
    read under it (``current_notice_id``): the version agreed to before the lock was taken is still
    the event's notice. One published meanwhile is refused as ``agreed_version`` refuses it."""
    if current_id != agreed_id:
        _refuse_outdated(event_id, current_id)


def _refuse_outdated(event_id: int, current_id: int | None) -> NoReturn:
    current = None if current_id is None else db.session.get(PrivacyNotice, current_id)
    record_attempt("registration.refused_outdated_privacy_notice", event_id=event_id, target=current)
    raise DomainError(
        _l("The privacy notice of this event has just changed: read it again, and agree to it to register."),
        field="privacy",
    )


def record_refused_consent(event_id: int) -> None:
    """A registration sent without agreeing to the privacy notice, which was refused."""
    record_attempt("registration.refused_without_consent", event_id=event_id)
