"""The organisers' part of the JSON API: personal tokens made on the account's page (shown once,
kept hashed, revoked), scoped to events and to reading or writing; registrations decided by the
same rules as the organisers' page; attendance, certificates and the export. Every refusal changes
nothing and is recorded."""

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest

from workshop.api_v1 import tokens
from workshop.api_v1.models import PersonalToken
from workshop.attendance.models import Attendance
from workshop.audit.models import AuditEntry
from workshop.certificates.models import Certificate
from workshop.extensions import db
from workshop.registration.states import State

from .conftest import login, submit

TOKENS_PAGE = "/account/api-tokens"


def entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json(force=True)


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def event(make_event):
    return make_event(capacity=1, approval_required=True)


@pytest.fixture
def organiser(event):
    return event.organisers[0]


def token_for(organiser, *events, write=True, expires_on=None) -> str:
    _token, raw = tokens.create_token(organiser, "Dashboard", [e.id for e in events], write, expires_on)
    return raw


# --- the tokens page -------------------------------------------------------------------------


def test_an_organiser_makes_a_token_sees_it_once_and_only_its_hash_is_kept(client, event, organiser, make_event):
    other = make_event(organiser=organiser)
    login(client, organiser)

    made = submit(client, TOKENS_PAGE, {"name": "Dashboard", "events": [str(event.id)], "access": "read"})

    page = made.get_data(as_text=True)
    raw = page.split('data-testid="new-token"')[1].split("<code")[1].split(">")[1].split("<")[0]
    token = db.session.scalar(db.select(PersonalToken))
    assert token.name == "Dashboard" and [e.id for e in token.events] == [event.id] and not token.can_write
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {token.name, token.token_hash}
    assert made.headers["Cache-Control"] == "no-store"
    again = client.get(TOKENS_PAGE).get_data(as_text=True)
    assert raw not in again and "Dashboard" in again and "Never" in again
    assert client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(raw)).status_code == 200
    assert client.get(f"/api/v1/events/{other.id}/registrations", headers=bearer(raw)).status_code == 403
    db.session.refresh(token)
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "access": "read"}, "Give the token a name"),
        ({"name": "Dashboard", "access": "read"}, "Choose at least one event"),
        ({"name": "x" * 101, "access": "read"}, "101"),
    ],
)
def test_a_token_with_bad_input_is_not_made(client, event, organiser, data, message):
    login(client, organiser)
    if "Choose" not in message:
        data = {**data, "events": [str(event.id)]}

    page = submit(client, TOKENS_PAGE, data)

    assert page.status_code == 200
    assert (message in page.get_data(as_text=True)) or message == "101"
    assert 'aria-invalid="true"' in page.get_data(as_text=True)
    assert db.session.scalar(db.select(PersonalToken)) is None


def test_a_token_cannot_name_an_event_its_maker_does_not_organise(client, event, organiser, make_event):
    stranger = make_event()
    login(client, organiser)

    page = submit(client, TOKENS_PAGE, {"name": "Sneaky", "events": [str(stranger.id)], "access": "write"})

    assert page.status_code == 200 and 'aria-invalid="true"' in page.get_data(as_text=True)
    assert db.session.scalar(db.select(PersonalToken)) is None


def test_a_past_expiry_date_is_refused(client, event, organiser):
    login(client, organiser)

    page = submit(
        client, TOKENS_PAGE, {"name": "Old", "events": [str(event.id)], "access": "read", "expires_on": "2020-01-01"}
    )

    assert "The expiry date must be after today." in page.get_data(as_text=True)
    assert db.session.scalar(db.select(PersonalToken)) is None


def test_a_participant_has_no_tokens_page_and_nobody_revokes_anothers_token(client, event, organiser, make_user):
    raw = token_for(organiser, event)
    token = db.session.scalar(db.select(PersonalToken))
    login(client, make_user())

    assert client.get(TOKENS_PAGE).status_code == 403
    assert submit(client, f"{TOKENS_PAGE}/{token.id}/revoke", {}, form_url="/").status_code == 404
    assert client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(raw)).status_code == 200


def test_a_revoked_token_stops_at_once_and_its_use_is_recorded(client, event, organiser):
    raw = token_for(organiser, event)
    token = db.session.scalar(db.select(PersonalToken))
    login(client, organiser)

    revoked = submit(client, f"{TOKENS_PAGE}/{token.id}/revoke", {}, form_url=TOKENS_PAGE)

    assert revoked.status_code == 302
    body = problem_of(client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(raw)), 401)
    assert "revoked" in body["detail"]
    [entry] = entries("api.token_refused")
    assert entry.object_type == "PersonalToken" and entry.object_id == token.id
    assert "Revoked" in client.get(TOKENS_PAGE).get_data(as_text=True)


