"""Registration: registering, deciding, cancelling, and the waiting list.

Every change that depends on how many places are taken first locks the event row
(``lock_for_update``), so two requests never both take the last place.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts import services as accounts
from ..accounts.models import User
from ..accounts.passwords import hash_password
from ..countries import is_country
from ..database import commit_keeping_loaded, lock_for_update, read_locked, write_at_once
from ..errors import DomainError, Forbidden
from ..events.models import Event, EventStatus
from ..extensions import db
from ..fragments import kept_or_made
from ..jobs import services as jobs
from ..jobs.models import Job
from ..notices import services as notices
from ..privacy_notice import services as privacy_notice
from ..security import can_manage_event
from ..timeutil import utcnow
from ..translated import Translated
from . import answers as answer_rules
from .models import OrganisationType, Question, Registration, RegistrationChange, Sex
from .notices import send_message, send_notice
from .states import ACTIVE, State, is_allowed

STATE_LABELS = {
    State.PENDING: _l("Pending approval"),
    State.CONFIRMED: _l("Confirmed"),
    State.WAITLISTED: _l("On the waiting list"),
    State.REJECTED: _l("Not accepted"),
    State.CANCELLED: _l("Cancelled"),
}


@dataclass
class Details:
    """The standard answers every event collects."""

    full_name: str
    organisation: str
    organisation_type: OrganisationType
    country: str
    sex: Sex
    native_name: str = ""
    job_title: str = ""
    dietary_needs: str = ""
    accessibility_needs: str = ""
    visa_letter_needed: bool = False
    listed_publicly: bool = False
    answers: dict[int, object] = field(default_factory=dict)  # question id -> raw answer
    # Whether the sex and the needs may fill in the person's next registrations (kept on the account).
    prefill_personal_details: bool = False


# --- rules -------------------------------------------------------------------


def registration_closed_reason(event: Event, now: datetime | None = None):
    """Why nobody can register or change their answers now, or None when registration is open."""
    now = now or utcnow()
    if event.status is not EventStatus.PUBLISHED:
        return _l("Registration for this event is closed.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _l("Registration has not opened yet.")
    closes = event.registration_closes_at or event.starts_at
    if now >= closes:
        return _l("Registration for this event has closed.")
    return None


def require_open(event: Event) -> None:
    reason = registration_closed_reason(event)
    if reason:
        raise DomainError(reason)


EVENT_QUESTIONS = (
    db.select(Question)
    .where(Question.event_id == bindparam("event_id"), Question.archived.is_(False))
    .order_by(Question.position, Question.id)
)  # built once: every registration runs it


def event_questions(event_id: int) -> list[Question]:
    return list(db.session.scalars(EVENT_QUESTIONS, {"event_id": event_id}))


def check_details(details: Details) -> None:
    if not details.full_name.strip():
        raise DomainError(_l("Enter your full name."), field="full_name")
    if not details.organisation.strip():
        raise DomainError(_l("Enter your organisation."), field="organisation")
    if not is_country(details.country):
        raise DomainError(_l("Choose a country from the list."), field="country")


def apply_details(registration: Registration, details: Details, questions: list[Question]) -> None:
    check_details(details)
    values = answer_rules.clean_answers(questions, details.answers, answer_rules.previous_answers(registration))
    for name in (
        "full_name",
        "native_name",
        "organisation",
        "job_title",
        "dietary_needs",
        "accessibility_needs",
    ):
        setattr(registration, name, getattr(details, name).strip())
    registration.organisation_type = details.organisation_type
    registration.country = details.country
    registration.sex = details.sex
    registration.visa_letter_needed = details.visa_letter_needed
    registration.listed_publicly = details.listed_publicly
    answer_rules.store_answers(registration, questions, values)


# --- the waiting list ---------------------------------------------------------


# Statements the most opened pages run, built once: building one costs more than running it
CONFIRMED_COUNT = (
    db.select(func.count())
    .select_from(Registration)
    .where(Registration.event_id == bindparam("event_id"), Registration.state == State.CONFIRMED)
)
REGISTRATION_OF = db.select(Registration).where(
    Registration.event_id == bindparam("event_id"), Registration.user_id == bindparam("user_id")
)


def confirmed_count(event_id: int) -> int:
    return db.session.scalar(CONFIRMED_COUNT, {"event_id": event_id})


def places_left(event: Event) -> int | None:
    """None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - confirmed_count(event.id), 0)


