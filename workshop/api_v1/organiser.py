"""The organisers' part of the API, with a personal API token (``Authorization: Bearer <token>``,
never a cookie): an event's registrations, decided by the same services, rules and locks as the
pages; its attendance; its certificates; the registrations export. No CORS here: a token is for a
program, not for another site's page."""

from __future__ import annotations

import functools

from flask import Response, current_app, g, request
from flask_babel import gettext as _
from sqlalchemy import func

from .. import security
from ..agenda.models import AgendaSession
from ..attendance import recording
from ..attendance.models import Attendance, Method
from ..audit import Actor, acting_as, record_action, record_attempt, record_download, through_api_token
from ..certificates import services as certificate_services
from ..certificates.models import Certificate
from ..downloads import NOT_SHARED, XLSX, document
from ..errors import DomainError, Forbidden, NotFound
from ..events.models import Event
from ..extensions import db, limiter, login
from ..registration import exports, questions, search
from ..registration import services as registrations
from ..registration.models import Registration
from ..registration.states import State
from ..timeutil import utcnow
from . import bp, schemas, tokens
from .answers import Page, answer, body_of, paged, query_of, refuse
from .answers import changed as changed_answer
from .models import PersonalToken
from .problems import Problem, problem_response

PRIVATE = "private, no-cache"  # personal data: kept by nobody on the way, revalidated by the client


def token_limit() -> str:
    return current_app.config["API_TOKEN_RATE_LIMIT"]


def bearer_token() -> str | None:
    scheme, _space, value = request.headers.get("Authorization", "").strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def per_token() -> str:
    """What the rate limit counts: the token's hash, or the address of a request without one."""
    raw = bearer_token()
    return f"api-token:{tokens.token_hash(raw)[:24]}" if raw else f"api-address:{request.remote_addr}"


def authenticated() -> PersonalToken:
    """The request's token, active; 401 otherwise (recorded)."""
    token = tokens.token_named(bearer_token())
    if token is None:
        refuse(
            401, _("Send a valid API token in the header “Authorization: Bearer <token>”."), action="api.token_refused"
        )
    if token.revoked_at is not None:
        refuse(401, _("This API token is revoked."), action="api.token_refused", target=token)
    if not token.is_active(utcnow()):
        refuse(401, _("This API token has expired."), action="api.token_refused", target=token)
    if token.user.disabled_at is not None:
        refuse(401, _("The account of this API token is disabled."), action="api.token_refused", target=token)
    tokens.note_use(token)
    return token


def organiser_route(rule: str, *, methods=("GET",)):
    """A route of one event for the holder of a token that reaches it, and may write for a POST.
    The view gets the token's holder and the event; what it records is recorded as theirs."""

    def register(view):
        @functools.wraps(view)
        def run(event_id: int, **kwargs):
            g._login_user = login.anonymous_user()  # a cookie of the site says nobody here: only the token
            token = authenticated()
            event = db.session.get(Event, event_id)
            if event is None:
                raise Problem(404, _("There is no event with this number."))
            if not security.token_reaches(token, event):
                refuse(
                    403,
                    _("This API token is not for this event."),
                    event_id=event.id,
                    action="api.token_refused",
                    target=token,
                )
            if request.method == "POST" and not security.token_may_write(token):
                refuse(
                    403, _("This API token may only read."), event_id=event.id, action="api.token_refused", target=token
                )
            holder = token.user
            with acting_as(Actor(holder.id, through_api_token(holder.email, token.name), request.remote_addr)):
                try:
                    return view(holder, event, **kwargs)
                except DomainError as error:
                    return refused_by_the_rules(error, event)

        limited = limiter.limit(token_limit, key_func=per_token)(run)
        return bp.route(rule, methods=list(methods))(limited)

    return register


def refused_by_the_rules(error: DomainError, event: Event):
    """What the services refuse (the same rules as the pages): nothing changed, the attempt recorded
    as the token holder's."""
    status = 403 if isinstance(error, Forbidden) else 422 if error.field else 409
    errors = {error.field: [str(error)]} if error.field else None
    record_attempt(
        "api.change_refused",
        event_id=event.id,
        summary=f"{request.method} {request.path}: {error}",
    )
    return problem_response(status, str(error), errors)