def test_the_token_of_a_disabled_account_stops_at_once(client, event, organiser):
    raw = token_for(organiser, event)
    assert client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(raw)).status_code == 200
    organiser.disabled_at = datetime.now(UTC)
    db.session.commit()

    body = problem_of(client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(raw)), 401)

    assert "disabled" in body["detail"]
    assert len(entries("api.token_refused")) == 1


def test_revoking_needs_the_pages_csrf_token(client, event, organiser):
    token_for(organiser, event)
    token = db.session.scalar(db.select(PersonalToken))
    login(client, organiser)

    assert client.post(f"{TOKENS_PAGE}/{token.id}/revoke").status_code == 400
    db.session.refresh(token)
    assert token.revoked_at is None


# --- reaching the API --------------------------------------------------------------------------


def test_without_a_valid_token_there_is_no_data(client, event, organiser):
    url = f"/api/v1/events/{event.id}/registrations"
    expired = token_for(organiser, event, expires_on=date.today() + timedelta(days=1))
    db.session.scalar(db.select(PersonalToken)).expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()

    missing = problem_of(client.get(url), 401)
    problem_of(client.get(url, headers=bearer("wmp_not-a-token")), 401)
    problem_of(client.get(url, headers={"Cookie": "session=whatever"}), 401)
    assert "expired" in problem_of(client.get(url, headers=bearer(expired)), 401)["detail"]

    assert "Authorization: Bearer" in missing["detail"]
    assert client.get(url).headers["WWW-Authenticate"].startswith("Bearer")
    assert len(entries("api.token_refused")) == 5


def test_a_signed_in_organisers_cookie_is_not_a_token(client, event, organiser):
    login(client, organiser)

    problem_of(client.get(f"/api/v1/events/{event.id}/registrations"), 401)


def test_a_token_for_another_event_gets_nothing_of_it(client, event, organiser, make_event, add_registration):
    mine = make_event(organiser=organiser)
    add_registration(event, full_name="Li Wei")
    raw = token_for(organiser, mine)

    body = problem_of(client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(raw)), 403)

    assert "Li Wei" not in str(body)
    [entry] = entries("api.token_refused")
    assert entry.event_id == event.id


def test_a_token_stops_reaching_an_event_its_holder_no_longer_organises(client, event, organiser, make_user):
    raw = token_for(organiser, event)
    event.organisers = [make_user(can_create_events=True)]
    db.session.commit()

    problem_of(client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(raw)), 403)


def test_a_read_only_token_cannot_change_anything(client, event, organiser, add_registration):
    pending = add_registration(event, state=State.PENDING)
    raw = token_for(organiser, event, write=False)

    body = problem_of(
        client.post(
            f"/api/v1/events/{event.id}/registrations/{pending.id}/decision",
            json={"action": "approve"},
            headers=bearer(raw),
        ),
        403,
    )

    assert "only read" in body["detail"]
    db.session.refresh(pending)
    assert pending.state is State.PENDING
    assert len(entries("api.token_refused")) == 1