def places_left_shown(event: Event) -> int | None:
    """``places_left`` as the event's page shows it, kept for each revision of its registrations."""
    key = ("places-left", event.id, event.created_at, event.registrations_revision)
    return kept_or_made(key, lambda: places_left(event))


def has_free_place(event: Event) -> bool:
    return event.capacity is None or confirmed_count(event.id) < event.capacity


def waiting_list(event_id: int) -> list[Registration]:
    return list(
        db.session.scalars(
            db.select(Registration)
            .where(Registration.event_id == event_id, Registration.state == State.WAITLISTED)
            .order_by(Registration.waitlist_seq, Registration.id)
        )
    )


# Every registration that goes to the waiting list runs these: built once
WAITING_BEFORE = (
    db.select(func.count())
    .select_from(Registration)
    .where(
        Registration.event_id == bindparam("event_id"),
        Registration.state == State.WAITLISTED,
        Registration.waitlist_seq < bindparam("seq"),
    )
)
LAST_WAITLIST_SEQ = db.select(func.max(Registration.waitlist_seq)).where(Registration.event_id == bindparam("event_id"))


@dataclass(frozen=True)
class PlacesAndQueue:
    """An event's confirmed registrations, the last number given on its waiting list, and how many
    wait: what a new registration needs to know, read in one statement while the event is locked."""

    confirmed: int
    last_seq: int
    waiting: int

    def state_for(self, event: Event) -> State:
        """A place while there is one, else the waiting list."""
        return State.CONFIRMED if event.capacity is None or self.confirmed < event.capacity else State.WAITLISTED


def waitlist_position(registration: Registration) -> int | None:
    if registration.state is not State.WAITLISTED:
        return None
    values = {"event_id": registration.event_id, "seq": registration.waitlist_seq}
    return db.session.scalar(WAITING_BEFORE, values) + 1


_AHEAD = aliased(Registration, name="ahead")


def waiting_ahead(registration):
    """A column for a statement about ``registration``: how many wait before it on its event's
    waiting list (meaningful for a registration that waits)."""
    return (
        db.select(func.count(_AHEAD.id))
        .where(
            _AHEAD.event_id == registration.event_id,
            _AHEAD.state == State.WAITLISTED,
            _AHEAD.waitlist_seq < registration.waitlist_seq,
        )
        .scalar_subquery()
    )


WAITING_AHEAD = db.select(Registration.id, waiting_ahead(Registration)).where(
    Registration.id.in_(bindparam("ids", expanding=True))
)


def waitlist_positions_of(registrations: list[Registration]) -> dict[int, int]:
    """The places on their waiting lists of those of ``registrations`` that wait, in one query."""
    waiting = [r.id for r in registrations if r.state is State.WAITLISTED]
    if not waiting:
        return {}
    rows = db.session.execute(WAITING_AHEAD, {"ids": waiting})
    return {registration_id: count + 1 for registration_id, count in rows.all()}


def waitlist_positions(event_id: int) -> dict[int, int]:
    return {registration.id: position for position, registration in enumerate(waiting_list(event_id), start=1)}


def next_waitlist_seq(event_id: int) -> int:
    highest = db.session.scalar(LAST_WAITLIST_SEQ, {"event_id": event_id})
    return (highest or 0) + 1


def first_waitlist_seq(event_id: int) -> int:
    lowest = db.session.scalar(
        db.select(func.min(Registration.waitlist_seq)).where(
            Registration.event_id == event_id, Registration.state == State.WAITLISTED
        )
    )
    return (lowest or 1) - 1


