"""A person's export of everything the product holds about them: a ZIP of JSON files and their
certificate and letter PDFs, built by a background job, downloadable by them alone until it
expires.

One export a person at a time: a request holds the lock on the person's row, and the row of
``DataExport`` is unique per person; a request either turns a finished export back into one being
prepared (a conditional update) or inserts the row, so of two requests at once the second finds
the export being prepared, or meets the unique constraint, and is told so rather than starting
another.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from contextlib import suppress
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from huey import crontab
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from .. import mail, security
from ..accounts.models import User
from ..agenda.models import Speaker
from ..attendance.models import Attendance
from ..audit import record_action, record_attempt
from ..certificates import pdf as certificate_pdf
from ..certificates.models import Certificate
from ..database import lock_for_update
from ..errors import DomainError, MissingFile, NotFound
from ..extensions import db
from ..feedback.models import EvaluationResponse
from ..jobs.queue import periodic, task
from ..letters import pdf as letter_pdf
from ..letters.models import LetterRequest, LetterStatus
from ..letters.services import DETAIL_FIELDS
from ..mail.models import OutboxMessage
from ..messages.models import MessageRecipient
from ..registration.models import Registration
from ..storage import upload_storage
from ..timeutil import utcnow
from ..urls import external_url
from .models import DataExport, ExportState

log = logging.getLogger(__name__)
STALLED_AFTER = timedelta(
    hours=1
)  # an export still being prepared then was lost (a worker stopped): it may be asked again


class AlreadyPreparing(DomainError):
    pass


def export_days() -> int:
    return int(current_app.config["PERSONAL_DATA_EXPORT_DAYS"])


def export_of(user: User) -> DataExport | None:
    return db.session.scalar(db.select(DataExport).where(DataExport.user_id == user.id))


def request_export(user: User) -> DataExport:
    """Start preparing ``user``'s export and queue its building after the commit; AlreadyPreparing
    (recorded) while one is being prepared."""
    lock_for_update(User, user.id)  # one request of the person at a time; the unique constraint stands behind it
    previous = export_of(user)
    old_file = previous.file_key if previous is not None else ""
    restarted = db.session.execute(
        update(DataExport)
        .where(
            DataExport.user_id == user.id,
            (DataExport.state != ExportState.PREPARING) | (DataExport.requested_at < utcnow() - STALLED_AFTER),
        )
        .values(state=ExportState.PREPARING, file_key="", requested_at=utcnow(), ready_at=None, expires_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not restarted:
        db.session.add(DataExport(user_id=user.id, state=ExportState.PREPARING, requested_at=utcnow()))
        try:
            db.session.flush()
        except IntegrityError:
            record_attempt("personal_data.export_refused", target=user, summary="an export is already being prepared")
            raise AlreadyPreparing(
                _l("Your data is already being prepared. We will e-mail you when it is ready.")
            ) from None
    record_action("personal_data.export_requested", target=user)
    db.session.commit()
    if old_file:
        upload_storage().delete(old_file)
    export = export_of(user)
    try:
        build_export(export.id)  # queued for the worker
    except Exception:  # the queue is unreachable: the person may ask again once the export counts as stalled
        log.exception("could not queue the export of personal data %s", export.id)
    return export


@task()  # a failure shows on the person's page, and they ask again
def build_export(export_id: int) -> None:
    prepare(export_id)


def prepare(export_id: int) -> None:
    export = db.session.get(DataExport, export_id)
    if export is None or export.state is not ExportState.PREPARING:
        return  # built already, or the account is gone
    user = db.session.get(User, export.user_id)
    try:
        key = upload_storage().save(io.BytesIO(zip_of(user)))
    except Exception:
        db.session.rollback()
        export = db.session.get(DataExport, export_id)
        if export is not None:
            export.state = ExportState.FAILED
        db.session.commit()
        raise
    # The person may have deleted their account, or asked again, while the file was built: the row
    # read afresh under lock says whether the file is still wanted. Account deletion locks the same
    # row before reading its file, so either it finds this file or this finds the row gone.
    export = lock_for_update(DataExport, export_id)
    if export is None or export.state is not ExportState.PREPARING or export.file_key:
        db.session.rollback()
        upload_storage().delete(key)
        return
    user = db.session.get(User, export.user_id)
    now = utcnow()
    export.state, export.file_key, export.ready_at = ExportState.READY, key, now
    export.expires_at = now + timedelta(days=export_days())
    message = mail.compose(
        user.email,
        user.locale,
        "personal_data_ready",
        _l("Your data is ready to download"),
        user=user,
        link=external_url("privacy.my_data"),
        days=export_days(),
    )
    mail.queue(message)
    db.session.commit()


def download(user: User, export_id: int) -> DataExport:
    """The person's own ready export; NotFound for anybody else's, one not ready, or one expired."""
    export = db.session.get(DataExport, export_id)
    if (
        export is None
        or not security.owns_data_export(user, export)
        or export.state is not ExportState.READY
        or export.expires_at is None
        or export.expires_at <= utcnow()
    ):
        raise NotFound()
    record_action("personal_data.downloaded", target=user)
    db.session.commit()
    return export


@periodic(crontab(minute="23"))
def delete_expired_exports_hourly() -> int:
    return delete_expired_exports()


def delete_expired_exports(now: datetime | None = None) -> int:
    expired = db.session.scalars(
        db.select(DataExport).where(DataExport.state == ExportState.READY, DataExport.expires_at <= (now or utcnow()))
    ).all()
    keys = [export.file_key for export in expired]
    for export in expired:
        db.session.delete(export)
    db.session.commit()
    for key in keys:
        upload_storage().delete(key)
    return len(keys)


# --- what the ZIP holds ---------------------------------------------------------------------


def when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def zip_of(user: User) -> bytes:
    registrations = db.session.scalars(
        db.select(Registration).where(Registration.user_id == user.id).order_by(Registration.id)
    ).all()
    ids = [registration.id for registration in registrations]
    certificates = db.session.scalars(
        db.select(Certificate).where(Certificate.registration_id.in_(ids)).order_by(Certificate.id)
    ).all()
    letters = db.session.scalars(
        db.select(LetterRequest).where(LetterRequest.registration_id.in_(ids)).order_by(LetterRequest.id)
    ).all()
    files = {
        "profile.json": profile(user),
        "registrations.json": [registration_data(registration) for registration in registrations],
        "attendance.json": attendance(ids),
        "certificates.json": [certificate_data(certificate) for certificate in certificates],
        "visa_letters.json": [letter_data(letter) for letter in letters],
        "evaluation_answers.json": evaluation_answers(ids),
        "speaker_profiles.json": speaker_profiles(user),
        "messages.json": messages_to(user, ids),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, json.dumps(data, ensure_ascii=False, indent=2))
        for certificate in certificates:
            if certificate.valid:
                with suppress(MissingFile):  # a letterhead image gone from the server: the JSON still says it all
                    sheet = certificate_pdf.sheets_for([certificate])[0]
                    archive.writestr(
                        f"certificates/{certificate_pdf.filename_of(sheet)}", certificate_pdf.render_certificate(sheet)
                    )
        for letter in letters:
            if letter.status is LetterStatus.APPROVED and letter.details_erased_at is None:
                with suppress(MissingFile):
                    drawn = letter_pdf.letter_of(letter)
                    archive.writestr(f"visa_letters/{letter_pdf.filename_of(drawn)}", letter_pdf.render_letter(drawn))
    return buffer.getvalue()


def profile(user: User) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "native_name": user.native_name,
        "language": user.locale,
        "email_confirmed_at": when(user.email_verified_at),
        "account_created_at": when(user.created_at),
        "fills_in_personal_details_from_last_registration": user.prefills_personal_details,
    }


def registration_data(registration: Registration) -> dict:
    return {
        "event": registration.event.title.texts,
        "event_starts_at": when(registration.event.starts_at),
        "state": registration.state.value,
        "full_name": registration.full_name,
        "native_name": registration.native_name,
        "organisation": registration.organisation,
        "organisation_type": registration.organisation_type.value,
        "country": registration.country,
        "sex": registration.sex.value,
        "position": registration.job_title,
        "dietary_needs": registration.dietary_needs,
        "accessibility_needs": registration.accessibility_needs,
        "visa_letter_needed": registration.visa_letter_needed,
        "listed_publicly": registration.listed_publicly,
        "privacy_notice_version": registration.privacy_notice.number if registration.privacy_notice else None,
        "privacy_accepted_at": when(registration.privacy_accepted_at),
        "registered_at": when(registration.created_at),
        "answers": [
            {"question": answer.question.label.texts, "answer": answer.value} for answer in registration.answers
        ],
        "history": [
            {
                "at": when(change.created_at),
                "from": change.from_state.value if change.from_state else None,
                "to": change.to_state.value,
                "reason": change.reason,
            }
            for change in registration.changes
        ],
    }


def attendance(registration_ids: list[int]) -> list[dict]:
    rows = db.session.scalars(
        db.select(Attendance).where(Attendance.registration_id.in_(registration_ids)).order_by(Attendance.recorded_at)
    ).all()
    return [
        {
            "event": row.registration.event.title.texts,
            "session": row.session.title.texts if row.session is not None else None,
            "present": row.present,
            "recorded_by": row.method.value,
            "recorded_at": when(row.recorded_at),
        }
        for row in rows
    ]


def certificate_data(certificate: Certificate) -> dict:
    return {
        "event": certificate.registration.event.title.texts,
        "code": certificate.code_for_reading,
        "holder_name": certificate.holder_name,
        "holder_native_name": certificate.holder_native_name,
        "issued_at": when(certificate.issued_at),
        "revoked_at": when(certificate.revoked_at),
        "revoke_reason": certificate.revoke_reason,
    }


def letter_data(letter: LetterRequest) -> dict:
    data = {
        "event": letter.registration.event.title.texts,
        "status": letter.status.value,
        "reference": letter.reference,
        "requested_at": when(letter.created_at),
        "decided_at": when(letter.decided_at),
        "decision_note": letter.decision_note,
        "passport_details_erased_at": when(letter.details_erased_at),
    }
    if letter.details_erased_at is None:
        for name in DETAIL_FIELDS:
            value = getattr(letter, name)
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def evaluation_answers(registration_ids: list[int]) -> list[dict]:
    """Answers given to evaluations that were not anonymous: an anonymous answer leads to nobody."""
    responses = db.session.scalars(
        db.select(EvaluationResponse)
        .where(EvaluationResponse.registration_id.in_(registration_ids))
        .order_by(EvaluationResponse.submitted_on)
    ).all()
    return [
        {
            "event": response.registration.event.title.texts,
            "submitted_on": response.submitted_on.isoformat(),
            "answers": [
                {
                    "question": answer.question.label.texts,
                    "rating": answer.rating,
                    "answer": json.loads(answer.value_json) if answer.value_json else None,
                }
                for answer in response.answers
            ],
        }
        for response in responses
    ]


def speaker_profiles(user: User) -> list[dict]:
    """What the programmes of events say about them as a speaker, with the sessions they take part in."""
    speakers = db.session.scalars(db.select(Speaker).where(Speaker.user_id == user.id).order_by(Speaker.id)).all()
    return [
        {
            "event": speaker.event.title.texts,
            "full_name": speaker.full_name,
            "native_name": speaker.native_name,
            "title": speaker.title.texts,
            "affiliation": speaker.affiliation.texts,
            "biography": speaker.biography.texts,
            "email": speaker.email,
            "has_photo": bool(speaker.photo_key),
            "sessions": [
                {
                    "session": part.session.title.texts,
                    "role": part.role.value,
                    "starts_at": when(part.session.starts_at),
                }
                for part in sorted(speaker.sessions, key=lambda part: (part.session.starts_at, part.session.id))
            ],
        }
        for speaker in speakers
    ]


def messages_to(user: User, registration_ids: list[int]) -> list[dict]:
    """The e-mails written to them: to their address, and the organisers' messages to their
    registrations, which went to the address they had then (it may have changed since)."""
    to_their_registrations = db.select(MessageRecipient.outbox_message_id).where(
        MessageRecipient.registration_id.in_(registration_ids), MessageRecipient.outbox_message_id.is_not(None)
    )
    sent = db.session.scalars(
        db.select(OutboxMessage)
        .where((OutboxMessage.recipient == user.email) | OutboxMessage.id.in_(to_their_registrations))
        .order_by(OutboxMessage.id)
    ).all()
    return [
        {
            "to": message.recipient,
            "subject": message.subject,
            "text": message.text,
            "written_at": when(message.created_at),
            "sent_at": when(message.sent_at),
        }
        for message in sent
    ]
