"""Anonymising one registration: what identifies the person is erased, what the statistics count
(country, sex, organisation type, the state, attendance, certificates issued) stays.

The registration moves to an account of its own that nobody can sign in to (an address under
``PLACEHOLDER_DOMAIN``, no password), so it no longer leads to the person: registrations keep an
account because every page of an event's registrations reads one. Account deletion and the
retention period both anonymise this way.
"""

from __future__ import annotations

import secrets

from sqlalchemy import delete

from ..accounts.models import User
from ..audit import erasing_values, forget_registrations
from ..certificates.models import Certificate
from ..extensions import db
from ..feedback.models import EvaluationResponse
from ..letters.models import LetterRequest
from ..letters.services import DETAIL_FIELDS, PassportDetails
from ..mail.models import OutboxMessage
from ..messages.models import MessageRecipient
from ..registration.models import Answer, Question, QuestionKind, Registration
from ..timeutil import utcnow
from .models import Anonymisation, AnonymisedRegistration

PLACEHOLDER_DOMAIN = "anonymised.invalid"  # reserved: no mail is ever delivered there
FREE_TEXT = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.DATE)
ERASED_FIELDS = ("full_name", "native_name", "organisation", "job_title", "dietary_needs", "accessibility_needs")


def is_placeholder(user: User) -> bool:
    """An account that only holds an anonymised registration, not a person's."""
    return user.email.endswith("@" + PLACEHOLDER_DOMAIN)


def placeholder_account() -> User:
    user = User(
        email=f"{secrets.token_hex(12)}@{PLACEHOLDER_DOMAIN}",
        password_hash="",  # matches no password
        full_name="",
        native_name="",
    )
    db.session.add(user)
    return user


def is_anonymised(registration: Registration) -> bool:
    return db.session.get(AnonymisedRegistration, registration.id) is not None


def anonymise(registration: Registration, because: Anonymisation) -> None:
    """Erase the person from ``registration`` in the caller's transaction, the activity log's values
    about it included; nothing twice."""
    if is_anonymised(registration):
        return
    with erasing_values():
        _erase(registration, because)
        forget_registrations(registration.event_id, {registration.id})


def _erase(registration: Registration, because: Anonymisation) -> None:
    address = registration.user.email
    for name in ERASED_FIELDS:
        setattr(registration, name, "")
    registration.listed_publicly = False
    for change in registration.changes:
        change.reason = ""
    free_text = db.select(Question.id).where(Question.kind.in_(FREE_TEXT))
    db.session.execute(
        delete(Answer).where(Answer.registration_id == registration.id, Answer.question_id.in_(free_text))
    )
    erase_letter(registration)
    for certificate in db.session.scalars(db.select(Certificate).where(Certificate.registration_id == registration.id)):
        certificate.holder_name, certificate.holder_native_name = "", ""
    for response in db.session.scalars(
        db.select(EvaluationResponse).where(EvaluationResponse.registration_id == registration.id)
    ):
        response.registration_id = None
    sent_to_them = []  # organisers' messages, whatever address they went to
    for recipient in db.session.scalars(
        db.select(MessageRecipient).where(MessageRecipient.registration_id == registration.id)
    ):
        recipient.name, recipient.email = "", ""
        sent_to_them.append(recipient.outbox_message_id)
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.event_id == registration.event_id,
            db.or_(OutboxMessage.recipient == address, OutboxMessage.id.in_([i for i in sent_to_them if i])),
        )
    )
    registration.user = placeholder_account()
    db.session.add(AnonymisedRegistration(registration_id=registration.id, because=because, anonymised_at=utcnow()))
    db.session.flush()


def erase_letter(registration: Registration) -> None:
    """The passport details, as the retention rule of visa letters erases them, and the reason given
    with the decision; the request's status and reference stay."""
    letter = db.session.scalar(db.select(LetterRequest).where(LetterRequest.registration_id == registration.id))
    if letter is None:
        return
    erased = PassportDetails()
    for name in DETAIL_FIELDS:
        setattr(letter, name, getattr(erased, name))
    letter.details_erased_at = letter.details_erased_at or utcnow()
    letter.decision_note = ""


def anonymisation_of(registration_id: int) -> Anonymisation | None:
    row = db.session.get(AnonymisedRegistration, registration_id)
    return row.because if row is not None else None