def fill_free_places(event: Event) -> list[Registration]:
    """Give every free place to the first on the waiting list, in order. The caller holds the event lock."""
    promoted = []
    for registration in waiting_list(event.id):
        if not has_free_place(event):
            break
        change_state(registration, State.CONFIRMED, None, "")
        db.session.flush()
        promoted.append(registration)
    return promoted


def change_state(
    registration: Registration, new: State, actor: User | None, reason: str = "", queue: PlacesAndQueue | None = None
) -> None:
    """Move to ``new`` if the table allows it, record who, when and why, and tell the participant (and
    the organisers, of a registration that waits for their approval). ``queue``, read under the
    event's lock before any change, saves asking for the waiting list's last number and length."""
    old = registration.state
    if not is_allowed(old, new):
        raise DomainError(
            _l("A registration that is %(old)s cannot become %(new)s.", old=STATE_LABELS[old], new=STATE_LABELS[new])
            if old
            else _l("A new registration cannot be %(new)s.", new=STATE_LABELS[new])
        )
    position, seq = None, None
    if new is State.WAITLISTED and queue is not None:
        # last on the list: everyone waiting has a lower number
        seq, position = queue.last_seq + 1, queue.waiting + 1
    elif new is State.WAITLISTED:
        # asked before anything changes, so that the new state and the number are written, and
        # logged, as one change; event_id is unset before the first flush
        seq = next_waitlist_seq(registration.event.id)
    registration.state = new
    if seq is not None:
        registration.waitlist_seq = seq
    registration.changes.append(RegistrationChange(actor=actor, from_state=old, to_state=new, reason=reason.strip()))
    if inspect(registration).transient:
        # a new registration, made under the event's lock while others queue for it: written with
        # its answers and its first change at once, not through the unit of work (several times slower)
        write_at_once(registration, *registration.answers, *registration.changes)
    else:
        db.session.flush()
    send_notice(registration, old, new, reason.strip(), position or waitlist_position(registration))
    if new is State.PENDING:
        notices.registration_pending(registration)


def place_for(event: Event) -> State:
    """The state a newly accepted registration gets: a place while there is one, else the waiting list."""
    return State.CONFIRMED if has_free_place(event) else State.WAITLISTED


# --- participants -------------------------------------------------------------


def lock_event(event_id: int) -> Event:
    event = lock_for_update(Event, event_id)
    if event is None:
        raise DomainError(_l("This event does not exist."))
    return event


def registration_of(user: User, event_id: int) -> Registration | None:
    return db.session.scalar(REGISTRATION_OF, {"event_id": event_id, "user_id": user.id})


# The event as a registration needs it, read afresh under its lock: its rules, and what the
# registration's e-mail says of it with the revision that e-mail's words are kept under
FRESH_EVENT_COLUMNS = (
    "status",
    "registration_opens_at",
    "registration_closes_at",
    "starts_at",
    "ends_at",
    "timezone",
    "capacity",
    "approval_required",
    "visitor_confirmation_hours",
    "title",
    "city",
    "agenda_revision",
    "updated_at",
)


def _of_event(*columns):
    return db.select(*columns).where(Registration.event_id == Event.id).scalar_subquery()


# Everything a new registration is decided by, in one statement read once the event is locked:
# people registering at the same moment wait for each other while it runs and the registration is
# written
STANDING = db.select(
    *(getattr(Event, name) for name in FRESH_EVENT_COLUMNS),
    privacy_notice.current_notice_id(Event.id).label("notice_id"),
    db.select(Registration.id)
    .where(Registration.event_id == Event.id, Registration.user_id == bindparam("user_id"))
    .scalar_subquery()
    .label("registration_id"),
    _of_event(func.count().filter(Registration.state == State.CONFIRMED)).label("confirmed"),
    _of_event(func.max(Registration.waitlist_seq)).label("last_seq"),
    _of_event(func.count().filter(Registration.state == State.WAITLISTED)).label("waiting"),
).where(Event.id == bindparam("event_id"))
LOCK_EVENT = db.select(Event.id).where(Event.id == bindparam("event_id")).with_for_update()