def recorded_read(response: Response, what: str, event: Event, *, target=None, summary: str = "") -> Response:
    """People's data read through the API: who read ``what`` is recorded as the token holder's and
    committed before the answer leaves. A 304 sends nothing the program does not already hold."""
    if response.status_code != 304:
        record_download(what, event_id=event.id, target=target, summary=summary)
    return response


def page_read(page: Page) -> str:
    """Which part of a list was read, without the words searched for (a name, maybe)."""
    return f"{request.path}, page {page.page}: {len(page.items)} of {page.total}"


@bp.errorhandler(NotFound)
def not_found(error):
    db.session.rollback()
    return problem_response(404, _("Not found."))


# --- registrations ---------------------------------------------------------------------------


@organiser_route("/events/<int:event_id>/registrations")
def registrations_list(holder, event):
    query = query_of(schemas.RegistrationsQuery, event_id=event.id)
    filters = search.Filters(
        state=State(query["state"]) if query.get("state") else None,
        country=query.get("country", "").upper(),
        q=query.get("q", "").strip(),
    )
    select = search.registrations_query(event.id, filters)
    total = db.session.scalar(db.select(func.count()).select_from(select.order_by(None).subquery()))
    page = Page([], query["page"], query["per_page"], total)
    page.items = paged(select, page.page, page.per_page)
    response = answer(page.body(schemas.RegistrationOut(many=True).dump(page.items)), page=page, cache=PRIVATE)
    return recorded_read(response, "api_registrations", event, summary=page_read(page))


