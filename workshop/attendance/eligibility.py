"""Who may receive a certificate: the event's rule applied to the attendance recorded.

A rule (``CertificateRule``) asks for a share of the programme's time slots (``min_percent``), a
number of hours (``min_hours``), or both, and then both must hold. An event without a rule, or whose
rule has neither value, has nobody eligible yet, and every answer says so.

Time slots (``time_slots``): the sessions that count for attendance, where sessions that overlap in
time (parallel tracks) are merged into one slot. A participant is present in a slot when marked
present at any of its sessions; marks at two parallel sessions count once, and so does overlapping
time for hours. A programme without parallel sessions has one slot per session, so the share is the
share of sessions, as it always was.

What counts is what ``statistics`` counts: confirmed registrations, present marks, sessions that
count for attendance and are not cancelled (in the denominator and the numerator alike); arrival is
not a session.

For certificates and any other reader:

- ``eligibility(event)`` -> ``{registration_id: Eligibility}`` for every confirmed registration;
  four queries whatever the size of the event.
- ``eligibility_of(registration)`` -> ``Eligibility`` of one registration (any state: one that is not
  confirmed is not eligible, and says why).

An ``Eligibility`` holds the figures and the rule; ``eligible`` is the verdict, ``reasons`` the
phrases that explain it ("present in 6 of 10 time slots (60 %), 8 needed") and ``standing`` both in
one sentence ("Not eligible: present in 6 of 10 time slots (60 %), 8 needed"), translated when shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from .. import security
from ..database import lock_for_update
from ..errors import DomainError, Forbidden
from ..events.models import Event
from ..extensions import db
from ..registration.models import Registration
from ..registration.states import State
from ..timeutil import utcnow
from .models import CertificateRule
from .statistics import (
    EventAttendance,
    counting_sessions,
    event_attendance,
    hours_label,
    participant_figures,
    present_slots,
    programme_of,
)

MAX_PERCENT = 100


@dataclass(frozen=True)
class Rule:
    """The values of an event's rule; at least one is set."""

    min_percent: int | None = None
    min_hours: float | None = None


