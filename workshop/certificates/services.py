"""Issuing, revoking and verifying certificates of attendance, and the event's certificate settings
(the letterhead, shared with the visa letters, and the certificates' language).

Only eligible registrations (``attendance.eligibility``) get a certificate, unless an organiser
writes why (the reason is kept on the certificate). At most one valid certificate per registration:
every change takes the registration's row lock first. Nothing here reads the request.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from .. import mail, security
from ..accounts.models import User
from ..attendance.eligibility import Eligibility, eligibility, eligibility_of
from ..database import lock_for_update
from ..errors import DomainError, Forbidden, NotFound
from ..events.models import Event
from ..extensions import db
from ..jobs import services as jobs
from ..jobs.models import Job
from ..letterhead import services as letterheads
from ..letterhead.services import ImageUpload, LetterheadData
from ..registration.models import Registration
from ..registration.services import STATE_LABELS
from ..registration.states import State
from ..timeutil import last_local_day, utcnow
from ..urls import external_url
from . import as_issued
from .models import Certificate, CertificateSettings

CODE_BYTES = 10  # 80 random bits
CODE_PATTERN = re.compile(r"[0-9A-F]{20}")
REASON_MAX = 1000


class MalformedCode(DomainError):
    """What was typed cannot be a certificate's code."""


class UnknownCertificate(NotFound):
    """No certificate has this code, or the person may not see it."""


# --- settings ---------------------------------------------------------------------------------


def settings_of(event: Event) -> CertificateSettings:
    """The event's certificate settings; new ones (not added to the session) when none are saved."""
    row = db.session.scalar(db.select(CertificateSettings).where(CertificateSettings.event_id == event.id))
    return row if row is not None else CertificateSettings(event_id=event.id, bilingual=False)


def save_settings(
    actor,
    event: Event,
    data: LetterheadData,
    bilingual: bool,
    images: dict[str, ImageUpload | None] | None = None,
    remove: set[str] = frozenset(),
) -> CertificateSettings:
    """Save the event's letterhead (``letterheads.save``) and whether its certificates are
    in English and Chinese for everybody, together."""
    if not security.can_issue_certificates(actor, event):
        raise Forbidden(_l("Only the event's organisers set up its certificates."))

    def save_language() -> None:
        row = db.session.scalar(db.select(CertificateSettings).where(CertificateSettings.event_id == event.id))
        if row is None:
            row = CertificateSettings(event_id=event.id)
            db.session.add(row)
        row.bilingual = bilingual

    letterheads.save(event, data, images, remove, also=save_language)
    return settings_of(event)


# --- what organisers see ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One confirmed registration on the organisers' page."""

    registration: Registration
    eligibility: Eligibility
    current: Certificate | None  # the valid certificate
    history: list[Certificate]  # every certificate, newest first
    changed: bool = False  # the valid certificate no longer shows the holder, event or letterhead as they are


def rows_for(actor, event: Event) -> list[Row]:
    if not security.can_issue_certificates(actor, event):
        raise Forbidden(_l("Only the event's organisers issue its certificates."))
    verdicts = eligibility(event)
    registrations = db.session.scalars(
        db.select(Registration)
        .where(Registration.event_id == event.id, Registration.state == State.CONFIRMED)
        .order_by(db.func.lower(Registration.full_name), Registration.id)
    ).all()
    by_registration: dict[int, list[Certificate]] = {}
    for certificate in db.session.scalars(
        db.select(Certificate)
        .join(Registration)
        .where(Registration.event_id == event.id)
        .order_by(Certificate.id.desc())
    ):
        by_registration.setdefault(certificate.registration_id, []).append(certificate)
    now = as_issued.current(event)
    rows = []
    for registration in registrations:
        history = by_registration.get(registration.id, [])
        valid = next((c for c in history if c.valid), None)
        changed = valid is not None and changed_since_issue(valid, registration, now)
        rows.append(Row(registration, verdicts[registration.id], valid, history, changed))
    return rows


def changed_since_issue(certificate: Certificate, registration: Registration, now: as_issued.EventAsIssued) -> bool:
    """Whether the holder's names, the event or the letterhead differ from what ``certificate`` shows."""
    return (
        certificate.holder_name != registration.full_name
        or certificate.holder_native_name != _native_name(registration)
        or certificate.issued_as != now
    )


def valid_certificates(actor, event: Event) -> list[Certificate]:
    """Every valid certificate of the event, by the holder's name (organisers only)."""
    if not security.can_issue_certificates(actor, event):
        raise Forbidden(_l("Only the event's organisers issue its certificates."))
    return db.session.scalars(
        db.select(Certificate)
        .join(Registration)
        .where(Registration.event_id == event.id, Certificate.revoked_at.is_(None))
        .order_by(db.func.lower(Certificate.holder_name), Certificate.id)
    ).all()


