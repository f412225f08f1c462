"""Writing to participants: the checks of a message, its recipients, a preview, sending it as a
job that writes one e-mail a person, the saved templates and the history."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from .. import mail
from ..database import lock_for_update
from ..errors import DomainError, Forbidden, NotFound
from ..events.models import Event, Series
from ..extensions import db
from ..jobs import services as jobs
from ..registration.models import Registration
from ..security import can_manage_event
from ..timeutil import utcnow
from ..translated import Translated
from . import placeholders
from .models import MessageRecipient, MessageTemplate, ParticipantMessage
from .recipients import Recipients, matching

TEMPLATE = "organiser_message"  # the e-mail's layout: greeting, the text, the event's name and contact
NAME_MAX = 100


class InvalidMessage(DomainError):
    """Several things to fix at once, each by its field."""

    def __init__(self, problems: list[DomainError]):
        super().__init__(problems[0].message, problems[0].field)
        self.problems = problems


@dataclass(frozen=True)
class Draft:
    subject: Translated
    text: Translated


def require_organiser(actor, event: Event) -> None:
    if not can_manage_event(actor, event):
        raise Forbidden(_l("You do not organise this event."))


def checked(subject: Translated | str, text: Translated | str) -> Draft:
    """The subject on one line and the text trimmed; InvalidMessage when either is empty in every
    language or has a placeholder that does not exist or a stray brace."""
    subject = Translated({language: " ".join(line.split()) for language, line in Translated.of(subject).texts.items()})
    text = Translated.of(text).strip()
    problems = []
    if not subject:
        problems.append(DomainError(_l("Write a subject."), field="subject"))
    if not text:
        problems.append(DomainError(_l("Write the message."), field="text"))
    problems += placeholders.check(subject, "subject") + placeholders.check(text, "text")
    if problems:
        raise InvalidMessage(problems)
    return Draft(subject, text)


def recipients_of(actor, event: Event, recipients: Recipients) -> list[Registration]:
    require_organiser(actor, event)
    return matching(event, recipients)


def fingerprint(registrations: list[Registration]) -> str:
    """What identifies the recipients an organiser has looked at, for the form to send back."""
    ids = ",".join(str(r.id) for r in sorted(registrations, key=lambda r: r.id))
    return hashlib.sha256(ids.encode()).hexdigest()[:16]


def preview(actor, event: Event, subject, text, recipients: Recipients, registration_id: int | None) -> mail.Mail:
    """The e-mail ``registration_id``, one of the recipients, would get, in their language."""
    require_organiser(actor, event)
    draft = checked(subject, text)
    registration = next((r for r in matching(event, recipients) if r.id == registration_id), None)
    if registration is None:
        raise DomainError(_l("Choose one of the recipients."), field="preview_for")
    return written_for(registration, draft)


def written_for(registration: Registration, draft: Draft) -> mail.Mail:
    user = registration.user
    return mail.compose(
        user.email,
        user.locale,
        TEMPLATE,
        placeholders.fill(draft.subject, registration),
        registration=registration,
        text=placeholders.fill(draft.text, registration),
    )


def send(actor, event_id: int, subject, text, recipients: Recipients, reviewed: str | None = None):
    """Record the message and start the job that writes one e-mail to each recipient; the message.

    ``reviewed`` is the fingerprint of the recipients the organiser was shown: when the filters now
    choose others, nothing is sent and they are asked to look again."""
    draft = checked(subject, text)
    event = lock_for_update(Event, event_id)
    require_organiser(actor, event)
    chosen = matching(event, recipients)
    if not chosen:
        raise DomainError(_l("Nobody matches these filters: change them to choose recipients."), field="recipients")
    if reviewed is not None and reviewed != fingerprint(chosen):
        raise DomainError(
            _l("The recipients changed with the filters: check the list and send again."), field="recipients"
        )
    refuse_if_just_sent(actor, event, draft, recipients)
    ids = sorted(r.id for r in chosen)
    message = ParticipantMessage(
        event_id=event.id,
        sent_by_id=getattr(actor, "id", None),
        subject=draft.subject,
        text=draft.text,
        filters_json=recipients.to_json(),
        recipient_count=len(ids),
    )
    db.session.add(message)
    db.session.flush()
    job = jobs.add(send_participant_message, event, actor, message=message.id, registrations=ids)
    message.job_id = job.id
    db.session.commit()
    return message


RESEND_GUARD = timedelta(minutes=10)


def refuse_if_just_sent(actor, event: Event, draft, recipients: Recipients) -> None:
    """The same message to the same filters by the same person a moment ago is a second click (or
    the browser's Back and Send again), not a wish to write to everyone twice; asked under the event's lock."""
    latest = db.session.scalar(
        db.select(ParticipantMessage)
        .where(
            ParticipantMessage.event_id == event.id,
            ParticipantMessage.sent_by_id == getattr(actor, "id", None),
            ParticipantMessage.created_at > utcnow() - RESEND_GUARD,
        )
        .order_by(ParticipantMessage.id.desc())
        .limit(1)
    )
    if (
        latest is not None
        and latest.subject.texts == draft.subject.texts
        and latest.text.texts == draft.text.texts
        and latest.filters_json == recipients.to_json()
    ):
        raise DomainError(_l("This message was sent to these people a moment ago: it is not sent twice."))


def _recipients_of_job(job) -> list[int]:
    return job.params["registrations"]


@jobs.kind(_l("Sending a message to participants"), _recipients_of_job, page="messages.history")
def send_participant_message(job, registration_id: int) -> None:
    message = db.session.get(ParticipantMessage, job.params["message"])
    registration = db.session.get(Registration, registration_id)
    if message is None:
        raise DomainError(_l("The message was deleted before it was sent."))
    if registration is None:
        raise DomainError(_l("A registration was deleted before the message was written."))
    done = db.session.scalar(
        db.select(MessageRecipient.id).where(
            MessageRecipient.message_id == message.id, MessageRecipient.registration_id == registration.id
        )
    )
    if done is not None:
        return
    outbox_message = mail.queue(
        written_for(registration, Draft(message.subject, message.text)), event_id=registration.event_id
    )
    db.session.flush()
    db.session.add(
        MessageRecipient(
            message_id=message.id,
            registration_id=registration.id,
            outbox_message_id=outbox_message.id,
            name=registration.display_name[:200],
            email=registration.user.email,
            language=registration.user.locale or "en",
        )
    )


# --- templates ---------------------------------------------------------------------------------


def templates_of(event: Event) -> list[MessageTemplate]:
    """The event's own templates, then those of its series."""
    in_scope = MessageTemplate.event_id == event.id
    if event.series_id is not None:
        in_scope = in_scope | (MessageTemplate.series_id == event.series_id)
    return list(
        db.session.scalars(
            db.select(MessageTemplate)
            .where(in_scope)
            .order_by(MessageTemplate.series_id.is_not(None), MessageTemplate.name)
        )
    )


def template_of(actor, event: Event, template_id: int) -> MessageTemplate:
    """One of the event's templates or of its series'; any other is not found from this event."""
    require_organiser(actor, event)
    template = db.session.get(MessageTemplate, template_id)
    if template is None or not (
        template.event_id == event.id or (template.series_id is not None and template.series_id == event.series_id)
    ):
        raise NotFound()
    return template


def save_template(actor, event: Event, name: str, subject, text, for_series: bool = False) -> MessageTemplate:
    """Save the subject and text under ``name`` for the event, or for every event of its series,
    replacing the template of that name in that scope."""
    require_organiser(actor, event)
    name = " ".join((name or "").split())
    problems = []
    if not name:
        problems.append(DomainError(_l("Name the template."), field="template_name"))
    elif len(name) > NAME_MAX:
        problems.append(DomainError(_l("Use no more than 100 characters."), field="template_name"))
    if for_series and event.series_id is None:
        problems.append(DomainError(_l("This event is in no series."), field="template_for_series"))
    try:
        draft = checked(subject, text)
    except InvalidMessage as error:
        problems += error.problems
    if problems:
        raise InvalidMessage(problems)
    if for_series:  # organisers of two events of the series saving the same name: one after the other
        lock_for_update(Series, event.series_id)
        scope = {"series_id": event.series_id}
    else:
        lock_for_update(Event, event.id)
        scope = {"event_id": event.id}
    template = db.session.scalar(db.select(MessageTemplate).filter_by(name=name, **scope))
    if template is None:
        template = MessageTemplate(name=name, **scope)
        db.session.add(template)
    template.subject, template.text, template.created_by_id = draft.subject, draft.text, getattr(actor, "id", None)
    db.session.commit()
    return template


def delete_template(actor, event: Event, template_id: int) -> str:
    template = template_of(actor, event, template_id)
    name = template.name
    db.session.delete(template)
    db.session.commit()
    return name


# --- history -----------------------------------------------------------------------------------


def history(actor, event: Event) -> list[ParticipantMessage]:
    require_organiser(actor, event)
    return list(
        db.session.scalars(
            db.select(ParticipantMessage)
            .where(ParticipantMessage.event_id == event.id)
            .options(selectinload(ParticipantMessage.sent_by))
            .order_by(ParticipantMessage.id.desc())
        )
    )


def message_of(actor, event: Event, message_id: int) -> ParticipantMessage:
    require_organiser(actor, event)
    message = db.session.get(
        ParticipantMessage,
        message_id,
        options=[selectinload(ParticipantMessage.recipients).selectinload(MessageRecipient.outbox_message)],
    )
    if message is None or message.event_id != event.id:
        raise NotFound()
    return message
