"""The check-in API for scanner devices: per-event tokens that organisers create and revoke, a code
lookup and an idempotent record of attendance, in JSON."""

import hashlib
import re

from sqlalchemy import event as sa_event

from workshop.attendance import recording, tokens
from workshop.attendance.models import ARRIVAL, ApiToken, Attendance, Method, check_in_staff
from workshop.extensions import db
from workshop.registration.states import State

from .conftest import as_user, make_registration, submit


def tokens_url(event) -> str:
    return f"/manage/events/{event.slug}/check-in/tokens"


def new_token(event, name="Scanner 1") -> str:
    return tokens.create_token(event.organisers[0], event, name)[1]


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def scan(client, event, raw, code, session_id=None):
    return client.post(
        f"/api/events/{event.slug}/attendance", json={"code": code, "session_id": session_id}, headers=bearer(raw)
    )


def look_up(client, event, raw, code):
    return client.get(f"/api/events/{event.slug}/tickets/{code}", headers=bearer(raw))


def ticket_code(registration) -> str:
    code = recording.ticket_for(registration).code
    db.session.commit()
    return code


def marks() -> list[Attendance]:
    db.session.expire_all()
    return db.session.scalars(db.select(Attendance).order_by(Attendance.id)).all()


def participant(make_user, event, state=None):
    return make_registration(event, make_user(full_name="Li Wei", native_name="李伟"), state)


# --- tokens -----------------------------------------------------------------------------------


def test_an_organiser_creates_a_token_that_is_shown_once_and_kept_only_as_its_hash(app, make_event):
    event = make_event()
    client = as_user(app, event.organisers[0])

    response = submit(client, tokens_url(event), {"name": "Scanner 3, main entrance"})

    page = response.get_data(as_text=True)
    raw = re.search(r'data-testid="new-token">.*?<code[^>]*>([^<]+)</code>', page, re.S).group(1)
    assert response.headers["Cache-Control"] == "no-store"
    [token] = db.session.scalars(db.select(ApiToken)).all()
    assert token.name == "Scanner 3, main entrance" and token.created_by_id == event.organisers[0].id
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest() and raw not in token.token_hash
    again = client.get(tokens_url(event)).get_data(as_text=True)
    assert raw not in again and "Scanner 3, main entrance" in again and "Never" in again


def test_a_token_needs_a_name(app, make_event):
    event = make_event()
    client = as_user(app, event.organisers[0])

    page = submit(client, tokens_url(event), {"name": "   "}).get_data(as_text=True)

    assert "Give the token a name" in page and 'data-testid="new-token"' not in page
    assert db.session.scalars(db.select(ApiToken)).all() == []


def test_only_the_events_organisers_manage_its_tokens(app, make_event, make_user, client):
    event = make_event()
    staff, confirmed = make_user(), make_user()
    db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=staff.id))
    db.session.commit()
    make_registration(event, confirmed)
    token_id = tokens.create_token(event.organisers[0], event, "Scanner 1")[0].id
    revoke_url = f"{tokens_url(event)}/{token_id}/revoke"

    assert client.get(tokens_url(event)).status_code == 302
    for person in (staff, confirmed, make_event().organisers[0]):
        other = as_user(app, person)
        assert other.get(tokens_url(event)).status_code == 403
        assert submit(other, tokens_url(event), {"name": "Mine"}, form_url="/").status_code == 403
        assert submit(other, revoke_url, {}, form_url="/").status_code == 403
    db.session.expire_all()
    assert [(t.name, t.revoked_at) for t in db.session.scalars(db.select(ApiToken))] == [("Scanner 1", None)]


def test_a_revoked_token_answers_401_and_records_nothing(app, make_event, make_user, client):
    event = make_event()
    registration = participant(make_user, event)
    raw = new_token(event)
    token_id = db.session.scalar(db.select(ApiToken.id))
    organiser = as_user(app, event.organisers[0])

    response = submit(organiser, f"{tokens_url(event)}/{token_id}/revoke", {}, form_url=tokens_url(event))

    assert response.status_code == 302
    assert "Revoked" in organiser.get(tokens_url(event)).get_data(as_text=True)
    answer = scan(client, event, raw, ticket_code(registration))
    assert answer.status_code == 401 and answer.json["error"] == "unauthorized"
    assert look_up(client, event, raw, ticket_code(registration)).status_code == 401
    assert marks() == []