@dataclass(frozen=True)
class Eligibility:
    """One registration measured against its event's rule."""

    registration_id: int
    confirmed: bool
    rule: Rule | None  # None: the event has no rule yet
    sessions_attended: int
    sessions_counted: int
    seconds_attended: int  # overlapping sessions' time counted once
    seconds_counted: int  # the time the programme's slots cover
    slots_attended: int
    slots_counted: int

    @property
    def hours_attended(self) -> float:
        return self.seconds_attended / 3600

    @property
    def hours_counted(self) -> float:
        return self.seconds_counted / 3600

    @property
    def percent_attended(self) -> int:
        """Of the time slots; rounded down, so that 79.9 % never reads as 80 %."""
        return self.slots_attended * 100 // self.slots_counted if self.slots_counted else 0

    @property
    def slots_needed(self) -> int | None:
        """The fewest time slots that meet the rule's share; None when it asks for no share."""
        if self.rule is None or self.rule.min_percent is None:
            return None
        return -(-self.rule.min_percent * self.slots_counted // 100)

    @property
    def meets_percent(self) -> bool | None:
        """None when the rule asks for no share of time slots."""
        needed = self.slots_needed
        if needed is None:
            return None
        return self.slots_counted > 0 and self.slots_attended >= needed

    @property
    def meets_hours(self) -> bool | None:
        """None when the rule asks for no hours."""
        if self.rule is None or self.rule.min_hours is None:
            return None
        return self.seconds_attended >= round(self.rule.min_hours * 3600)

    @property
    def eligible(self) -> bool:
        if not self.confirmed or self.rule is None:
            return False
        return all(met is not False for met in (self.meets_percent, self.meets_hours))

    @property
    def reasons(self) -> list:
        """The phrases that explain the verdict, one per condition of the rule (lazy, translated when shown)."""
        if not self.confirmed:
            return [_l("not confirmed")]
        if self.rule is None:
            return [_l("no certificate rule is set for this event yet")]
        reasons = []
        if self.rule.min_percent is not None:
            reasons.append(self.share_reason())
        if self.rule.min_hours is not None:
            attended, needed = hours_label(self.hours_attended), hours_label(self.rule.min_hours)
            if self.meets_hours:
                reasons.append(_l("%(attended)s h attended; %(needed)s h needed", attended=attended, needed=needed))
            else:
                reasons.append(_l("%(attended)s h of %(needed)s h needed", attended=attended, needed=needed))
        return reasons

    def share_reason(self):
        if self.slots_counted == 0:
            return _l("no session counts for attendance yet")
        figures = {"attended": self.slots_attended, "total": self.slots_counted, "percent": self.percent_attended}
        if self.meets_percent:
            return _l("present in %(attended)d of %(total)d time slots (%(percent)d %%)", **figures)
        return _l(
            "present in %(attended)d of %(total)d time slots (%(percent)d %%), %(needed)d needed",
            needed=self.slots_needed,
            **figures,
        )

    @property
    def reason(self) -> str:
        return " · ".join(str(reason) for reason in self.reasons)

    @property
    def rule_text(self):
        """The rule in words (lazy); None without a rule."""
        return describe_rule(self.rule)

    @property
    def standing(self):
        """The verdict with its reason, in one sentence (lazy)."""
        if self.eligible:
            return _l("Eligible: %(reason)s", reason=self.reason)
        return _l("Not eligible: %(reason)s", reason=self.reason)


def describe_rule(rule: Rule | None):
    """The rule in one sentence, for organisers and participants (lazy); None without a rule."""
    if rule is None:
        return None
    if rule.min_percent is not None and rule.min_hours is not None:
        return _l(
            "Present in at least %(percent)d %% of the programme's time slots, and for at least %(hours)s hours in "
            "all.",
            percent=rule.min_percent,
            hours=hours_label(rule.min_hours),
        )
    if rule.min_percent is not None:
        return _l("Present in at least %(percent)d %% of the programme's time slots.", percent=rule.min_percent)
    return _l("Present for at least %(hours)s hours of the programme's time slots.", hours=hours_label(rule.min_hours))


TIME_SLOTS_EXPLAINED = _l(
    "Sessions that run at the same time (parallel tracks) form one time slot: a participant present at any of them "
    "is present in that slot, and being at two of them counts once. Hours spent in overlapping sessions count once "
    "too."
)


# --- reading ---------------------------------------------------------------------------------


def rule_of(event_id: int) -> Rule | None:
    """The event's rule, or None when it has none (or one with neither value)."""
    row = db.session.scalar(db.select(CertificateRule).where(CertificateRule.event_id == event_id))
    if row is None or (row.min_percent is None and row.min_hours is None):
        return None
    return Rule(row.min_percent, row.min_hours)


def judge_all(rule: Rule | None, attendance: EventAttendance) -> dict[int, Eligibility]:
    """Every confirmed participant of ``attendance`` against ``rule``; no queries."""
    counted, slots, total = len(attendance.sessions), len(attendance.slots), attendance.total_seconds
    return {
        p.registration.id: Eligibility(
            p.registration.id, True, rule, p.sessions_attended, counted, p.seconds, total, p.slots_attended, slots
        )
        for p in attendance.participants
    }


def eligibility(event: Event) -> dict[int, Eligibility]:
    """registration id -> Eligibility, for every confirmed registration of ``event``."""
    return judge_all(rule_of(event.id), event_attendance(event))


def eligibility_of(registration: Registration) -> Eligibility:
    """The Eligibility of one registration, whatever its state."""
    rule = rule_of(registration.event_id)
    programme = programme_of(counting_sessions(registration.event_id))
    confirmed = registration.state is State.CONFIRMED
    marks = present_slots(registration.event_id, registration.id).get(registration.id, set()) if confirmed else set()
    figures = participant_figures(registration, marks, programme)
    return Eligibility(
        registration.id,
        confirmed,
        rule,
        figures.sessions_attended,
        len(programme.sessions),
        figures.seconds,
        programme.total_seconds,
        figures.slots_attended,
        len(programme.slots),
    )


@dataclass(frozen=True)
class ParticipantView:
    """What a participant is shown on their own registration page."""

    eligibility: Eligibility
    rule_text: object
    finished: bool  # the event is over: the verdict is final


def for_participant(registration: Registration, now: datetime | None = None) -> ParticipantView | None:
    """A confirmed registration of an event that has a rule and has started; None otherwise
    (nothing is shown)."""
    now = now or utcnow()
    event = registration.event
    if registration.state is not State.CONFIRMED or event.starts_at > now:
        return None
    verdict = eligibility_of(registration)
    if verdict.rule is None:
        return None
    return ParticipantView(verdict, describe_rule(verdict.rule), event.ends_at <= now)


# --- the rule ---------------------------------------------------------------------------------


def set_rule(actor, event: Event, min_percent: int | None, min_hours: float | None) -> Rule | None:
    """Set the event's rule (organisers only). Neither value: the rule is removed and nobody is
    eligible. Bad values raise DomainError (with the field) and change nothing."""
    if not security.can_manage_event(actor, event):
        raise Forbidden(_l("Only the event's organisers can set the certificate rule."))
    if min_percent is not None and not 1 <= min_percent <= MAX_PERCENT:
        raise DomainError(_l("Type a whole number from 1 to 100."), field="min_percent")
    if min_hours is not None:
        min_hours = round(float(min_hours), 2)
        if min_hours <= 0:
            raise DomainError(_l("Type a number of hours greater than 0."), field="min_hours")
        total = programme_of(counting_sessions(event.id)).total_seconds / 3600
        if total == 0:
            raise DomainError(
                _l(
                    "No session counts for attendance yet, so no hours can be asked for. Add sessions to the agenda, "
                    "or ask for a share of time slots."
                ),
                field="min_hours",
            )
        if min_hours > round(total, 2):
            raise DomainError(
                _l(
                    "The programme's time slots add up to %(total)s hours: ask for no more than that.",
                    total=hours_label(total),
                ),
                field="min_hours",
            )
    event = lock_for_update(Event, event.id)  # two organisers saving at once: one after the other
    row = db.session.scalar(db.select(CertificateRule).where(CertificateRule.event_id == event.id))
    if min_percent is None and min_hours is None:
        if row is not None:
            db.session.delete(row)
        db.session.commit()
        return None
    if row is None:
        row = CertificateRule(event_id=event.id)
        db.session.add(row)
    row.min_percent, row.min_hours = min_percent, min_hours
    db.session.commit()
    return Rule(min_percent, min_hours)
