"""Who a message goes to: the event's registrations that pass every filter chosen, and, when rows
were ticked in the list of registrations, only those."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_
from sqlalchemy.orm import selectinload

from ..attendance.eligibility import eligibility
from ..attendance.models import Attendance
from ..events.models import Event
from ..extensions import db
from ..feedback.models import EvaluationSubmission
from ..letters.models import LetterRequest, LetterStatus
from ..privacy.models import AnonymisedRegistration
from ..registration.models import OrganisationType, Registration
from ..registration.states import State

ATTENDED, NEVER = "attended", "never"
ELIGIBLE, NOT_ELIGIBLE = "eligible", "not_eligible"
REQUESTED, APPROVED, NO_LETTER = "requested", "approved", "none"

ATTENDANCE_LABELS = {ATTENDED: _l("Present at least once"), NEVER: _l("Never recorded present")}
CERTIFICATE_LABELS = {ELIGIBLE: _l("Eligible for a certificate"), NOT_ELIGIBLE: _l("Not eligible for a certificate")}
VISA_LABELS = {
    REQUESTED: _l("Asked for a visa letter, not approved yet"),
    APPROVED: _l("Visa letter approved"),
    NO_LETTER: _l("No visa letter asked for"),
}


@dataclass(frozen=True)
class Recipients:
    """The filters; an empty one lets everybody through."""

    states: tuple[State, ...] = ()
    country: str = ""
    organisation_type: OrganisationType | None = None
    attendance: str = ""
    certificate: str = ""
    visa_letter: str = ""
    evaluation_unanswered: bool = False
    selected: tuple[int, ...] | None = None  # the rows ticked in the list of registrations; None: not limited

    def to_json(self) -> str:
        values = asdict(self)
        values["states"] = [state.value for state in self.states]
        values["organisation_type"] = self.organisation_type.value if self.organisation_type else ""
        values["selected"] = None if self.selected is None else list(self.selected)
        return json.dumps(values)


def matching(event: Event, recipients: Recipients) -> list[Registration]:
    """The event's registrations that pass ``recipients``, by name, with their accounts loaded."""
    anonymised = db.select(AnonymisedRegistration.registration_id)  # nobody left to write to
    query = (
        db.select(Registration)
        .where(Registration.event_id == event.id, Registration.id.not_in(anonymised))
        .options(selectinload(Registration.user), selectinload(Registration.event))
        .order_by(Registration.full_name, Registration.id)
    )
    for condition in conditions(event, recipients):
        query = query.where(condition)
    registrations = list(db.session.scalars(query))
    if recipients.certificate:
        eligible = {rid for rid, verdict in eligibility(event).items() if verdict.eligible}
        wanted = recipients.certificate == ELIGIBLE
        registrations = [r for r in registrations if (r.id in eligible) == wanted]
    return registrations


def conditions(event: Event, recipients: Recipients) -> list:
    found = []
    if recipients.states:
        found.append(Registration.state.in_(recipients.states))
    if recipients.country:
        found.append(Registration.country == recipients.country)
    if recipients.organisation_type:
        found.append(Registration.organisation_type == recipients.organisation_type)
    if recipients.attendance:
        present = db.select(Attendance.registration_id).where(
            Attendance.event_id == event.id, Attendance.present.is_(True)
        )
        attended = Registration.id.in_(present)
        found.append(attended if recipients.attendance == ATTENDED else ~attended)
    if recipients.visa_letter:
        found.append(visa_condition(recipients.visa_letter))
    if recipients.evaluation_unanswered:
        answered = db.select(EvaluationSubmission.registration_id).where(EvaluationSubmission.event_id == event.id)
        found.append(Registration.id.not_in(answered))
    if recipients.selected is not None:
        found.append(Registration.id.in_(recipients.selected))
    return found


def visa_condition(choice: str):
    def with_letter(*statuses):
        letters = db.select(LetterRequest.registration_id)
        if statuses:
            letters = letters.where(LetterRequest.status.in_(statuses))
        return Registration.id.in_(letters)

    if choice == APPROVED:
        return with_letter(LetterStatus.APPROVED)
    asked = or_(Registration.visa_letter_needed.is_(True), with_letter())
    if choice == REQUESTED:
        return and_(asked, ~with_letter(LetterStatus.APPROVED, LetterStatus.REJECTED))
    return ~asked


def described(filters: dict) -> list[str]:
    """The filters a message was sent with, in words for its history (translated when called)."""
    from ..countries import country_names
    from ..registration.forms import ORGANISATION_TYPE_LABELS
    from ..registration.services import STATE_LABELS

    words = []
    states = [state for state in State if state.value in (filters.get("states") or [])]
    if states:
        words.append(_l("State: %(states)s", states=", ".join(str(STATE_LABELS[s]) for s in states)))
    if filters.get("country"):
        words.append(_l("Country: %(country)s", country=country_names().get(filters["country"], filters["country"])))
    organisation_type = next((t for t in OrganisationType if t.value == filters.get("organisation_type")), None)
    if organisation_type:
        words.append(_l("Type of organisation: %(type)s", type=ORGANISATION_TYPE_LABELS[organisation_type]))
    for key, labels in (
        ("attendance", ATTENDANCE_LABELS),
        ("certificate", CERTIFICATE_LABELS),
        ("visa_letter", VISA_LABELS),
    ):
        if filters.get(key) in labels:
            words.append(labels[filters[key]])
    if filters.get("evaluation_unanswered"):
        words.append(_l("Has not answered the evaluation yet"))
    if filters.get("selected") is not None:
        words.append(_l("Ticked in the list: %(count)d", count=len(filters["selected"])))
    return [str(word) for word in words] or [str(_l("Everybody registered"))]
