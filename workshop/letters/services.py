"""Visa invitation letters: a participant's passport details, the organisers' decision, what the
letters say the event is for, and the retention rule that erases passport details after the event.

A letter exists once an organiser approves the request; it is drawn from the passport details on
the request and from what the approval kept of the registration, the event and the letterhead
(``as_approved``), so later edits of those do not change it: editing the passport details sends the
request back for a new decision, and organisers re-approve a letter to take other changes in.
Nothing here reads the request.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from huey import crontab
from sqlalchemy import bindparam, exists

from .. import mail, security
from ..audit.recording import SYSTEM, acting_as
from ..countries import is_country
from ..database import lock_for_update
from ..errors import DomainError, Forbidden, NotFound
from ..events.models import Event
from ..extensions import db
from ..jobs.queue import periodic
from ..language_of_parts import HAN
from ..letterhead import services as letterheads
from ..letterhead.services import ImageUpload, LetterheadData
from ..notices import services as notices
from ..registration.models import Registration
from ..registration.states import State
from ..timeutil import last_local_day, utc_to_local, utcnow
from ..urls import external_url
from . import as_approved
from .as_approved import LETTER_IMAGE_SLOTS, organisation_of, settings_of  # noqa: F401  (the views' and pdf's)
from .models import LetterRequest, LetterSettings, LetterStatus

REASON_MAX = 1000
PASSPORT_NUMBER = re.compile(r"[A-Z0-9]{5,20}")


class UnknownLetter(NotFound):
    """No such request, or the person may not see it (the page answers 404)."""


class DetailsErased(DomainError):
    """The retention rule erased the passport details: no letter any more, no new details."""


class InvalidDetails(DomainError):
    """Several things to fix at once, each by its field."""

    def __init__(self, problems: list[DomainError]):
        super().__init__(problems[0].message, problems[0].field)
        self.problems = problems


# --- passport details -------------------------------------------------------------------------


@dataclass(frozen=True)
class PassportDetails:
    passport_name: str = ""
    passport_number: str = ""
    nationality: str = ""
    date_of_birth: date | None = None
    passport_issued_on: date | None = None
    passport_expires_on: date | None = None
    issuing_authority: str = ""
    consulate: str = ""


DETAIL_FIELDS = tuple(field.name for field in fields(PassportDetails))


def event_end_date(event: Event) -> date:
    """The event's last day, in its own time zone."""
    return last_local_day(event.starts_at, event.ends_at, event.timezone)


def clean_details(details: PassportDetails) -> PassportDetails:
    """Spaces trimmed; the passport number without spaces and in capitals, as consulates write it."""
    return PassportDetails(
        passport_name=" ".join((details.passport_name or "").split()),
        passport_number=re.sub(r"[\s-]", "", details.passport_number or "").upper(),
        nationality=(details.nationality or "").strip().upper(),
        date_of_birth=details.date_of_birth,
        passport_issued_on=details.passport_issued_on,
        passport_expires_on=details.passport_expires_on,
        issuing_authority=" ".join((details.issuing_authority or "").split()),
        consulate=" ".join((details.consulate or "").split()),
    )


# The letter is in English: what it prints of the participant's entries must be in Latin letters.
LATIN_FIELDS = ("passport_name", "issuing_authority", "consulate")
IN_LATIN_LETTERS = _l(
    "The letter is in English: write this in Latin letters (English or pinyin), not in Chinese characters."
)


def add_months(day: date, months: int) -> date:
    """``day`` so many months later; the month's last day when it has no such day (31 August + 6: 28 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def passport_valid_until(event: Event, months: int | None = None) -> date:
    """The day until which a passport must at least be valid: ``months`` (the event's rule when
    None) after the event's last day."""
    if months is None:
        months = settings_of(event).passport_months
    return add_months(event_end_date(event), months)


def passport_too_short(details, event: Event, months: int | None = None) -> bool:
    """Whether ``details`` (a request or PassportDetails) name a passport expiring before the event's rule allows."""
    expires = details.passport_expires_on
    return expires is not None and expires < passport_valid_until(event, months)


def passport_rule_problem(event: Event, months: int) -> DomainError:
    return DomainError(
        _l(
            "Your passport must be valid until at least %(date)s (the event ends on %(end)s). Renew it first: a "
            "visa cannot be issued on it.",
            date=passport_valid_until(event, months).isoformat(),
            end=event_end_date(event).isoformat(),
        ),
        field="passport_expires_on",
    )