def test_revoking_a_token_of_another_event_is_not_found(app, make_event):
    event, other_event = make_event(), make_event()
    new_token(other_event)
    token_id = db.session.scalar(db.select(ApiToken.id))
    client = as_user(app, event.organisers[0])

    assert submit(client, f"{tokens_url(event)}/{token_id}/revoke", {}, form_url=tokens_url(event)).status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, token_id).revoked_at is None


# --- recording ---------------------------------------------------------------------------------


def test_scanning_a_badge_records_arrival_once_and_the_second_scan_says_already(app, make_event, make_user, client):
    event = make_event()
    registration = participant(make_user, event)
    code = ticket_code(registration)
    raw = new_token(event)

    first = scan(client, event, raw, code)
    second = scan(client, event, raw, code.lower())

    assert first.status_code == 200 and second.status_code == 200
    assert first.json["status"] == "checked_in" and first.json["ok"] is True
    assert (first.json["name"], first.json["native_name"], first.json["state"]) == ("Li Wei", "李伟", "confirmed")
    assert second.json["status"] == "already" and second.json["message"] == "Already checked in"
    assert second.json["recorded_at"] == first.json["recorded_at"] and first.json["recorded_at"].endswith("+00:00")
    [mark] = marks()
    assert (mark.registration_id, mark.slot, mark.session_id, mark.method, mark.recorded_by_id) == (
        registration.id,
        ARRIVAL,
        None,
        Method.API,
        None,
    )
    assert len(mark.changes) == 1


def test_a_scan_at_a_session_records_that_session(app, make_event, make_session, make_user, client):
    event = make_event()
    session = make_session(event)
    registration = participant(make_user, event)
    raw = new_token(event)

    answer = scan(client, event, raw, ticket_code(registration), session.id)

    assert answer.json["status"] == "checked_in" and answer.json["session_id"] == session.id
    [mark] = marks()
    assert (mark.slot, mark.session_id) == (session.id, session.id)


def test_an_earlier_mark_from_the_roster_is_reported_with_who_made_it(app, make_event, make_session, make_user, client):
    event = make_event()
    session = make_session(event)
    registration = participant(make_user, event)
    staff = make_user(full_name="Desk Person")
    recording.mark_present(event, registration, session, Method.ROSTER, staff)

    answer = scan(client, event, new_token(event), ticket_code(registration), session.id)

    assert (answer.json["status"], answer.json["recorded_by"], answer.json["method"]) == (
        "already",
        "Desk Person",
        "roster",
    )


def test_the_lookup_says_who_it_is_and_where_they_are_checked_in(app, make_event, make_session, make_user, client):
    event = make_event()
    session = make_session(event)
    registration = participant(make_user, event)
    code = ticket_code(registration)
    raw = new_token(event)

    before = look_up(client, event, raw, code).json
    scan(client, event, raw, code)
    scan(client, event, raw, code, session.id)
    after = look_up(client, event, raw, code).json

    assert (
        before["status"] == "ok"
        and before["name"] == "Li Wei"
        and before["organisation"] == "Ministry of Human Resources and Social Security"
    )
    assert before["checked_in"] == {"arrival": None, "sessions": []}
    assert after["checked_in"]["arrival"]["method"] == "api"
    assert [s["session_id"] for s in after["checked_in"]["sessions"]] == [session.id]
    assert len(marks()) == 2


def test_the_token_notes_when_it_was_last_used(app, make_event, make_user, client):
    event = make_event()
    raw = new_token(event)

    look_up(client, event, raw, "NOSUCHCODE")

    db.session.expire_all()
    assert db.session.scalar(db.select(ApiToken)).last_used_at is not None


# --- bad input ----------------------------------------------------------------------------------


def test_without_a_valid_bearer_token_the_api_answers_401(app, make_event, make_user, client):
    event = make_event()
    code = ticket_code(participant(make_user, event))
    new_token(event)
    url = f"/api/events/{event.slug}/attendance"

    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer " + "x" * 5000},
    ):
        response = client.post(url, json={"code": code, "session_id": None}, headers=headers)
        assert response.status_code == 401 and response.is_json, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get(f"/api/events/{event.slug}/tickets/{code}").status_code == 401
    assert marks() == []


def test_a_logged_in_organiser_without_a_token_is_not_let_in_by_the_cookie(app, make_event, make_user):
    event = make_event()
    code = ticket_code(participant(make_user, event))
    client = as_user(app, event.organisers[0])

    assert client.post(f"/api/events/{event.slug}/attendance", json={"code": code}).status_code == 401
    assert marks() == []