def test_no_other_site_may_call_the_organisers_part(client, event, organiser):
    raw = token_for(organiser, event)

    response = client.get(
        f"/api/v1/events/{event.id}/registrations", headers={**bearer(raw), "Origin": "https://elsewhere.example"}
    )
    preflight = client.options(f"/api/v1/events/{event.id}/registrations", headers={"Origin": "https://x.example"})

    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_the_organisers_part_is_rate_limited_per_token(app, client, event, organiser):
    app.config["API_TOKEN_RATE_LIMIT"] = "2 per minute"
    first, second = token_for(organiser, event), token_for(organiser, event)
    url = f"/api/v1/events/{event.id}/registrations"

    answers = [client.get(url, headers=bearer(first)).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert client.get(url, headers=bearer(second)).status_code == 200


# --- registrations -----------------------------------------------------------------------------


def test_the_registrations_are_listed_filtered_and_in_pages(client, event, organiser, add_registration):
    first = add_registration(event, state=State.CONFIRMED, full_name="Chen Jing")
    add_registration(event, state=State.PENDING, full_name="Anna Schmidt")
    third = add_registration(event, state=State.PENDING, full_name="Ole Hansen")
    raw = token_for(organiser, event, write=False)
    url = f"/api/v1/events/{event.id}/registrations"

    everybody = client.get(f"{url}?per_page=2", headers=bearer(raw)).get_json()
    pending = client.get(f"{url}?state=pending&q=hansen", headers=bearer(raw)).get_json()

    assert [r["full_name"] for r in everybody["items"]] == ["Chen Jing", "Anna Schmidt"] and everybody["total"] == 3
    assert everybody["items"][0]["email"] == first.user.email and everybody["next"]
    assert [r["id"] for r in pending["items"]] == [third.id]
    one = client.get(f"{url}/{first.id}", headers=bearer(raw))
    assert one.get_json()["state"] == "confirmed" and "no-cache" in one.headers["Cache-Control"]


def test_approving_into_a_full_event_puts_on_the_waiting_list_as_the_page_does(
    client, event, organiser, add_registration
):
    add_registration(event, state=State.CONFIRMED)  # the only place is taken
    pending = add_registration(event, state=State.PENDING)
    raw = token_for(organiser, event)

    response = client.post(
        f"/api/v1/events/{event.id}/registrations/{pending.id}/decision",
        json={"action": "approve"},
        headers=bearer(raw),
    )

    assert response.status_code == 200
    assert response.get_json()["registration"]["state"] == "waitlisted"
    db.session.refresh(pending)
    assert pending.state is State.WAITLISTED and pending.changes[-1].actor_id == organiser.id
    changed = [e for e in entries("changed") if e.object_type == "Registration" and e.object_id == pending.id]
    [decision] = changed  # the new state and the place on the waiting list, as one change
    assert decision.changes["state"] == ["pending", "waitlisted"] and decision.changes["waitlist_seq"][1] is not None
    through_the_token = (organiser.id, f"{organiser.email} (API token “Dashboard”)")
    assert {(e.actor_id, e.actor_label) for e in changed} == {through_the_token}
    assert entries("registration.decided") == []


def test_the_log_says_which_token_made_a_decision(client, event, organiser, add_registration):
    pending = add_registration(event, state=State.PENDING)
    raw = token_for(organiser, event)
    client.post(
        f"/api/v1/events/{event.id}/registrations/{pending.id}/decision",
        json={"action": "approve"},
        headers=bearer(raw),
    )
    login(client, organiser)

    url = f"/manage/events/{event.slug}/log?object_type=Registration"
    english = client.get(url).get_data(as_text=True)
    organiser.locale = "zh"
    db.session.commit()
    chinese = client.get(url).get_data(as_text=True)

    assert f"{organiser.email}, with the API token “Dashboard”" in english
    assert f"{organiser.email}（使用 API 令牌“Dashboard”）" in chinese


def test_a_cancellation_gives_the_place_to_the_waiting_list(client, event, organiser, add_registration):
    confirmed = add_registration(event, state=State.CONFIRMED)
    waiting = add_registration(event, state=State.WAITLISTED)
    raw = token_for(organiser, event)

    client.post(
        f"/api/v1/events/{event.id}/registrations/{confirmed.id}/decision",
        json={"action": "cancel", "reason": "Ill"},
        headers=bearer(raw),
    )

    db.session.refresh(waiting)
    assert waiting.state is State.CONFIRMED


def test_a_decision_the_rules_refuse_changes_nothing_and_is_recorded(client, event, organiser, add_registration):
    confirmed = add_registration(event, state=State.CONFIRMED)
    pending = add_registration(event, state=State.PENDING)
    raw = token_for(organiser, event)
    url = f"/api/v1/events/{event.id}/registrations"

    approve_again = problem_of(
        client.post(f"{url}/{confirmed.id}/decision", json={"action": "approve"}, headers=bearer(raw)), 409
    )
    no_reason = problem_of(
        client.post(f"{url}/{pending.id}/decision", json={"action": "reject"}, headers=bearer(raw)), 422
    )

    assert "only pending registrations can be approved" in approve_again["detail"]
    assert "reason" in no_reason["errors"]
    db.session.refresh(confirmed), db.session.refresh(pending)
    assert (confirmed.state, pending.state) == (State.CONFIRMED, State.PENDING)
    refused = entries("api.change_refused")
    assert len(refused) == 2 and {entry.actor_id for entry in refused} == {organiser.id}
    assert {entry.event_id for entry in refused} == {event.id}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"action": "approve", "comment": "hi"}, 422, "comment"),  # an unknown field
        ({"action": 1}, 422, "action"),  # a wrong type
        ({"action": "promote-all"}, 422, "action"),
        ({}, 422, "action"),
        (["approve"], 400, None),  # not an object
    ],
)
def test_a_bad_body_is_refused_with_its_field_and_recorded(
    client, event, organiser, add_registration, body, status, field
):
    pending = add_registration(event, state=State.PENDING)
    raw = token_for(organiser, event)

    problem = problem_of(
        client.post(f"/api/v1/events/{event.id}/registrations/{pending.id}/decision", json=body, headers=bearer(raw)),
        status,
    )

    if field:
        assert list(problem["errors"]) == [field]
    db.session.refresh(pending)
    assert pending.state is State.PENDING
    assert len(entries("api.body_refused")) == 1