def problems_with(details: PassportDetails, event: Event, today: date, months: int | None = None) -> list[DomainError]:
    """Everything wrong with ``details`` (already cleaned), each by its field; empty when all is well.
    ``months``: the event's rule of passport validity (read when None)."""
    months = settings_of(event).passport_months if months is None else months
    problems = []
    required = {
        "passport_name": _l("Write your name exactly as it is printed in your passport."),
        "passport_number": _l("Write your passport number."),
        "nationality": _l("Choose your nationality from the list."),
        "date_of_birth": _l("Give your date of birth."),
        "passport_issued_on": _l("Give the date your passport was issued."),
        "passport_expires_on": _l("Give the date your passport expires."),
        "issuing_authority": _l("Write the authority that issued your passport, as printed in it."),
        "consulate": _l("Write the embassy or consulate where you apply for the visa."),
    }
    for name, message in required.items():
        if not getattr(details, name):
            problems.append(DomainError(message, field=name))
    if details.passport_number and not PASSPORT_NUMBER.fullmatch(details.passport_number):
        problems.append(
            DomainError(
                _l("A passport number has 5 to 20 letters and digits only, e.g. E12345678."), field="passport_number"
            )
        )
    if details.nationality and not is_country(details.nationality):
        problems.append(DomainError(_l("Choose your nationality from the list."), field="nationality"))
    if details.date_of_birth and details.date_of_birth >= today:
        problems.append(DomainError(_l("The date of birth must be in the past."), field="date_of_birth"))
    if details.passport_issued_on and details.passport_issued_on > today:
        problems.append(DomainError(_l("The issue date cannot be in the future."), field="passport_issued_on"))
    if (
        details.passport_issued_on
        and details.passport_expires_on
        and details.passport_expires_on <= details.passport_issued_on
    ):
        problems.append(DomainError(_l("The expiry date must come after the issue date."), field="passport_expires_on"))
    elif passport_too_short(details, event, months):
        problems.append(passport_rule_problem(event, months))
    for name in LATIN_FIELDS:
        if HAN.search(getattr(details, name)):
            problems.append(DomainError(IN_LATIN_LETTERS, field=name))
    for name, limit in (("passport_name", 200), ("issuing_authority", 200), ("consulate", 200)):
        if len(getattr(details, name)) > limit:
            problems.append(DomainError(_l("Keep this under %(count)d characters.", count=limit), field=name))
    return problems


def missing_details(letter: LetterRequest) -> list[str]:
    """The names of the passport fields still empty."""
    return [name for name in DETAIL_FIELDS if not getattr(letter, name)]


def request_of(registration: Registration) -> LetterRequest | None:
    return db.session.scalar(db.select(LetterRequest).where(LetterRequest.registration_id == registration.id))


def has_request(registration_id):
    """A column for a statement about registrations: whether the registration has a visa letter request."""
    return exists().where(LetterRequest.registration_id == registration_id)


REQUESTS_OF = db.select(LetterRequest).where(
    LetterRequest.registration_id.in_(bindparam("ids", expanding=True))
)  # built once for "My registrations"


def own_requests(actor, registrations: list[Registration]) -> dict[int, LetterRequest]:
    """For "My registrations": the actor's own requests for ``registrations``, by registration id, in one query."""
    own = [r.id for r in registrations if security.is_signed_in(actor) and r.user_id == actor.id]
    if not own:
        return {}
    requests = db.session.scalars(REQUESTS_OF, {"ids": own})
    return {request.registration_id: request for request in requests}


def save_details(actor, registration_id: int, details: PassportDetails, today: date | None = None) -> LetterRequest:
    """Create or change the request of the actor's own registration. Changing the details of an
    approved or rejected request sends it back to the organisers. Forbidden unless
    ``security.can_request_letter``; InvalidDetails (nothing changed) when something is wrong;
    DetailsErased after the retention rule ran."""
    registration = lock_for_update(Registration, registration_id)
    if registration is None or not security.can_request_letter(actor, registration):
        db.session.rollback()
        raise Forbidden(_l("Only a confirmed participant who asked for a visa letter can request one."))
    letter = request_of(registration)
    if letter is not None and letter.details_erased_at is not None:
        db.session.rollback()
        raise DetailsErased(
            _l(
                "The passport details of this request were erased after the event, as our privacy rule requires; they "
                "cannot be entered again."
            )
        )
    details = clean_details(details)
    problems = problems_with(
        details, registration.event, today or utc_to_local(utcnow(), registration.event.timezone).date()
    )
    if problems:
        db.session.rollback()
        raise InvalidDetails(problems)
    new_request = letter is None
    if new_request:
        letter = LetterRequest(registration_id=registration.id, registration=registration)
        db.session.add(letter)
    changed = any(getattr(letter, name) != getattr(details, name) for name in DETAIL_FIELDS)
    for name in DETAIL_FIELDS:
        setattr(letter, name, getattr(details, name))
    asked_again = changed and letter.status is not LetterStatus.REQUESTED
    if asked_again:
        letter.status = LetterStatus.REQUESTED  # the letter must match the passport: decided again
        letter.decided_at, letter.decided_by_id, letter.decision_note = None, None, ""
    if new_request or asked_again:
        db.session.flush()
        notices.visa_letter_requested(letter)
    db.session.commit()
    return letter