def certificate_of_event(actor, event: Event, certificate_id: int) -> Certificate:
    """One certificate of ``event`` (valid or not), for its organisers. UnknownCertificate otherwise."""
    if not security.can_issue_certificates(actor, event):
        raise Forbidden(_l("Only the event's organisers issue its certificates."))
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.registration.event_id != event.id:
        raise UnknownCertificate(certificate_id)
    return certificate


# --- issuing ----------------------------------------------------------------------------------


def new_code() -> str:
    return secrets.token_hex(CODE_BYTES).upper()


def wants_bilingual(registration: Registration, settings: CertificateSettings) -> bool:
    """English and Chinese when the event asks for it or the participant reads Chinese."""
    return bool(settings.bilingual) or (
        registration.user is not None and (registration.user.locale or "").startswith("zh")
    )


def _valid_certificate(registration_id: int) -> Certificate | None:
    return db.session.scalar(
        db.select(Certificate).where(Certificate.registration_id == registration_id, Certificate.revoked_at.is_(None))
    )


def _locked_registration(actor, event: Event, registration_id: int) -> Registration:
    """The registration of ``event``, its row locked; Forbidden for a non-organiser."""
    if not security.can_issue_certificates(actor, event):
        raise Forbidden(_l("Only the event's organisers issue its certificates."))
    registration = lock_for_update(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        db.session.rollback()
        raise UnknownCertificate(registration_id)
    return registration


def _issue(
    actor, registration: Registration, settings: CertificateSettings, verdict: Eligibility, reason: str
) -> Certificate:
    try:
        signed = as_issued.sign(registration.event)
    except letterheads.ImageMissing as gone:
        raise DomainError(
            _l(
                "No certificate can be issued: the file of %(image)s is missing on the server. Upload it again in "
                "the certificate settings.",
                image=gone.name,
            )
        ) from None
    certificate = Certificate(
        registration_id=registration.id,
        code=new_code(),
        holder_name=registration.full_name,
        holder_native_name=_native_name(registration),
        issued_as_json=signed.to_json(),
        **printed_sessions(verdict),
        seconds_attended=verdict.seconds_attended,
        bilingual=wants_bilingual(registration, settings),
        issued_at=utcnow(),
        issued_by_id=actor.id if actor is not None else None,
        override_reason="" if verdict.eligible else reason,
    )
    db.session.add(certificate)
    db.session.flush()  # its id, for the link in the e-mail
    _tell(registration, certificate)
    return certificate


def printed_sessions(verdict) -> dict[str, int]:
    """The sessions a certificate counts, "present at 9 of 10 sessions": with parallel tracks the
    rule counts time slots, not sessions, so such a certificate states the hours alone (zero counts)."""
    if verdict.slots_counted != verdict.sessions_counted:
        return {"sessions_attended": 0, "sessions_counted": 0}
    return {"sessions_attended": verdict.sessions_attended, "sessions_counted": verdict.sessions_counted}


def _native_name(registration: Registration) -> str:
    return registration.native_name if registration.native_name != registration.full_name else ""


def _refuse_unless_confirmed(registration: Registration) -> None:
    if registration.state is not State.CONFIRMED:
        raise DomainError(
            _l(
                "%(name)s's registration is not confirmed (%(state)s): no certificate can be issued.",
                name=registration.full_name,
                state=STATE_LABELS[registration.state],
            )
        )


def _check_issuable(registration: Registration, reason: str) -> Eligibility:
    _refuse_unless_confirmed(registration)
    if _valid_certificate(registration.id) is not None:
        raise DomainError(
            _l(
                "%(name)s already has a valid certificate. Revoke it first, or re-issue it.",
                name=registration.full_name,
            )
        )
    verdict = eligibility_of(registration)
    if not verdict.eligible and not reason:
        raise DomainError(
            _l(
                "%(name)s is not eligible (%(why)s). To issue a certificate all the same, write the reason.",
                name=registration.full_name,
                why=verdict.reason,
            ),
            field="reason",
        )
    if len(reason) > REASON_MAX:
        raise DomainError(_l("Keep the reason under %(count)d characters.", count=REASON_MAX), field="reason")
    return verdict


def has_ended(event: Event, now: datetime | None = None) -> bool:
    return event.ends_at <= (now or utcnow())


def _refuse_before_the_end(event: Event, before_the_end: bool) -> None:
    """DomainError unless the event has ended, or the organiser confirmed issuing before its end."""
    if before_the_end or has_ended(event):
        return
    raise DomainError(
        _l(
            "The event has not ended yet (its last day is %(end)s), and a certificate says the participant attended "
            'it. To issue it all the same, tick "Issue before the event ends".',
            end=last_local_day(event.starts_at, event.ends_at, event.timezone).isoformat(),
        ),
        field="before_the_end",
    )


def issue(actor, event: Event, registration_id: int, reason: str = "", before_the_end: bool = False) -> Certificate:
    """Issue a certificate to one confirmed registration: eligible, or with a written ``reason``;
    before the event's end only when ``before_the_end`` confirms it. The participant is told by e-mail."""
    reason = (reason or "").strip()
    registration = _locked_registration(actor, event, registration_id)
    try:
        _refuse_before_the_end(event, before_the_end)
        verdict = _check_issuable(registration, reason)
        certificate = _issue(actor, registration, settings_of(event), verdict, reason)
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    return certificate


def start_issuing_to_all_eligible(actor, event: Event, before_the_end: bool = False) -> jobs.Started:
    """Queue the issuing of a certificate to every eligible confirmed registration without one (before
    the event's end only when ``before_the_end`` confirms it); the worker issues them and tells each
    participant. While it runs, a second click returns the same job."""
    if not security.can_issue_certificates(actor, event):
        raise Forbidden(_l("Only the event's organisers issue its certificates."))
    _refuse_before_the_end(event, before_the_end)
    return jobs.start(issue_certificates, event, actor)


def _eligible_without_certificate(job: Job) -> list[int]:
    event = db.session.get(Event, job.event_id)
    verdicts = eligibility(event)
    holding = set(
        db.session.scalars(
            db.select(Certificate.registration_id)
            .join(Registration)
            .where(Registration.event_id == event.id, Certificate.revoked_at.is_(None))
        )
    )
    confirmed = db.session.scalars(
        db.select(Registration.id)
        .where(Registration.event_id == event.id, Registration.state == State.CONFIRMED)
        .order_by(Registration.id)
    )
    return [rid for rid in confirmed if rid not in holding and verdicts.get(rid) is not None and verdicts[rid].eligible]


@jobs.kind(_l("Issuing certificates to everyone eligible"), _eligible_without_certificate, page="certificates.manage")
def issue_certificates(job: Job, registration_id: int) -> None:
    """Issue unless the registration has a valid certificate by now (issued by hand meanwhile, or by
    an earlier run of this job); DomainError when it is no longer confirmed or eligible."""
    registration = db.session.scalar(
        db.select(Registration).where(Registration.id == registration_id).with_for_update()
    )
    if registration is None:
        raise DomainError(_l("A registration was deleted before its certificate was issued."))
    if _valid_certificate(registration.id) is not None:
        return
    _refuse_unless_confirmed(registration)
    verdict = eligibility_of(registration)
    if not verdict.eligible:
        raise DomainError(
            _l("%(name)s is no longer eligible (%(why)s).", name=registration.full_name, why=verdict.reason)
        )
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    _issue(actor, registration, settings_of(registration.event), verdict, "")


def issuing_job(event: Event) -> Job | None:
    """The latest run of "issue to all eligible", for the organisers' page."""
    return jobs.latest(issue_certificates, event)


def revoke(actor, event: Event, certificate_id: int, reason: str) -> Certificate:
    """Revoke a valid certificate; the reason is required and kept."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Write why the certificate is revoked."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_l("Keep the reason under %(count)d characters.", count=REASON_MAX), field="reason")
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.registration.event_id != event.id:
        if not security.can_issue_certificates(actor, event):
            raise Forbidden(_l("Only the event's organisers issue its certificates."))
        raise UnknownCertificate(certificate_id)
    _locked_registration(actor, event, certificate.registration_id)
    certificate = db.session.get(Certificate, certificate_id, populate_existing=True)
    if not certificate.valid:
        db.session.rollback()
        raise DomainError(_l("This certificate is already revoked."))
    certificate.revoked_at, certificate.revoked_by_id, certificate.revoke_reason = utcnow(), actor.id, reason
    _tell_revoked(certificate)
    db.session.commit()
    return certificate


def reissue(actor, event: Event, certificate_id: int) -> Certificate:
    """Replace a valid certificate with a new one (new code; the holder's name and figures, the event
    and the letterhead as they are now), e.g. after a name was corrected. The old one is revoked,
    saying so: who re-issued and when are the old one's revocation and the new one's issue."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.registration.event_id != event.id:
        if not security.can_issue_certificates(actor, event):
            raise Forbidden(_l("Only the event's organisers issue its certificates."))
        raise UnknownCertificate(certificate_id)
    registration = _locked_registration(actor, event, certificate.registration_id)
    certificate = db.session.get(Certificate, certificate_id, populate_existing=True)
    if not certificate.valid:
        db.session.rollback()
        raise DomainError(_l("This certificate is revoked: issue a new one instead."))
    certificate.revoked_at, certificate.revoked_by_id = utcnow(), actor.id
    certificate.revoke_reason = "Replaced by a new certificate."
    db.session.flush()
    try:
        verdict = _check_issuable(registration, certificate.override_reason)
        new = _issue(actor, registration, settings_of(event), verdict, certificate.override_reason)
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    return new


def _tell(registration: Registration, certificate: Certificate) -> None:
    """E-mail the holder after the commit: their certificate is ready, with the link. A training
    course's is a certificate of completion."""
    completion = registration.event.ends_in_completion
    subject = (
        _l("Your certificate of completion for %(event)s", event=registration.event.title)
        if completion
        else _l("Your certificate of attendance for %(event)s", event=registration.event.title)
    )
    mail.queue_to_participant(
        registration,
        "certificate_issued",
        subject,
        completion=completion,
        link=external_url("certificates.download", certificate_id=certificate.id),
        code=certificate.code_for_reading,
        verify_link=external_url("certificates.verify", code=certificate.code),
    )


def _tell_revoked(certificate: Certificate) -> None:
    """E-mail the holder, in their language, that their certificate is no longer valid, and why."""
    registration = certificate.registration
    mail.queue_to_participant(
        registration,
        "certificate_revoked",
        _l("Your certificate for %(event)s is revoked", event=registration.event.title),
        completion=certificate.issued_as.completion,
        code=certificate.code_for_reading,
        reason=certificate.revoke_reason,
        verify_link=external_url("certificates.verify", code=certificate.code),
    )


# --- participants -----------------------------------------------------------------------------


def valid_certificate_id(registration_id):
    """A column for a statement about registrations: the id of the registration's valid
    certificate, or NULL."""
    return (
        db.select(Certificate.id)
        .where(Certificate.registration_id == registration_id, Certificate.revoked_at.is_(None))
        .limit(1)
        .scalar_subquery()
    )


def certificate_to_download(actor, certificate_id: int) -> Certificate:
    """A valid certificate the actor holds, or one of an event they organise.
    UnknownCertificate for anyone else (the page answers 404: nothing is told about others)."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not security.can_download_certificate(actor, certificate):
        raise UnknownCertificate(certificate_id)
    return certificate


# --- verification -----------------------------------------------------------------------------


def normalise_code(typed: str) -> str:
    """What a person typed, as a code: without spaces and dashes, in capitals; MalformedCode
    when it cannot be one."""
    code = re.sub(r"[\s\-]", "", typed or "").upper()
    if not CODE_PATTERN.fullmatch(code):
        raise MalformedCode(
            _l(
                "This is not a certificate code: a code has 20 characters, digits and the letters A to F, e.g. "
                "3F9A-0C1B-77D2-E845-B0A6."
            ),
            field="code",
        )
    return code


@dataclass(frozen=True)
class Verification:
    """What anybody may learn from a code: nothing else about the person."""

    valid: bool
    revoked_at: datetime | None
    holder_name: str
    holder_native_name: str
    event_title: str
    event: Event
    issued_at: datetime
    issuers: list[str]
    code: str
    completion: bool  # a certificate of completion (a training course's), not of attendance
    holder_removed: str | None = None  # why the holder's name is no longer kept (``privacy.models.Anonymisation``)


def verify(typed: str) -> Verification:
    """MalformedCode, or UnknownCertificate, or what the certificate says."""
    code = normalise_code(typed)
    certificate = db.session.scalar(db.select(Certificate).where(Certificate.code == code))
    if certificate is None:
        raise UnknownCertificate(code)
    signed = certificate.issued_as
    return Verification(
        valid=certificate.valid,
        revoked_at=certificate.revoked_at,
        holder_name=certificate.holder_name,
        holder_native_name=certificate.holder_native_name,
        event_title=signed.title,
        event=certificate.registration.event,
        issued_at=certificate.issued_at,
        issuers=list(signed.issuers),
        code=certificate.code_for_reading,
        completion=signed.completion,
        holder_removed=why_holder_removed(certificate),
    )


def why_holder_removed(certificate: Certificate) -> str | None:
    from ..privacy.anonymising import anonymisation_of  # the privacy package reads certificates as it loads

    because = anonymisation_of(certificate.registration_id)
    return because.value if because is not None else None
