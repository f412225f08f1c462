"""The evaluation of an event: its settings, opening and closing it, and the participants' answers.

Opening is allowed from the start of the event's last day, in the event's time zone. Each confirmed
participant answers once: the answer and the record that they answered (``EvaluationSubmission``,
unique per registration) are written in one transaction, so a second answer fails as a whole.
An anonymous answer keeps neither the registration nor the time of day. Nothing here reads the request.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists
from sqlalchemy.exc import IntegrityError

from .. import mail, security
from ..database import lock_for_update
from ..errors import DomainError, Forbidden
from ..events.models import Event
from ..extensions import db
from ..jobs import services as jobs
from ..jobs.models import Job
from ..questions.engine import language_problem
from ..registration.models import Registration
from ..registration.states import State
from ..timeutil import last_local_day, local_to_utc, utc_to_local, utcnow
from ..translated import Translated
from ..urls import external_url
from .answers import clean_answers
from .models import Evaluation, EvaluationResponse, EvaluationSubmission
from .questions import questions_of

INTRODUCTION_MAX = 10_000


class Unavailable(enum.Enum):
    """Why a person cannot answer the evaluation now."""

    NOT_REGISTERED = "not_registered"
    NOT_CONFIRMED = "not_confirmed"
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    ANSWERED = "answered"


UNAVAILABLE_MESSAGES = {
    Unavailable.NOT_REGISTERED: _l(
        "You are not registered for this event, so there is no evaluation for you to answer."
    ),
    Unavailable.NOT_CONFIRMED: _l(
        "Only participants with a confirmed place answer the evaluation, and your registration is not confirmed."
    ),
    Unavailable.NOT_OPEN: _l("The evaluation of this event is not open yet. We will send you an e-mail when it opens."),
    Unavailable.CLOSED: _l("The evaluation of this event is closed: answers are no longer accepted."),
    Unavailable.ANSWERED: _l("You have already answered the evaluation of this event. Thank you!"),
}


class CannotAnswer(DomainError):
    def __init__(self, reason: Unavailable):
        super().__init__(UNAVAILABLE_MESSAGES[reason])
        self.reason = reason


# --- reading ----------------------------------------------------------------------------------


def evaluation_of(event: Event) -> Evaluation:
    """The event's evaluation; a new one (anonymous, not open, not added to the session) when none is saved."""
    row = db.session.scalar(db.select(Evaluation).where(Evaluation.event_id == event.id))
    return row if row is not None else Evaluation(event_id=event.id, anonymous=True, introduction=Translated())


def answered_count(event: Event) -> int:
    return (
        db.session.scalar(
            db.select(db.func.count(EvaluationSubmission.id)).where(EvaluationSubmission.event_id == event.id)
        )
        or 0
    )


def has_answered(registration: Registration) -> bool:
    return db.session.scalar(
        db.select(
            db.exists().where(
                EvaluationSubmission.event_id == registration.event_id,
                EvaluationSubmission.registration_id == registration.id,
            )
        )
    )


def last_day(event: Event) -> date:
    """The event's last day in its own time zone (an event that ends at midnight ended the day before)."""
    return last_local_day(event.starts_at, event.ends_at, event.timezone)


def opens_from(event: Event) -> datetime:
    """The moment the evaluation may open: midnight starting the event's last day, in its time zone (as UTC)."""
    return local_to_utc(datetime.combine(last_day(event), time(0)), event.timezone)


def why_not_open(event: Event, now: datetime | None = None) -> str | None:
    """Why the organisers cannot open the evaluation now, or None when they can."""
    if (now or utcnow()) < opens_from(event):
        day = last_day(event).isoformat()
        return str(
            _l(
                "The evaluation can be opened from the start of the event's last day, %(day)s (%(zone)s).",
                day=day,
                zone=event.timezone,
            )
        )
    if not questions_of(event):
        return str(_l("Add at least one question before opening the evaluation."))
    return None


def participant_status(user, event: Event) -> Unavailable | None:
    """None when ``user`` may answer now; otherwise why not."""
    if not security.can_answer_evaluation(user, event):
        registered = security.is_signed_in(user) and db.session.scalar(
            db.select(Registration.id).where(
                Registration.event_id == event.id,
                Registration.user_id == user.id,
                Registration.state != State.CANCELLED,
            )
        )
        return Unavailable.NOT_CONFIRMED if registered else Unavailable.NOT_REGISTERED
    registration = _confirmed_registration(user, event)
    if has_answered(registration):
        return Unavailable.ANSWERED
    evaluation = evaluation_of(event)
    if evaluation.opened_at is None:
        return Unavailable.NOT_OPEN
    if not evaluation.is_open:
        return Unavailable.CLOSED
    return None


def evaluation_state_columns(registration) -> tuple:
    """Two columns for a statement about ``registration`` (the model or an alias): whether it
    answered its event's evaluation, and whether that evaluation is open now."""
    return (
        exists().where(EvaluationSubmission.registration_id == registration.id),
        exists().where(
            Evaluation.event_id == registration.event_id,
            Evaluation.opened_at.is_not(None),
            Evaluation.closed_at.is_(None),
        ),
    )


def evaluation_status(user, registration: Registration, answered: bool, evaluation_open: bool) -> str | None:
    """ "answered", "open" (the person may answer now) or None, from the two columns above: the
    user's confirmed registrations only. A confirmed registration of the user is what
    ``security.can_answer_evaluation`` asks of a public event."""
    if registration.user_id != getattr(user, "id", None) or registration.state is not State.CONFIRMED:
        return None
    if answered:
        return "answered"
    if evaluation_open and registration.event.is_public:
        return "open"
    return None