# --- the organisers' decision -----------------------------------------------------------------


def requests_of(actor, event: Event) -> list[LetterRequest]:
    """Every request of the event, waiting ones first, then by name (organisers only)."""
    if not security.can_decide_letters(actor, event):
        raise Forbidden(_l("Only the event's organisers see its visa letter requests."))
    waiting_first = db.case((LetterRequest.status == LetterStatus.REQUESTED, 0), else_=1)
    return db.session.scalars(
        db.select(LetterRequest)
        .join(Registration)
        .where(Registration.event_id == event.id)
        .order_by(waiting_first, db.func.lower(Registration.full_name), LetterRequest.id)
    ).all()


def awaiting_details(actor, event: Event) -> list[Registration]:
    """The confirmed registrations of the event that asked for a visa letter but whose passport details
    the participant has not entered yet, by name (organisers only)."""
    if not security.can_decide_letters(actor, event):
        raise Forbidden(_l("Only the event's organisers see its visa letter requests."))
    entered = db.select(LetterRequest.registration_id)
    return db.session.scalars(
        db.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.state == State.CONFIRMED,
            Registration.visa_letter_needed.is_(True),
            Registration.id.not_in(entered),
        )
        .order_by(db.func.lower(Registration.full_name), Registration.id)
    ).all()


def passports_too_short(event: Event, letters: list[LetterRequest]) -> set[int]:
    """The ids of ``letters`` whose passport expires before the event's rule allows (the rule may have
    changed since the details were entered)."""
    months = settings_of(event).passport_months
    return {
        letter.id
        for letter in letters
        if letter.details_erased_at is None and passport_too_short(letter, event, months)
    }


def _locked_request(actor, event: Event, letter_id: int) -> LetterRequest:
    """The request ``letter_id`` of ``event``, with the event's row locked (references are numbered
    one after the other under that lock)."""
    if not security.can_decide_letters(actor, event):
        raise Forbidden(_l("Only the event's organisers decide on visa letters."))
    lock_for_update(Event, event.id)
    letter = db.session.get(LetterRequest, letter_id, populate_existing=True)
    if letter is None or letter.registration.event_id != event.id:
        db.session.rollback()
        raise UnknownLetter(letter_id)
    return letter


def default_prefix(event: Event) -> str:
    """A prefix made from the event when its organisers set none, e.g. SDW2026 for social-dialogue-workshop
    in 2026: the initials of the slug's words (the word itself, shortened, when there is one), and the year."""
    words = [word for word in re.split(r"[^A-Za-z]+", event.slug) if word]
    letters = "".join(word[0] for word in words) if len(words) > 1 else "".join(words)
    return f"{(letters[:8] or 'EVT').upper()}{event.starts_at.year}"


def reference_prefix(event: Event) -> str:
    """What starts the references of the event's letters: as its organisers set it, else ``default_prefix``."""
    return settings_of(event).reference_prefix or default_prefix(event)


def next_reference(event: Event) -> str:
    """The next free reference of the event, e.g. EVT2026-V-0007 (call with the event's row locked, so
    that two approvals at once take one number each). The number follows the highest the event's
    letters have, whatever their prefix: no number is given twice."""
    taken = db.session.scalars(
        db.select(LetterRequest.reference)
        .join(Registration)
        .where(Registration.event_id == event.id, LetterRequest.reference != "")
    ).all()
    numbers = [int(ref.rsplit("-", 1)[1]) for ref in taken if ref.rsplit("-", 1)[-1].isdigit()]
    return f"{reference_prefix(event)}-V-{max(numbers, default=0) + 1:04d}"