@dataclass(frozen=True)
class Standing:
    """Where a new registration stands once the event is locked: the places and the waiting list,
    the current version of the event's privacy notice, and the person's earlier registration."""

    queue: PlacesAndQueue
    notice_id: int | None
    registration_id: int | None


def lock_for_registration(event: Event, user_id: int | None) -> Standing:
    """Lock ``event`` and read where a registration of ``user_id`` (None: a new account) stands;
    ``event`` is given its rules, and what a registration's e-mail says of it, as they stand now."""
    row = read_locked(STANDING, LOCK_EVENT, {"event_id": event.id, "user_id": user_id})
    if row is None:
        raise DomainError(_l("This event does not exist."))
    for name in FRESH_EVENT_COLUMNS:
        set_committed_value(event, name, getattr(row, name))
    return Standing(PlacesAndQueue(row.confirmed, row.last_seq or 0, row.waiting), row.notice_id, row.registration_id)


@dataclass(frozen=True)
class Checked:
    """What a registration needs that does not depend on the places left, read before the event is
    locked: people registering at the same moment wait for each other only while the places are
    counted and the registration is written."""

    notice_id: int | None  # the version of the privacy notice agreed to
    questions: list[Question]


def check_before_lock(
    event: Event, privacy_accepted: bool, notice_shown: int | None, questions: list[Question] | None
) -> Checked:
    """``questions``: the event's, as the form that was sent was built from them; read when not given."""
    require_open(event)
    if not privacy_accepted:
        raise DomainError(_l("Please agree to the privacy notice to register."), field="privacy")
    notice_id = privacy_notice.agreed_version(event, notice_shown)
    return Checked(notice_id, event_questions(event.id) if questions is None else questions)


def register(
    user: User,
    event_id: int,
    details: Details,
    privacy_accepted: bool,
    notice_shown: int | None = None,
    questions: list[Question] | None = None,
) -> Registration:
    """``notice_shown`` is the version of the event's privacy notice the person agreed to, if it has one."""
    event = event_or_refusal(event_id)
    checked = check_before_lock(event, privacy_accepted, notice_shown, questions)
    standing = lock_for_registration(event, user.id)
    user = db.session.get(User, user.id)
    registration = _register_locked(user, event, details, checked, standing)
    commit_keeping_loaded()  # the page that follows shows the registration as written
    return registration