def test_a_registration_of_another_event_is_not_found(client, event, organiser, make_event, add_registration):
    elsewhere = add_registration(make_event(), state=State.PENDING)
    raw = token_for(organiser, event)

    problem_of(
        client.post(
            f"/api/v1/events/{event.id}/registrations/{elsewhere.id}/decision",
            json={"action": "approve"},
            headers=bearer(raw),
        ),
        404,
    )
    problem_of(client.get(f"/api/v1/events/{event.id}/registrations/{elsewhere.id}", headers=bearer(raw)), 404)
    db.session.refresh(elsewhere)
    assert elsewhere.state is State.PENDING


def test_the_export_is_the_pages_export_and_its_download_is_recorded(client, event, organiser, add_registration):
    add_registration(event, state=State.CONFIRMED, full_name="Chen Jing")
    raw = token_for(organiser, event, write=False)
    url = f"/api/v1/events/{event.id}/registrations/export"

    csv = client.get(f"{url}?columns=full_name,country", headers=bearer(raw))
    xlsx = client.get(f"{url}?format=xlsx", headers=bearer(raw))

    assert csv.mimetype == "text/csv" and "Chen Jing" in csv.get_data(as_text=True)
    assert csv.headers["Cache-Control"] == "no-store"
    assert xlsx.get_data()[:2] == b"PK"
    exported = entries("personal_data.exported")
    assert len(exported) == 2 and exported[0].actor_id == organiser.id and exported[0].event_id == event.id
    problem_of(client.get(f"{url}?columns=passport", headers=bearer(raw)), 400)


def test_reading_peoples_data_leaves_one_entry_naming_the_tokens_owner(client, event, organiser, add_registration):
    person = add_registration(event, state=State.CONFIRMED)
    raw = token_for(organiser, event, write=False)
    url = f"/api/v1/events/{event.id}/registrations"

    listed = client.get(url, headers=bearer(raw))

    assert listed.status_code == 200
    [read] = entries("downloaded")
    assert (read.actor_id, read.event_id, read.object_type) == (organiser.id, event.id, "api_registrations")
    assert read.actor_label == f"{organiser.email} (API token “Dashboard”)"
    again = client.get(url, headers=bearer(raw) | {"If-None-Match": listed.headers["ETag"]})
    assert again.status_code == 304 and len(entries("downloaded")) == 1  # nothing sent again
    client.get(f"{url}/{person.id}", headers=bearer(raw))
    client.get(f"/api/v1/events/{event.id}/attendance", headers=bearer(raw))
    client.get(f"/api/v1/events/{event.id}/certificates", headers=bearer(raw))
    kinds = [(e.object_type, e.object_id, e.actor_id) for e in entries("downloaded")[1:]]
    assert kinds == [
        ("api_registration", person.id, organiser.id),
        ("api_attendance", None, organiser.id),
        ("api_certificates", None, organiser.id),
    ]


def test_using_a_token_does_not_fill_the_log(client, event, organiser):
    raw = token_for(organiser, event, write=False)
    url = f"/api/v1/events/{event.id}/certificates"

    client.get(url, headers=bearer(raw))
    db.session.execute(db.update(PersonalToken).values(last_used_at=datetime.now(UTC) - timedelta(hours=1)))
    db.session.commit()
    client.get(url, headers=bearer(raw))

    token = db.session.scalar(db.select(PersonalToken))
    db.session.refresh(token)
    assert datetime.now(UTC) - token.last_used_at < timedelta(minutes=1)  # noted again
    assert [e for e in entries("changed") if e.object_type == "PersonalToken"] == []


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("attendance", {"registration_id": 10**20}, "registration_id"),
        ("attendance", {"registration_id": 1, "session_id": 10**20}, "session_id"),
        ("certificates", {"registration_id": 10**20}, "registration_id"),
    ],
)
def test_an_id_beyond_the_database_in_a_body_is_refused_by_its_field(
    client, event, organiser, add_registration, url, body, field
):
    add_registration(event, state=State.CONFIRMED)
    raw = token_for(organiser, event)

    problem = problem_of(client.post(f"/api/v1/events/{event.id}/{url}", json=body, headers=bearer(raw)), 422)

    assert list(problem["errors"]) == [field]
    assert len(entries("api.body_refused")) == 1
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 0