def approve(actor, event: Event, letter_id: int) -> LetterRequest:
    """Approve a request with complete passport details; it gets the event's next reference (kept
    when it had one before), the letter is kept as it is now (``as_approved``) and the participant
    is told by e-mail."""
    letter = _locked_request(actor, event, letter_id)
    if letter.status is LetterStatus.APPROVED:
        db.session.rollback()
        raise DomainError(_l("The letter of %(name)s is approved already.", name=letter.registration.full_name))
    return _approve(actor, event, letter)


def reapprove(actor, event: Event, letter_id: int) -> LetterRequest:
    """Approve an approved letter again, after a change since its approval: it is drawn anew with
    the values of now, under its reference; the decision's date and author become the re-approval's,
    and the participant is told by e-mail."""
    letter = _locked_request(actor, event, letter_id)
    if letter.status is not LetterStatus.APPROVED:
        db.session.rollback()
        raise DomainError(
            _l("The letter of %(name)s is not approved: approve it instead.", name=letter.registration.full_name)
        )
    return _approve(actor, event, letter)


def _approve(actor, event: Event, letter: LetterRequest) -> LetterRequest:
    registration = letter.registration
    problem = None
    if letter.details_erased_at is not None:
        problem = _l(
            "The passport details of %(name)s were erased after the event: nothing can be approved.",
            name=registration.full_name,
        )
    elif registration.state is not State.CONFIRMED:
        problem = _l(
            "The registration of %(name)s is no longer confirmed: no letter can be approved.",
            name=registration.full_name,
        )
    elif missing_details(letter):
        problem = _l(
            "The passport details of %(name)s are incomplete: ask them to complete them before the letter is approved.",
            name=registration.full_name,
        )
    else:
        try:
            letter.approved_as_json = as_approved.sign(letter).to_json()
        except letterheads.ImageMissing as gone:
            problem = _l(
                "No letter can be approved: the file of %(image)s is missing on the server. Upload it again in the "
                "letterhead settings.",
                image=gone.name,
            )
    if problem is not None:
        db.session.rollback()
        raise DomainError(problem)
    letter.reference = letter.reference or next_reference(event)
    return _decide(actor, letter, LetterStatus.APPROVED, "", external_url("letters.download", letter_id=letter.id))


def changed_since_approval(event: Event, letters: list[LetterRequest]) -> set[int]:
    """The ids of the approved ``letters`` of ``event`` that a new approval would draw differently."""
    letterhead = letterheads.letterhead_of(event)
    images = as_approved.current_images(letterhead)
    return {
        letter.id
        for letter in letters
        if letter.status is LetterStatus.APPROVED
        and as_approved.approved_as(letter) != as_approved.letter_as_it_is(letter, letterhead, images)
    }


def reject(actor, event: Event, letter_id: int, reason: str) -> LetterRequest:
    """Reject a request with the reason the participant will read."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Write why the letter is refused: the participant reads it."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_l("Keep the reason under %(count)d characters.", count=REASON_MAX), field="reason")
    letter = _locked_request(actor, event, letter_id)
    if letter.status is LetterStatus.REJECTED:
        db.session.rollback()
        raise DomainError(_l("This request is refused already."))
    link = external_url("letters.request", registration_id=letter.registration_id)
    return _decide(actor, letter, LetterStatus.REJECTED, reason, link)


def _decide(actor, letter: LetterRequest, status: LetterStatus, note: str, link: str) -> LetterRequest:
    """Record the decision and commit; the participant is told by e-mail (``email/visa_letter_<status>``),
    with ``link`` to the letter or the request."""
    letter.status = status
    letter.decided_at, letter.decided_by_id, letter.decision_note = utcnow(), actor.id, note
    mail.queue_to_participant(
        letter.registration,
        f"visa_letter_{status.value}",
        _l("Your visa invitation letter for %(event)s", event=letter.registration.event.title),
        letter=letter,
        link=link,
    )
    db.session.commit()
    return letter


# --- downloading ------------------------------------------------------------------------------


def letter_to_download(actor, letter_id: int) -> LetterRequest:
    """An approved letter the actor may download (``security.can_download_letter``); UnknownLetter
    for anyone else, and when nothing is approved; DetailsErased when the retention rule ran."""
    letter = db.session.get(LetterRequest, letter_id)
    if letter is None or not security.can_download_letter(actor, letter) or letter.status is not LetterStatus.APPROVED:
        raise UnknownLetter(letter_id)
    if letter.details_erased_at is not None:
        raise DetailsErased(
            _l(
                "This letter can no longer be downloaded: the passport details it was made from were erased after the "
                "event, as our privacy rule requires."
            )
        )
    return letter


# --- retention --------------------------------------------------------------------------------


@periodic(crontab(minute="17"))
def erase_expired_passport_details_hourly() -> int:
    return erase_expired_passport_details()


def erase_expired_passport_details(now: datetime | None = None) -> int:
    """Empty the passport details of every request whose event ended more than
    ``PASSPORT_RETENTION_DAYS`` before ``now``; the request, its status and reference stay.
    Returns how many requests were erased. The audit log names the system, whoever's page ran it."""
    with acting_as(SYSTEM):
        return _erase_expired_passport_details(now)