def registration_of(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise Problem(404, _("This event has no registration with this number."))
    return registration


@organiser_route("/events/<int:event_id>/registrations/<int:registration_id>")
def registration(holder, event, registration_id):
    query_of(schemas.Strict, event_id=event.id)
    read = registration_of(event, registration_id)
    response = answer(schemas.RegistrationOut().dump(read), cache=PRIVATE)
    return recorded_read(response, "api_registration", event, target=read, summary=request.path)


def decide(holder, event: Event, registration_id: int, action: str, reason: str) -> list[str]:
    """The organisers' page's decision on one registration, by the same service."""
    ids = [registration_id]
    if action == "approve":
        _approved, problems = registrations.approve(holder, event.id, ids)
    elif action == "reject":
        _count, problems = registrations.reject(holder, event.id, ids, reason)
    elif action == "cancel":
        _count, problems = registrations.cancel(holder, event.id, ids, reason)
    else:
        _count, problems = registrations.promote(holder, event.id, ids)
    return problems


@organiser_route("/events/<int:event_id>/registrations/<int:registration_id>/decision", methods=("POST",))
def registration_decision(holder, event, registration_id):
    """Approve (into a full event: the waiting list), reject (with a reason), cancel, or promote from
    the waiting list."""
    body = body_of(schemas.RegistrationDecision, event_id=event.id)
    registration_of(event, registration_id)
    # The service commits the change with its automatic entry, which names the token as the actor
    problems = decide(holder, event, registration_id, body["action"], body["reason"])
    if problems:
        refuse(409, "; ".join(problems), event_id=event.id, action="api.change_refused")
    changed = db.session.get(Registration, registration_id)
    return changed_answer(schemas.DecisionOut().dump({"registration": changed, "problems": []}))


@organiser_route("/events/<int:event_id>/registrations/export")
def registrations_export(holder, event):
    """The organisers' page's export of registrations, as CSV or XLSX; the download is recorded."""
    query = query_of(schemas.ExportQuery, event_id=event.id)
    available = exports.available_columns(questions.event_questions_with_archived(event.id))
    keys = [key.strip() for key in query.get("columns", "").split(",") if key.strip()] or list(exports.DEFAULT_COLUMNS)
    unknown = [key for key in keys if key not in {column.key for column in available}]
    if unknown:
        refuse(
            400,
            _("The query is not valid."),
            {"columns": [_("Unknown column: %(key)s", key=key) for key in unknown]},
            event_id=event.id,
            action="api.query_refused",
        )
    columns = [column for key in keys for column in available if column.key == key]
    filters = search.Filters(state=State(query["state"]) if query.get("state") else None)
    header, rows = exports.table(
        event, columns, search.matching_registrations(event.id, filters), registrations.waitlist_positions(event.id)
    )
    file_format = query["format"]
    record_action(
        "personal_data.exported",
        event_id=event.id,
        summary=f"registrations ({file_format}, {len(rows)} rows) through the API",
        changes={"columns": keys},
    )
    db.session.commit()
    if file_format == "xlsx":
        return document(
            exports.to_xlsx(header, rows, _("Registrations")), exports.filename(event, "xlsx"), XLSX, cache=NOT_SHARED
        )
    return document(exports.to_csv(header, rows), exports.filename(event, "csv"), "text/csv", cache=NOT_SHARED)


# --- attendance ------------------------------------------------------------------------------


# One route for reading and writing each list: a number too large for the database is then a 404
# for both methods, not a 405 for the one whose rule Werkzeug did not try.
@organiser_route("/events/<int:event_id>/attendance", methods=("GET", "POST"))
def attendance(holder, event):
    return attendance_mark(holder, event) if request.method == "POST" else attendance_list(holder, event)


def attendance_list(holder, event):
    """The marks of presence: at arrival (``session_id`` null) and at sessions."""
    query = query_of(schemas.AttendanceQuery, event_id=event.id)
    conditions = [Attendance.event_id == event.id, Attendance.present.is_(True)]
    if query.get("session") is not None:
        session_id = query["session"] or None
        conditions.append(
            Attendance.session_id.is_(None) if session_id is None else Attendance.session_id == session_id
        )
    total = db.session.scalar(db.select(func.count(Attendance.id)).where(*conditions))
    page = Page([], query["page"], query["per_page"], total)
    page.items = paged(
        db.select(Attendance).where(*conditions).order_by(Attendance.recorded_at, Attendance.id),
        page.page,
        page.per_page,
    )
    response = answer(page.body(schemas.AttendanceOut(many=True).dump(page.items)), page=page, cache=PRIVATE)
    return recorded_read(response, "api_attendance", event, summary=page_read(page))


def named_in_body(model, body: dict, field: str, event, unknown: str):
    """The ``model`` row the body's ``field`` names, when it is the event's; else the body is refused
    by that field (422, recorded)."""
    row = db.session.get(model, body[field])
    if row is None or row.event_id != event.id:
        refuse(422, _("Some fields are not valid."), {field: [unknown]}, event_id=event.id, action="api.body_refused")
    return row


def attendance_mark(holder, event):
    """Marks a confirmed registration present, as the check-in desk does; twice records once."""
    body = body_of(schemas.AttendanceMark, event_id=event.id)
    session = None
    if body["session_id"] is not None:
        session = named_in_body(
            AgendaSession, body, "session_id", event, _("This event has no session with this number.")
        )
        if session.cancelled:
            refuse(409, _("This session is cancelled."), event_id=event.id, action="api.change_refused")
    registration = named_in_body(
        Registration, body, "registration_id", event, _("This event has no registration with this number.")
    )
    outcome = recording.mark_present(event, registration, session, Method.API, holder)
    if outcome.outcome is recording.Outcome.NOT_CONFIRMED:
        refuse(
            409,
            _("Only confirmed registrations can be marked present."),
            event_id=event.id,
            action="api.change_refused",
        )
    body = {"status": outcome.outcome.value, "attendance": outcome.attendance}
    return changed_answer(schemas.MarkOut().dump(body), 201 if outcome.outcome is recording.Outcome.CHECKED_IN else 200)


# --- certificates ----------------------------------------------------------------------------


@organiser_route("/events/<int:event_id>/certificates", methods=("GET", "POST"))
def certificates(holder, event):
    return certificate_issue(holder, event) if request.method == "POST" else certificates_list(holder, event)


def certificates_list(holder, event):
    """Every certificate of the event, revoked ones too, newest first."""
    query_of(schemas.Strict, event_id=event.id)
    items = db.session.scalars(
        db.select(Certificate)
        .join(Registration)
        .where(Registration.event_id == event.id)
        .order_by(Certificate.id.desc())
    ).all()
    response = answer({"items": schemas.CertificateOut(many=True).dump(items)}, cache=PRIVATE)
    return recorded_read(response, "api_certificates", event, summary=f"{request.path}: {len(items)}")


def certificate_issue(holder, event):
    """Issues a certificate to one confirmed registration, by the rules of the certificates page."""
    body = body_of(schemas.CertificateRequest, event_id=event.id)
    registration_of(event, body["registration_id"])
    certificate = certificate_services.issue(
        holder, event, body["registration_id"], body["reason"], body["before_the_end"]
    )
    return changed_answer(schemas.CertificateOut().dump(certificate), 201)
