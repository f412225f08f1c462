"""The check-in API for scanner devices: JSON, authenticated by the event's token
(``Authorization: Bearer <token>``), not by a cookie, so it is exempt from CSRF.

- ``GET /api/events/<slug>/tickets/<code>``: who the code belongs to and where they are already
  marked present. ``status`` is ``ok`` (a confirmed registration of this event) or the reason it
  cannot be checked in: ``not_confirmed``, ``not_this_event``, ``unknown``.
- ``POST /api/events/<slug>/attendance`` with ``{"code": "...", "session_id": 12}`` (``null`` or 0:
  arrival): records presence; ``status`` is ``checked_in``, ``already`` (recorded before: when and by
  whom), ``not_confirmed``, ``not_this_event`` or ``unknown``. Scanning twice records once.

Every scan answers 200 with its ``status``; HTTP errors are for the request itself: 400 malformed
JSON, 401 no valid token (missing, wrong or revoked), 403 a token of another event, 404 a session
that is not the event's (or an address with a control character), 409 a cancelled session. Errors
are JSON too, whatever their cause (``workshop.web``), with ``error`` and ``message``.

One scan is a handful of queries: the token by its hash (with its event), the registration by its
code, the locked registration, its mark, and the insert.
"""

from flask import g, jsonify, request
from flask_babel import gettext as _

from ..agenda.models import AgendaSession
from ..bounds import database_id, without_control_characters
from ..extensions import csrf, db
from . import bp, desk, recording
from .models import ARRIVAL, Attendance, Method
from .tokens import active_token


class ApiError(Exception):
    def __init__(self, status: int, error: str, message: str):
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    response = jsonify({"error": error.error, "message": error.message})
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="check-in"'
    response.headers["Cache-Control"] = "no-store"
    return response


def bearer_token() -> str | None:
    scheme, _space, value = request.headers.get("Authorization", "").strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def authenticated_event(slug: str):
    """The event of the request's token; 401 without a valid token, 403 for a token of another event."""
    token = active_token(bearer_token())
    if token is None:
        raise ApiError(
            401, "unauthorized", _("Send a valid check-in token in the header “Authorization: Bearer <token>”.")
        )
    if token.event.slug != slug:
        raise ApiError(403, "forbidden", _("This token is for another event."))
    g.audit_device = token.name  # who the audit log names for what the device records
    return token.event


def iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def person(registration) -> dict:
    return {
        "registration_id": registration.id,
        "name": registration.full_name,
        "native_name": registration.native_name,
        "organisation": registration.organisation,
        "country": registration.country,
        "state": registration.state.value,
    }


def mark(attendance: Attendance) -> dict:
    return {
        "recorded_at": iso(attendance.recorded_at),
        "recorded_by": attendance.recorded_by.display_name if attendance.recorded_by is not None else None,
        "method": attendance.method.value,
    }


def json_answer(body: dict):
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"  # names of participants
    return response


@bp.get("/api/events/<slug>/tickets/<code>")
def api_lookup(slug, code):
    event = authenticated_event(slug)
    registration = recording.registration_by_code(code)
    problem = recording.check_registration(event, registration)
    outcome_message = recording.OUTCOME_MESSAGES[problem] if problem else _("Registered and confirmed")
    body = {"status": problem.value if problem else "ok", "ok": problem is None, "message": str(outcome_message)}
    if registration is not None and registration.event_id == event.id:  # nothing about another event's people
        body.update(person(registration))
    if problem is None:
        marks = db.session.scalars(
            db.select(Attendance)
            .where(Attendance.registration_id == registration.id, Attendance.present.is_(True))
            .order_by(Attendance.recorded_at)
        ).all()
        body["checked_in"] = {
            "arrival": next((mark(m) for m in marks if m.slot == ARRIVAL), None),
            "sessions": [{"session_id": m.session_id, **mark(m)} for m in marks if m.slot != ARRIVAL],
        }
    return json_answer(body)


@bp.post("/api/events/<slug>/attendance")
@csrf.exempt
def api_record(slug):
    event = authenticated_event(slug)
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", _('Send a JSON object such as {"code": "…", "session_id": null}.'))
    code, session_id = data.get("code"), data.get("session_id")
    if not isinstance(code, str):
        raise ApiError(400, "bad_request", _("“code” must be the ticket code, as a string."))
    code = without_control_characters(code)
    if session_id is not None and (
        isinstance(session_id, bool) or not isinstance(session_id, int) or database_id(session_id) is None
    ):
        raise ApiError(400, "bad_request", _("“session_id” must be a session's number, or null for arrival."))
    session = None
    if session_id not in (None, ARRIVAL):
        session = next((s for s in desk.desk_sessions(event) if s.id == session_id), None)
        session = session or db.session.get(AgendaSession, session_id)  # to tell what is wrong with it
        if session is None or session.event_id != event.id:
            raise ApiError(404, "not_found", _("This event has no such session."))
        if session.cancelled:
            raise ApiError(
                409, "session_cancelled", _("This session is cancelled: attendance cannot be recorded for it.")
            )
    registration = recording.registration_by_code(code)
    # Read before recording: its commit expires the loaded rows, and reading them again costs queries.
    about = person(registration) if registration is not None and registration.event_id == event.id else {}
    slot_session_id = session.id if session is not None else None
    answer = recording.mark_present(event, registration, session, Method.API, None)
    body = {
        "status": answer.outcome.value,
        "ok": answer.ok,
        "message": str(recording.OUTCOME_MESSAGES[answer.outcome]),
        "session_id": slot_session_id,
        **about,
    }
    if answer.ok:
        body["state"] = "confirmed"  # as checked under the lock
    if answer.attendance is not None:
        body.update(mark(answer.attendance))
    return json_answer(body)