def _confirmed_registration(user, event: Event) -> Registration | None:
    return db.session.scalar(
        db.select(Registration).where(
            Registration.event_id == event.id, Registration.user_id == user.id, Registration.state == State.CONFIRMED
        )
    )


# --- organisers -------------------------------------------------------------------------------


def _require_builder(actor, event: Event) -> None:
    if not security.can_build_evaluation(actor, event):
        raise Forbidden(_l("Only the event's organisers build its evaluation."))


def _locked_evaluation(event: Event) -> Evaluation:
    """The event's evaluation, created if need be, with the event's row locked until the commit."""
    lock_for_update(Event, event.id)
    row = db.session.scalar(db.select(Evaluation).where(Evaluation.event_id == event.id))
    if row is None:
        row = Evaluation(event_id=event.id, anonymous=True, introduction=Translated())
        db.session.add(row)
    return row


def save_settings(actor, event: Event, introduction: Translated | str, anonymous: bool) -> Evaluation:
    """The introduction (Markdown, in every language) and whether answers are anonymous; the latter is
    fixed once anyone answered."""
    _require_builder(actor, event)
    introduction = Translated.of(introduction).strip()
    language_problem(introduction, INTRODUCTION_MAX, "introduction")
    evaluation = _locked_evaluation(event)
    if bool(anonymous) != evaluation.anonymous and answered_count(event):
        db.session.rollback()
        raise DomainError(
            _l("People have answered already, so whether answers are anonymous can no longer change."),
            field="anonymous",
        )
    evaluation.introduction = introduction
    evaluation.anonymous = bool(anonymous)
    db.session.commit()
    return evaluation


def open_evaluation(actor, event: Event, now: datetime | None = None) -> Job:
    """Open (or reopen) the evaluation; the worker then invites by e-mail the confirmed participants
    who have not answered (the job returned)."""
    _require_builder(actor, event)
    now = now or utcnow()
    evaluation = _locked_evaluation(event)
    refusal = why_not_open(event, now)
    if refusal is None and evaluation.is_open:
        refusal = str(_l("The evaluation is open already."))
    if refusal:
        db.session.rollback()
        raise DomainError(refusal)
    evaluation.opened_at, evaluation.closed_at = now, None
    job = jobs.add(invite_to_evaluation, event, actor)
    db.session.commit()
    return job


def _not_answered(job: Job) -> list[int]:
    answered = db.select(EvaluationSubmission.registration_id).where(EvaluationSubmission.event_id == job.event_id)
    return list(
        db.session.scalars(
            db.select(Registration.id)
            .where(
                Registration.event_id == job.event_id,
                Registration.state == State.CONFIRMED,
                Registration.id.not_in(answered),
            )
            .order_by(Registration.id)
        )
    )


@jobs.kind(_l("Inviting participants to the evaluation"), _not_answered, page="feedback.manage")
def invite_to_evaluation(job: Job, registration_id: int) -> None:
    """Invite unless they answered or left meanwhile, or the evaluation closed."""
    registration = db.session.get(Registration, registration_id)
    evaluation = db.session.scalar(db.select(Evaluation).where(Evaluation.event_id == job.event_id))
    if (
        registration is None
        or registration.state is not State.CONFIRMED
        or evaluation is None
        or not evaluation.is_open
    ):
        return
    if (
        db.session.scalar(
            db.select(EvaluationSubmission.id).where(EvaluationSubmission.registration_id == registration_id)
        )
        is not None
    ):
        return
    _invite(registration, evaluation)


def close_evaluation(actor, event: Event, now: datetime | None = None) -> Evaluation:
    _require_builder(actor, event)
    evaluation = _locked_evaluation(event)
    if not evaluation.is_open:
        db.session.rollback()
        raise DomainError(_l("The evaluation is not open."))
    evaluation.closed_at = now or utcnow()
    db.session.commit()
    return evaluation


def _invite(registration: Registration, evaluation: Evaluation) -> None:
    mail.queue_to_participant(
        registration,
        "evaluation_invitation",
        _l("Your opinion on %(event)s", event=registration.event.title),
        anonymous=evaluation.anonymous,
        link=external_url("feedback.answer", slug=registration.event.slug),
    )


# --- participants -----------------------------------------------------------------------------


def submit_answers(
    actor, event: Event, raw_answers: dict[int, object], now: datetime | None = None
) -> EvaluationResponse:
    """Keep the participant's answers, once. CannotAnswer when they may not (or already did);
    DomainError by the question's field for an answer that does not fit its question."""
    reason = participant_status(actor, event)
    if reason is not None:
        raise CannotAnswer(reason)
    asked = questions_of(event)
    values = clean_answers(asked, raw_answers)
    registration = lock_for_update(Registration, _confirmed_registration(actor, event).id)  # not cancelled meanwhile
    evaluation = evaluation_of(event)
    if registration.state is not State.CONFIRMED or not evaluation.is_open:
        db.session.rollback()
        raise CannotAnswer(
            Unavailable.NOT_CONFIRMED if registration.state is not State.CONFIRMED else Unavailable.CLOSED
        )
    now = now or utcnow()
    # Built before either is added, so that nothing is flushed outside the ``try`` below.
    submission = EvaluationSubmission(event_id=event.id, registration_id=registration.id, submitted_at=now)
    response = EvaluationResponse(
        event_id=event.id,
        registration_id=None if evaluation.anonymous else registration.id,
        submitted_on=utc_to_local(now, event.timezone).date(),  # the day only: no time to match against
        answers=[values[question.id].as_row(question) for question in asked if question.id in values],
    )
    db.session.add_all([submission, response])
    try:
        db.session.commit()
    except IntegrityError as error:  # answered at the same moment from another tab or device
        db.session.rollback()
        raise CannotAnswer(Unavailable.ANSWERED) from error
    return response
