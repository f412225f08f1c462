"""Deleting one's own account.

The account goes, and with it the person's log-ins, roles on events' teams, calendar address and
their photo and address as a speaker;
each registration stays, anonymised (``anonymising``), so statistics, the report and attendance
keep their numbers without the person; a place at an event still to come is first given up, so
the next on the waiting list gets it. The e-mail address is free to sign up again.

Certificates already issued stay valid and verifiable, without the name: the verification page says
the certificate was issued to a participant who has since deleted their account. We keep rather
than revoke them because a certificate is often already in an employer's or a ministry's file; a
revocation would tell whoever checks it that it is no longer valid, which is not true: the person
attended. What it proves (this code was issued for this event) stays true without the name.

Refused while the person is the only organiser of an event that is neither archived nor over: the
event would be left without anyone to run it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func

from ..accounts.models import User
from ..agenda.models import Speaker
from ..audit import Actor, acting_as, erasing_values, forget_person, record_attempt
from ..audit.retention import DELETED_ACCOUNT
from ..database import lock_for_update
from ..errors import DomainError
from ..events.models import Event, EventStatus, event_organiser
from ..extensions import db
from ..mail.models import OutboxMessage
from ..registration import services as registrations
from ..registration.models import Registration
from ..registration.states import State
from ..storage import upload_storage
from ..timeutil import utcnow
from .anonymising import anonymise
from .models import Anonymisation, DataExport

STILL_HELD = (State.PENDING, State.CONFIRMED, State.WAITLISTED)


def events_only_they_organise(user: User) -> list[Event]:
    """The events not archived and not over of which ``user`` is the only organiser."""
    every = event_organiser.alias()
    organisers = (
        db.select(func.count())
        .select_from(every)
        .where(every.c.event_id == Event.id)
        .correlate(Event)
        .scalar_subquery()
    )
    return db.session.scalars(
        db.select(Event)
        .join(event_organiser, event_organiser.c.event_id == Event.id)
        .where(
            event_organiser.c.user_id == user.id,
            Event.status != EventStatus.ARCHIVED,
            Event.is_template.is_(False),  # a template is never held: it only starts new events
            Event.ends_at > utcnow(),
            organisers == 1,
        )
        .order_by(Event.starts_at)
    ).all()


def delete_account(user: User, password: str) -> None:
    """Delete ``user``'s account after checking their password; DomainError (recorded) when the
    password is wrong or they alone organise an event that goes on."""
    user = lock_for_update(User, user.id)
    if not user.check_password(password or ""):
        record_attempt("account.deletion_refused", target=user, summary="wrong password")
        raise DomainError(_l("The password is not right."), field="password")
    alone = events_only_they_organise(user)
    if alone:
        titles = "; ".join(str(event.title) for event in alone)
        record_attempt(
            "account.deletion_refused",
            target=user,
            summary="only organiser of an event",
            changes={"events": [event.id for event in alone]},
        )
        raise DomainError(
            _l(
                "You are the only organiser of: %(events)s. Add another organiser to the team of each, or archive "
                "it, before you delete your account.",
                events=titles,
            )
        )
    address = user.email
    for registration in db.session.scalars(db.select(Registration).where(Registration.user_id == user.id)).all():
        give_up_place(registration, user)
    forget_person(user.id)  # while their registrations are still theirs
    with erasing_values(), acting_as(Actor(user.id, DELETED_ACCOUNT)):
        for registration in db.session.scalars(db.select(Registration).where(Registration.user_id == user.id)).all():
            anonymise(registration, Anonymisation.ACCOUNT_DELETED)
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == address))
        files = [db.session.scalar(db.select(DataExport.file_key).where(DataExport.user_id == user.id))]
        files += forget_as_speaker(user)
        db.session.delete(user)
        db.session.flush()
    db.session.commit()
    for key in filter(None, files):
        upload_storage().delete(key)


def forget_as_speaker(user: User) -> list[str]:
    """Their photo and address go from the events they spoke at; the programme keeps the name
    and the sessions, which the organisers published. Returns the photos' keys, deleted after the commit."""
    photos = []
    for speaker in db.session.scalars(db.select(Speaker).where(Speaker.user_id == user.id)):
        photos.append(speaker.photo_key)
        speaker.photo_key, speaker.photo_type, speaker.email, speaker.user_id = "", "", "", None
    return photos


def give_up_place(registration: Registration, user: User) -> None:
    """A registration for an event still to come is cancelled, and its place goes to the waiting list."""
    event = registration.event
    if registration.state not in STILL_HELD or event.ends_at <= utcnow():
        return
    registrations.change_state(registration, State.CANCELLED, user, "")
    registrations.fill_free_places(event)