def test_a_token_of_event_a_cannot_act_on_event_b(app, make_event, make_session, make_user, client):
    event_a, event_b = make_event(), make_event()
    session_b = make_session(event_b)
    code_b = ticket_code(participant(make_user, event_b))
    raw_a = new_token(event_a)

    assert scan(client, event_b, raw_a, code_b).status_code == 403
    assert scan(client, event_b, raw_a, code_b, session_b.id).json["error"] == "forbidden"
    assert look_up(client, event_b, raw_a, code_b).status_code == 403
    assert marks() == []


def test_a_session_of_another_event_is_404(app, make_event, make_session, make_user, client):
    event, other_event = make_event(), make_event()
    other_session = make_session(other_event)
    code = ticket_code(participant(make_user, event))
    raw = new_token(event)

    response = scan(client, event, raw, code, other_session.id)

    assert response.status_code == 404 and response.json["error"] == "not_found"
    assert scan(client, event, raw, code, 999999).status_code == 404
    assert marks() == []


def test_a_cancelled_session_is_refused(app, make_event, make_session, make_user, client):
    event = make_event()
    session = make_session(event, cancelled=True)

    response = scan(client, event, new_token(event), ticket_code(participant(make_user, event)), session.id)

    assert response.status_code == 409 and response.json["error"] == "session_cancelled"
    assert marks() == []


def test_malformed_requests_answer_400_in_json(app, make_event, make_user, client):
    event = make_event()
    code = ticket_code(participant(make_user, event))
    raw = new_token(event)
    url = f"/api/events/{event.slug}/attendance"

    bodies = [
        "{not json",
        "[1, 2]",
        '"a string"',
        '{"session_id": null}',
        '{"code": 12}',
        f'{{"code": "{code}", "session_id": "12"}}',
        f'{{"code": "{code}", "session_id": true}}',
    ]
    for body in bodies:
        response = client.post(url, data=body, headers={**bearer(raw), "Content-Type": "application/json"})
        assert response.status_code == 400 and response.json["error"] == "bad_request", body
    assert marks() == []


def test_a_code_of_another_event_an_unknown_and_a_very_long_code_change_nothing(app, make_event, make_user, client):
    event, other_event = make_event(), make_event()
    other_code = ticket_code(make_registration(other_event, make_user(full_name="Someone Elsewhere")))
    raw = new_token(event)

    elsewhere = scan(client, event, raw, other_code).json
    assert elsewhere["status"] == "not_this_event" and elsewhere["ok"] is False
    assert "name" not in elsewhere and "Someone Elsewhere" not in str(elsewhere)
    assert look_up(client, event, raw, other_code).json == {
        "status": "not_this_event",
        "ok": False,
        "message": "Not registered for this event",
    }
    assert scan(client, event, raw, "NOSUCHCODE").json["status"] == "unknown"
    assert scan(client, event, raw, "A" * 10000).json["status"] == "unknown"
    assert look_up(client, event, raw, "%3Cscript%3E").json["status"] == "unknown"
    assert look_up(client, event, raw, "%00<script>").json["error"] == "not_found"  # no address has a NUL
    assert marks() == []


def test_a_cancelled_registration_is_not_checked_in(app, make_event, make_user, client):
    event = make_event()
    registration = participant(make_user, event, State.CANCELLED)
    raw = new_token(event)

    answer = scan(client, event, raw, ticket_code(registration)).json

    assert (answer["status"], answer["state"], answer["message"]) == (
        "not_confirmed",
        "cancelled",
        "Registration not confirmed",
    )
    assert look_up(client, event, raw, ticket_code(registration)).json["status"] == "not_confirmed"
    assert marks() == []


# --- work per scan -------------------------------------------------------------------------------


def test_a_scan_takes_a_handful_of_queries(app, make_event, make_user, client):
    """The token by its hash, the registration by its code, the registration locked, its mark, and the
    inserts (SQLite reads the event once more after taking its write lock)."""
    event = make_event()
    registration = participant(make_user, event)
    code = ticket_code(registration)
    raw = new_token(event)
    look_up(client, event, raw, code)  # the token's "last used" is written now, not during the scans below
    url = f"/api/events/{event.slug}/attendance"

    def queries_of_one_scan() -> list[str]:
        statements = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", record)
        try:
            response = client.post(url, json={"code": code, "session_id": None}, headers=bearer(raw))
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", record)
        assert response.status_code == 200
        return [s for s in statements if s.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE"))]

    first, second = queries_of_one_scan(), queries_of_one_scan()

    assert len(first) <= 8, first
    assert len(second) <= 6, second  # the lock is released at once, so the answer reads the mark again
