"""The e-mails a participant gets when their registration changes."""

from functools import partial

from flask_babel import lazy_gettext as _l

from workshop.urls import external_url

from .. import mail
from ..language_of_parts import greeting_name
from ..translated import Translated
from .models import Registration
from .states import State


def notice_for(registration: Registration, old: State | None, new: State, reason: str, position: int | None):
    """Subject and message for a change from ``old`` to ``new``, or None when nobody needs telling."""
    title = registration.event.title
    if new is State.PENDING:
        return (
            _l("We received your registration for %(event)s", event=title),
            _l(
                "Thank you for registering for %(event)s. The organisers will look at your registration and tell you "
                "their decision by e-mail.",
                event=title,
            ),
        )
    if new is State.CONFIRMED and old is State.WAITLISTED:
        return (
            _l("You have a place at %(event)s", event=title),
            _l(
                "Good news: a place became free at %(event)s and it is yours. Your registration is confirmed.",
                event=title,
            ),
        )
    if new is State.CONFIRMED and old is State.PENDING:
        return (
            _l("Your registration for %(event)s is approved", event=title),
            _l("The organisers approved your registration for %(event)s. Your place is confirmed.", event=title),
        )
    if new is State.CONFIRMED:
        return (
            _l("Your registration for %(event)s is confirmed", event=title),
            _l("Thank you for registering for %(event)s. Your place is confirmed.", event=title),
        )
    if new is State.WAITLISTED:
        return (
            _l("You are on the waiting list for %(event)s", event=title),
            _l(
                "%(event)s is full at the moment, so you are number %(position)d on the waiting list. When a place "
                "becomes free, the first person on the list gets it at once, and we tell you by e-mail.",
                event=title,
                position=position or 0,
            ),
        )
    if new is State.REJECTED:
        return (
            _l("Your registration for %(event)s", event=title),
            _l("We are sorry: the organisers could not accept your registration for %(event)s.", event=title),
        )
    if new is State.CANCELLED:
        return (
            _l("Your registration for %(event)s is cancelled", event=title),
            _l(
                "Your registration for %(event)s is cancelled. You can register again while registration is open.",
                event=title,
            ),
        )
    return None


def send_notice(registration: Registration, old: State | None, new: State, reason: str, position: int | None) -> None:
    notice = notice_for(registration, old, new, reason, position)
    if notice is None:
        return
    subject, message = notice
    user, event = registration.user, registration.event
    holes = {
        "greeting": partial(greeting_name, registration),
        "message": message,
        "link": external_url("registration.show", registration_id=registration.id),
    }
    if new is State.CONFIRMED:
        holes["badge_link"] = external_url("attendance.my_badge", registration_id=registration.id)
    # everyone registering for the event gets the same words around their name, place and links;
    # kept under the event's revision and the time of its last edit, which an edit rolled back
    # does not leave behind (its revision number is given again by the next edit)
    frame = (event.id, event.created_at, event.agenda_revision, event.updated_at, reason)
    composed = mail.compose_around(
        user.email, user.locale, "registration_notice", subject, frame, holes, event=event, reason=reason
    )
    mail.queue(composed, event_id=registration.event_id)


def send_message(registration: Registration, subject: Translated | str, text: Translated | str) -> None:
    """An organiser's own message to a participant: written under their language, so they read the
    subject and text in it, else in the other language the organiser wrote."""
    mail.queue_to_participant(registration, "organiser_message", Translated.of(subject), text=Translated.of(text))