def event_or_refusal(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise DomainError(_l("This event does not exist."))
    return event


def register_visitor(
    email: str,
    password: str,
    locale: str,
    event_id: int,
    details: Details,
    privacy_accepted: bool,
    notice_shown: int | None = None,
    questions: list[Question] | None = None,
) -> Registration:
    """Create the account and the registration together, in one transaction."""
    accounts.check_password_acceptable(password)
    if accounts.find_user_by_email(email):
        raise AccountExists(
            _l("An account with this e-mail address exists already. Log in to register with it."), field="email"
        )
    event = event_or_refusal(event_id)
    checked = check_before_lock(event, privacy_accepted, notice_shown, questions)
    password_hash = hash_password(password)  # slow on purpose: before taking the lock
    standing = lock_for_registration(event, None)
    user = User(
        email=accounts.normalise_email(email),
        full_name=details.full_name.strip(),
        native_name=details.native_name.strip(),
        locale=locale,
        password_hash=password_hash,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise AccountExists(
            _l("An account with this e-mail address exists already. Log in to register with it."), field="email"
        ) from error
    registration = _register_locked(user, event, details, checked, standing)
    accounts.send_verification(user, place=registration)
    db.session.commit()
    return registration


class AccountExists(DomainError):
    pass


def _register_locked(user: User, event: Event, details: Details, checked: Checked, standing: Standing) -> Registration:
    try:
        require_open(event)  # again: as the event stands under the lock
        privacy_notice.confirm_still_current(event.id, checked.notice_id, standing.notice_id)
        registration = None
        if standing.registration_id is not None:
            registration = db.session.get(Registration, standing.registration_id, populate_existing=True)
        if registration is not None and registration.state is not State.CANCELLED:
            raise DomainError(_l("You are registered for this event already."))
        queue = standing.queue
        new_state = State.PENDING if event.approval_required else queue.state_for(event)
        with db.session.no_autoflush:
            if registration is None:
                registration = Registration(event=event, user=user)  # written by change_state, below
            apply_details(registration, details, checked.questions)
            if user.prefills_personal_details != details.prefill_personal_details:
                user.prefills_personal_details = details.prefill_personal_details
            registration.privacy_accepted_at = utcnow()
            registration.privacy_notice_id = checked.notice_id
            registration.confirm_email_by = confirmation_deadline(user, event)
            change_state(registration, new_state, user, queue=queue)
    except DomainError:
        db.session.rollback()
        raise
    return registration


def confirmation_deadline(user: User, event: Event) -> datetime | None:
    """Until when a registration of ``user`` holds its place without a confirmed e-mail address
    (``unconfirmed``); None once the address is confirmed."""
    if user.is_verified:
        return None
    return utcnow() + timedelta(hours=event.visitor_confirmation_hours)


def own_registration(user: User, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.user_id != user.id:
        raise NotFound()
    return registration


class NotFound(DomainError):
    def __init__(self):
        super().__init__(_l("This registration does not exist."))


def update_details(user: User, registration_id: int, details: Details) -> Registration:
    registration = own_registration(user, registration_id)
    require_open(registration.event)
    if registration.state not in ACTIVE:
        raise DomainError(
            _l("This registration is %(state)s; its answers cannot change.", state=STATE_LABELS[registration.state])
        )
    apply_details(registration, details, event_questions(registration.event_id))
    db.session.commit()
    return registration


def cancel_own(user: User, registration_id: int, reason: str = "") -> Registration:
    registration = own_registration(user, registration_id)
    event = lock_event(registration.event_id)
    registration = own_registration(user, registration_id)
    change_state(registration, State.CANCELLED, user, reason)
    fill_free_places(event)
    db.session.commit()
    return registration


# --- organisers -----------------------------------------------------------------


def _managed_registrations(actor: User, event_id: int, registration_ids: list[int]) -> tuple[Event, list[Registration]]:
    event = lock_event(event_id)
    if not can_manage_event(actor, event):
        db.session.rollback()
        raise Forbidden(_l("You do not organise this event."))
    registrations = list(
        db.session.scalars(
            db.select(Registration)
            .where(Registration.event_id == event_id, Registration.id.in_(registration_ids))
            .order_by(Registration.waitlist_seq, Registration.created_at, Registration.id)
        )
    )
    if not registrations:
        db.session.rollback()
        raise DomainError(_l("Choose at least one registration."))
    return event, registrations


def _apply_to_each(registrations, action) -> tuple[int, list[str]]:
    """Run ``action`` on each registration; collect what could not be done instead of stopping."""
    done, problems = 0, []
    for registration in registrations:
        try:
            action(registration)
            done += 1
        except DomainError as error:
            problems.append(f"{registration.full_name}: {error}")
    return done, problems


@dataclass(frozen=True)
class Approved:
    """What approving did: places given, and approvals that went to the waiting list for want of one."""

    confirmed: int = 0
    waitlisted: int = 0

    def __bool__(self) -> bool:
        return bool(self.confirmed or self.waitlisted)


def approve(actor: User, event_id: int, registration_ids: list[int]) -> tuple[Approved, list[str]]:
    event, registrations = _managed_registrations(actor, event_id, registration_ids)
    placed: list[State] = []

    def approve_one(registration):
        if registration.state is not State.PENDING:
            raise DomainError(_l("only pending registrations can be approved."))
        place = place_for(event)
        change_state(registration, place, actor)
        placed.append(place)

    _, problems = _apply_to_each(registrations, approve_one)
    db.session.commit()
    return Approved(placed.count(State.CONFIRMED), placed.count(State.WAITLISTED)), problems


def reject(actor: User, event_id: int, registration_ids: list[int], reason: str) -> tuple[int, list[str]]:
    if not reason.strip():
        raise DomainError(_l("Give the reason; the participant will read it."), field="reason")
    return _release_places(actor, event_id, registration_ids, State.REJECTED, reason)


def cancel(actor: User, event_id: int, registration_ids: list[int], reason: str = "") -> tuple[int, list[str]]:
    return _release_places(actor, event_id, registration_ids, State.CANCELLED, reason)


def _release_places(actor: User, event_id: int, registration_ids: list[int], state: State, reason: str):
    """Move the chosen registrations to ``state`` (rejected or cancelled); the places they free go to the
    waiting list in the same transaction."""
    event, registrations = _managed_registrations(actor, event_id, registration_ids)
    result = _apply_to_each(registrations, lambda registration: change_state(registration, state, actor, reason))
    fill_free_places(event)
    db.session.commit()
    return result


def promote(actor: User, event_id: int, registration_ids: list[int]) -> tuple[int, list[str]]:
    """Confirm chosen people from the waiting list while places are free; move the others to its front."""
    event, registrations = _managed_registrations(actor, event_id, registration_ids)

    def promote_one(registration):
        if registration.state is not State.WAITLISTED:
            raise DomainError(_l("only people on the waiting list can be promoted."))
        if has_free_place(event):
            change_state(registration, State.CONFIRMED, actor)
        else:
            registration.waitlist_seq = first_waitlist_seq(event.id)
            registration.changes.append(
                RegistrationChange(
                    actor=actor,
                    from_state=State.WAITLISTED,
                    to_state=State.WAITLISTED,
                    reason=str(_l("Moved to the front of the waiting list.")),
                )
            )
            db.session.flush()

    result = _apply_to_each(reversed(registrations), promote_one)  # the last moved ends up first: keep their order
    db.session.commit()
    return result


def start_message(
    actor: User, event_id: int, registration_ids: list[int], subject: Translated | str, text: Translated | str
) -> Job:
    """Send the organiser's message to the chosen registrations (``messages.services.send``, which
    checks it and keeps it in the history): one e-mail each, in the recipient's language, else in the
    other one the message is written in; the job that writes them."""
    from ..messages.recipients import Recipients
    from ..messages.services import checked, send

    checked(subject, text)
    event = db.session.get(Event, event_id)
    if event is None or not can_manage_event(actor, event):
        raise Forbidden(_l("You do not organise this event."))
    chosen = sorted(
        db.session.scalars(
            db.select(Registration.id).where(Registration.event_id == event_id, Registration.id.in_(registration_ids))
        )
    )
    if not chosen:
        raise DomainError(_l("Choose at least one registration."))
    message = send(actor, event_id, subject, text, Recipients(selected=tuple(chosen)))
    return db.session.get(Job, message.job_id)


def _chosen_registrations(job) -> list[int]:
    return job.params["registrations"]


@jobs.kind(_l("Sending a message to participants"), _chosen_registrations, page="registration.manage_registrations")
def message_participants(job, registration_id: int) -> None:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise DomainError(_l("A registration was deleted before the message was written."))
    params = job.params  # by language; a plain text in a job queued before messages had languages
    send_message(registration, params["subject"], params["text"])


def counts_by_state(event_id: int) -> dict[State, int]:
    rows = db.session.execute(
        db.select(Registration.state, func.count())
        .where(Registration.event_id == event_id)
        .group_by(Registration.state)
    )
    counts = dict.fromkeys(State, 0)
    counts.update(rows.all())
    return counts