def _erase_expired_passport_details(now: datetime | None) -> int:
    now = now or utcnow()
    cutoff = now - timedelta(days=int(current_app.config["PASSPORT_RETENTION_DAYS"]))
    expired = db.select(Registration.id).join(Event, Registration.event_id == Event.id).where(Event.ends_at < cutoff)
    letters = db.session.scalars(
        db.select(LetterRequest)
        .where(LetterRequest.details_erased_at.is_(None), LetterRequest.registration_id.in_(expired))
        .with_for_update()
    ).all()
    erased = PassportDetails()
    for letter in letters:
        for name in DETAIL_FIELDS:
            setattr(letter, name, getattr(erased, name))
        letter.details_erased_at = now
    db.session.commit()
    return len(letters)


# --- the letterhead and the rules of the event's letters --------------------------------------

PURPOSE_MAX = 3000
PASSPORT_MONTHS_MAX = 24  # consulates ask for 3 or 6 months, a few for 12
PREFIX_MAX = 20
PREFIX = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")


@dataclass(frozen=True)
class LetterRules:
    """What the organisers set for their event's letters besides the letterhead."""

    purpose: str = ""  # empty: the event's summary
    passport_months: int | None = as_approved.DEFAULT_PASSPORT_MONTHS
    reference_prefix: str = ""  # empty: ``default_prefix``


def clean_prefix(typed: str) -> str:
    """The prefix as typed, in capitals; DomainError unless it is made of letters A to Z, digits and
    single hyphens between them (a reference travels through consulates' systems)."""
    prefix = (typed or "").strip()
    if not prefix:
        return ""
    if not prefix.isascii() or not PREFIX.fullmatch(prefix.upper()):
        raise DomainError(
            _l("Use only the letters A to Z, digits and hyphens, without spaces, e.g. EVT2026."),
            field="reference_prefix",
        )
    if len(prefix) > PREFIX_MAX:
        raise DomainError(_l("Keep this under %(count)d characters.", count=PREFIX_MAX), field="reference_prefix")
    return prefix.upper()


def check_rules(rules: LetterRules) -> LetterRules:
    """``rules`` cleaned; DomainError by its field when one cannot be right."""
    if len(rules.purpose) > PURPOSE_MAX:
        raise DomainError(_l("Keep this under %(count)d characters.", count=PURPOSE_MAX), field="purpose")
    months = rules.passport_months
    if months is None or not 0 <= months <= PASSPORT_MONTHS_MAX:
        raise DomainError(
            _l("Give a number of months from 0 to %(most)d, e.g. 6.", most=PASSPORT_MONTHS_MAX),
            field="passport_months",
        )
    return LetterRules(rules.purpose.strip(), months, clean_prefix(rules.reference_prefix))


def save_settings(
    actor,
    event: Event,
    data: LetterheadData,
    rules: LetterRules,
    images: dict[str, ImageUpload | None] | None = None,
    remove: set[str] = frozenset(),
) -> LetterSettings:
    """Save the event's letterhead (``letterheads.save``) and the rules of its letters, together.
    Letters approved before keep their references."""
    if not security.can_decide_letters(actor, event):
        raise Forbidden(_l("Only the event's organisers set up its visa letters."))
    rules = check_rules(rules)

    def save_rules() -> None:
        row = db.session.scalar(db.select(LetterSettings).where(LetterSettings.event_id == event.id))
        if row is None:
            row = LetterSettings(event_id=event.id)
            db.session.add(row)
        row.purpose, row.passport_months, row.reference_prefix = (
            rules.purpose,
            rules.passport_months,
            rules.reference_prefix,
        )

    letterheads.save(event, data, images, remove, also=save_rules)
    return settings_of(event)
