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

Refused while the person is the only organiser of an event, whether it is still to come, over or
archived: an event that is over still has participants who ask for a certificate, a letter or their
data, and a retention period that its organisers answer for; it would be left without anyone to run
it. Before counting, the rows of the events they organise are locked, in the order of their ids so
that two deletions locking the same events never wait for each other in a circle: a co-organiser
deleting their account at the same moment, or removing them from the team
(``team.services.remove_member`` locks the event too), waits, and then counts one organiser fewer.
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
from ..events.models import Event, event_organiser
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


def events_organised_by(user: User) -> list[int]:
    return list(
        db.session.scalars(
            db.select(event_organiser.c.event_id)
            .where(event_organiser.c.user_id == user.id)
            .order_by(event_organiser.c.event_id)
        )
    )


def events_only_they_organise(user: User) -> list[Event]:
    """The events of which ``user`` is the only organiser, templates aside: a template has no
    participants, registrations or personal data to answer for, it only starts new events, which
    an admin can still do from it; holding a deletion back for one would only make the person
    delete their own template first."""
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
            Event.is_template.is_(False),
            organisers == 1,
        )
        .order_by(Event.starts_at)
    ).all()


def delete_account(user: User, password: str) -> None:
    """Delete ``user``'s account after checking their password; DomainError (recorded) when the
    password is wrong or they alone organise an event."""
    user = lock_for_update(User, user.id)
    if not user.check_password(password or ""):
        record_attempt("account.deletion_refused", target=user, summary="wrong password")
        raise DomainError(_l("The password is not right."), field="password")
    for event_id in events_organised_by(user):  # before counting their fellow organisers (module docstring)
        lock_for_update(Event, event_id)
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
                "You are the only organiser of: %(events)s. Add another organiser to the team of each before you "
                "delete your account.",
                events=titles,
            )
        )
    files = [export_file(user)]
    address = user.email
    for registration in db.session.scalars(db.select(Registration).where(Registration.user_id == user.id)).all():
        give_up_place(registration, user)
    forget_person(user.id)  # while their registrations are still theirs
    with erasing_values(), acting_as(Actor(user.id, DELETED_ACCOUNT)):
        for registration in db.session.scalars(db.select(Registration).where(Registration.user_id == user.id)).all():
            anonymise(registration, Anonymisation.ACCOUNT_DELETED)
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == address))
        files += forget_as_speaker(user)
        db.session.delete(user)
        db.session.flush()
    db.session.commit()
    for key in filter(None, files):
        upload_storage().delete(key)


def export_file(user: User) -> str:
    """The file of the person's export, read under the lock of its row: an export job finishing at
    this moment either saved its file before (and it is found here) or finds the row gone after
    the commit and deletes its file itself (``export.prepare``)."""
    export_id = db.session.scalar(db.select(DataExport.id).where(DataExport.user_id == user.id))
    export = lock_for_update(DataExport, export_id) if export_id is not None else None
    return export.file_key if export is not None else ""


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