@pytest.mark.parametrize("list_url", ["registrations", "attendance"])
def test_a_page_beyond_the_database_is_refused_by_its_field(client, event, organiser, list_url):
    raw = token_for(organiser, event, write=False)

    problem = problem_of(client.get(f"/api/v1/events/{event.id}/{list_url}?page={10**20}", headers=bearer(raw)), 400)

    assert list(problem["errors"]) == ["page"]
    [entry] = entries("api.query_refused")
    assert entry.actor_id == organiser.id and entry.changes == {"errors": problem["errors"]}


# --- attendance and certificates ---------------------------------------------------------------


def test_attendance_is_marked_once_and_listed(client, event, organiser, add_registration, make_session):
    person = add_registration(event, state=State.CONFIRMED)
    session = make_session(event)
    raw = token_for(organiser, event)
    url = f"/api/v1/events/{event.id}/attendance"

    first = client.post(url, json={"registration_id": person.id, "session_id": session.id}, headers=bearer(raw))
    again = client.post(url, json={"registration_id": person.id, "session_id": session.id}, headers=bearer(raw))
    listed = client.get(f"{url}?session={session.id}", headers=bearer(raw)).get_json()

    assert first.status_code == 201 and first.get_json()["status"] == "checked_in"
    assert again.status_code == 200 and again.get_json()["status"] == "already"
    assert [mark["registration_id"] for mark in listed["items"]] == [person.id]
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 1


def test_attendance_of_a_stranger_or_at_another_events_session_is_refused(
    client, event, organiser, add_registration, make_session, make_event
):
    pending = add_registration(event, state=State.PENDING)
    elsewhere = make_session(make_event())
    raw = token_for(organiser, event)
    url = f"/api/v1/events/{event.id}/attendance"

    problem_of(client.post(url, json={"registration_id": pending.id}, headers=bearer(raw)), 409)
    wrong = problem_of(
        client.post(url, json={"registration_id": pending.id, "session_id": elsewhere.id}, headers=bearer(raw)), 422
    )
    problem_of(client.post(url, json={"registration_id": "12"}, headers=bearer(raw)), 422)

    assert list(wrong["errors"]) == ["session_id"]
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0


def test_a_certificate_is_issued_by_the_rules_of_the_page_and_listed(client, event, organiser, add_registration):
    person = add_registration(event, state=State.CONFIRMED)
    raw = token_for(organiser, event)
    url = f"/api/v1/events/{event.id}/certificates"

    too_early = problem_of(client.post(url, json={"registration_id": person.id}, headers=bearer(raw)), 422)
    issued = client.post(
        url,
        json={"registration_id": person.id, "before_the_end": True, "reason": "Attended the first day in full"},
        headers=bearer(raw),
    )

    assert "before_the_end" in too_early["errors"]
    assert issued.status_code == 201, issued.get_data(as_text=True)
    assert [c["registration_id"] for c in client.get(url, headers=bearer(raw)).get_json()["items"]] == [person.id]
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 1


def test_the_tokens_page_shows_expiry_and_is_linked_from_the_profile_of_organisers_only(
    client, event, organiser, make_user
):
    token_for(organiser, event, write=False, expires_on=date.today() + timedelta(days=30))
    token_for(organiser, event)
    expired = db.session.scalars(db.select(PersonalToken).order_by(PersonalToken.id)).all()[1]
    expired.expires_at = datetime.now(UTC) - timedelta(days=1)
    db.session.commit()
    login(client, organiser)

    page = client.get(TOKENS_PAGE).get_data(as_text=True)

    assert "Expired</span>" in page and "Active</span>" in page and "Read and write" in page
    assert TOKENS_PAGE in client.get("/account").get_data(as_text=True)
    other = client.application.test_client()
    login(other, make_user())
    assert TOKENS_PAGE not in other.get("/account").get_data(as_text=True)
