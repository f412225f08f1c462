"""The audit trail: every change by an organiser, a staff member, an admin or the system, and every
download of personal data, is recorded once, with who, when, from where, on what and what changed;
organisers read their event's log, admins all of it; nobody can change it through the product."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from workshop.attendance import recording, tokens
from workshop.attendance.models import Attendance, Method, check_in_staff
from workshop.audit import Actor, LogIsReadOnly, acting_as, forget_person
from workshop.audit.models import AuditEntry
from workshop.audit.recording import record_check_in_staff
from workshop.audit.retention import delete_expired_entries
from workshop.events.models import Event, EventStatus
from workshop.extensions import db
from workshop.letters.models import LetterRequest
from workshop.registration.models import Registration
from workshop.registration.states import State

from .conftest import as_user, counted_statements, submit
from .test_events import EVENT_FORM


def log_url(event, **filters) -> str:
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return f"/manage/events/{event.slug}/log" + (f"?{query}" if query else "")


def entries(**where) -> list[AuditEntry]:
    db.session.expire_all()
    query = db.select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(db.session.scalars(query))


def entry_count() -> int:
    return db.session.scalar(db.select(db.func.count(AuditEntry.id)))


def edit_form(event, **changes) -> dict:
    return EVENT_FORM | {"status": event.status.value} | changes


def shown_entries(page: str) -> int:
    return len(re.findall(r'data-testid="log-entry"', page))


# --- recording ------------------------------------------------------------------------------------


def test_an_edit_through_the_page_is_recorded_once_with_before_after_who_where_and_the_event(app, make_event):
    event = make_event(city="Nottingham", capacity=40)
    organiser = event.organisers[0]
    client = as_user(app, organiser)

    submit(client, f"/manage/events/{event.slug}/edit", edit_form(event, city="Beijing", capacity="80"))

    [entry] = entries(object_type="Event", action="changed")
    assert (entry.actor_id, entry.actor_label, entry.address) == (organiser.id, organiser.email, "127.0.0.1")
    assert (entry.event_id, entry.object_id) == (event.id, event.id)
    assert entry.changes["capacity"] == [40, 80]
    assert list(entry.changes["city"][0].values()) == ["Nottingham"]
    assert list(entry.changes["city"][1].values()) == ["Beijing"]
    assert "agenda_revision" not in entry.changes and "updated_at" not in entry.changes

    page = client.get(log_url(event)).get_data(as_text=True)
    assert "Nottingham" in page and "Beijing" in page
    assert '<th scope="col">Before</th>' in page
    assert '<th scope="row" class="fw-normal">Capacity</th><td class="text-break">40</td>' in page


def test_a_refused_edit_records_nothing_of_the_change(app, make_event):
    event = make_event(city="Nottingham")
    client = as_user(app, event.organisers[0])
    before = entry_count()

    submit(client, f"/manage/events/{event.slug}/edit", edit_form(event, city="Leeds", timezone="Nowhere/City"))

    assert entry_count() == before
    assert db.session.get(Event, event.id).city.get("en") == "Nottingham"


def test_a_new_and_a_deleted_object_name_their_fields_and_their_event(app, make_event, make_user, add_registration):
    event = make_event()
    registration = add_registration(event, full_name="Li Wei", state=State.PENDING)

    [created] = entries(object_type="Registration", action="created")
    assert created.event_id == event.id and created.object_id == registration.id
    assert created.summary == "Li Wei"
    assert created.changes["state"] == [None, "pending"]
    assert created.actor_label == "system"  # written by the test, outside any request

    db.session.delete(db.session.get(Registration, registration.id))
    db.session.commit()
    [deleted] = entries(object_type="Registration", action="deleted")
    assert deleted.changes["full_name"] == ["Li Wei", None]


def test_a_decision_on_a_registration_is_recorded_as_its_organiser(app, make_event, add_registration):
    event = make_event(approval_required=True)
    registration = add_registration(event, state=State.PENDING)
    organiser = event.organisers[0]
    client = as_user(app, organiser)

    submit(
        client,
        f"/manage/events/{event.slug}/registrations",
        {"action": "approve", "ids": [str(registration.id)]},
    )

    [entry] = entries(object_type="Registration", action="changed")
    assert entry.changes["state"] == ["pending", "confirmed"]
    assert entry.actor_id == organiser.id


def test_naming_a_co_organiser_and_check_in_staff_is_recorded(app, make_event, make_user):
    event = make_event()
    colleague, helper = make_user(full_name="Zhang San"), make_user(full_name="Wang Wu")
    client = as_user(app, event.organisers[0])

    submit(client, f"/manage/events/{event.slug}/team", {"email": colleague.email, "role": "organiser"})
    submit(client, f"/manage/events/{event.slug}/team", {"email": helper.email, "role": "check_in_staff"})

    [organisers] = [e for e in entries(object_type="Event", action="changed") if "organisers" in e.changes]
    assert "Zhang San" not in organisers.changes["organisers"][0]
    assert "Zhang San" in organisers.changes["organisers"][1]
    [staff] = entries(object_type="CheckInStaff")
    assert (staff.action, staff.summary, staff.event_id) == ("created", "Wang Wu", event.id)


def test_hundreds_of_attendance_marks_are_recorded_with_one_statement(app, make_event, add_registration):
    event = make_event()
    registration_ids = [add_registration(event).id for _ in range(200)]

    with counted_statements() as statements:
        for registration_id in registration_ids:
            db.session.add(Attendance(registration_id=registration_id, event_id=event.id, slot=0, method=Method.SCAN))
        db.session.commit()

    inserts = [s for s in statements if s.startswith("INSERT INTO audit_entry")]
    assert len(inserts) == 1
    assert len(entries(object_type="Attendance")) == 200


def test_reading_pages_writes_nothing_and_asks_nothing_of_the_log(app, make_event):
    event = make_event()
    client = as_user(app, event.organisers[0])
    before = entry_count()

    with counted_statements() as statements:
        client.get(f"/events/{event.slug}")
        client.get(f"/manage/events/{event.slug}/registrations")

    assert not [s for s in statements if "audit_entry" in s]
    assert entry_count() == before


def test_a_scheduled_job_and_a_command_are_recorded_as_the_system(app, make_event, add_registration):
    event = make_event(starts_in_days=-100, days=1)
    registration = add_registration(event, visa_letter_needed=True)
    letter = LetterRequest(registration_id=registration.id, passport_number="E12345678", passport_name="LI WEI")
    db.session.add(letter)
    db.session.commit()
    client = as_user(app, event.organisers[0])

    client.get(f"/manage/events/{event.slug}/visa-letters")  # opening the page runs the retention rule

    [erased] = entries(object_type="LetterRequest", action="changed")
    assert (erased.actor_id, erased.actor_label) == (None, "system")

    result = app.test_cli_runner().invoke(args=["create-admin", "root@example.org", "--password", "Long enough 123!"])
    assert result.exit_code == 0, result.output
    [admin] = entries(object_type="User", action="created", summary="Administrator")
    assert admin.actor_label == "system"


def test_a_mark_sent_by_a_scanner_device_names_the_device(app, make_event, add_registration):
    event = make_event()
    registration = add_registration(event, full_name="Li Wei")
    code = recording.ticket_for(registration).code
    db.session.commit()
    raw = tokens.create_token(event.organisers[0], event, "Main entrance")[1]
    db.session.commit()

    response = app.test_client().post(
        f"/api/events/{event.slug}/attendance",
        json={"code": code, "session_id": None},
        headers={"Authorization": f"Bearer {raw}"},
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    [mark] = entries(object_type="Attendance")
    assert (mark.actor_id, mark.actor_label, mark.event_id) == (None, "device:Main entrance", event.id)
    page = as_user(app, event.organisers[0]).get(log_url(event, object_type="Attendance")).get_data(as_text=True)
    assert "scanner device “Main entrance”" in page


# --- secrets --------------------------------------------------------------------------------------


def test_secrets_never_enter_the_log(app, make_event, make_user, add_registration):
    user = make_user(full_name="Chen Jing")
    user.set_password("Another long password 1")
    event = make_event()
    registration = add_registration(event, visa_letter_needed=True)
    db.session.add(LetterRequest(registration_id=registration.id, passport_number="G98765432", passport_name="CHEN"))
    db.session.commit()
    client = as_user(app, event.organisers[0])
    response = submit(client, f"/manage/events/{event.slug}/check-in/tokens", {"name": "Front desk phone"})
    token = re.search(r'<code class="fs-5 user-select-all text-break">([^<]+)</code>', response.get_data(as_text=True))

    written = json.dumps([[e.summary, e.changes] for e in entries()], ensure_ascii=False)
    assert db.session.get(type(user), user.id).password_hash not in written
    assert "G98765432" not in written and "CHEN" not in written
    [changed] = entries(object_type="User", action="changed", object_id=user.id)
    assert changed.changes == {"password_hash": ["(changed)", "(changed)"]}
    [device] = entries(object_type="ApiToken")
    assert device.changes["token_hash"] == ["(changed)", "(changed)"]
    assert token is not None and len(token.group(1)) > 20
    assert token.group(1) not in written


# --- downloads ------------------------------------------------------------------------------------


def test_a_download_of_personal_data_records_who_took_it(app, make_event, add_registration):
    event = make_event()
    add_registration(event)
    organiser = event.organisers[0]
    client = as_user(app, organiser)

    response = client.get(f"/manage/events/{event.slug}/registrations/export?col=full_name&col=email&format=csv")

    assert response.status_code == 200
    [download] = entries(action="downloaded")
    assert (download.actor_id, download.event_id, download.object_type) == (organiser.id, event.id, "registration_list")
    assert download.address == "127.0.0.1"
    page = client.get(log_url(event, action="downloaded")).get_data(as_text=True)
    assert "list of registrations" in page


@pytest.mark.parametrize(
    ("address", "what"),
    [
        ("/manage/events/{slug}/badges.pdf", "badges"),
        ("/manage/events/{slug}/attendance.xlsx", "attendance_matrix"),
        ("/manage/events/{slug}/evaluation/answers.csv", "evaluation_results"),
    ],
)
def test_every_export_of_personal_data_records_who_took_it(app, make_event, add_registration, address, what):
    event = make_event()
    add_registration(event)
    organiser = event.organisers[0]

    response = as_user(app, organiser).get(address.format(slug=event.slug))

    assert response.status_code == 200
    [download] = entries(action="downloaded")
    assert (download.actor_id, download.event_id, download.object_type) == (organiser.id, event.id, what)


def test_a_refused_download_records_nothing(app, make_event, make_user, add_registration):
    event = make_event()
    add_registration(event)
    stranger = as_user(app, make_user())
    before = entry_count()

    response = stranger.get(f"/manage/events/{event.slug}/registrations/export?col=full_name")

    assert response.status_code == 403
    assert entry_count() == before


# --- reading the log ------------------------------------------------------------------------------


def test_the_organiser_sees_only_their_events_entries_and_the_filters_work(app, make_event, add_registration):
    event, other = make_event(title="Ours"), make_event(title="Theirs")
    add_registration(event, full_name="Our Participant")
    add_registration(other, full_name="Their Participant")
    client = as_user(app, event.organisers[0])
    submit(client, f"/manage/events/{event.slug}/edit", edit_form(event, capacity="70"))

    page = client.get(log_url(event)).get_data(as_text=True)
    assert "Our Participant" in page and "Their Participant" not in page

    by_kind = client.get(log_url(event, object_type="Registration")).get_data(as_text=True)
    assert "Our Participant" in by_kind and shown_entries(by_kind) == len(
        entries(event_id=event.id, object_type="Registration")
    )
    by_action = client.get(log_url(event, action="changed")).get_data(as_text=True)
    assert shown_entries(by_action) == 1 and "Our Participant" not in by_action
    by_who = client.get(log_url(event, who=event.organisers[0].email)).get_data(as_text=True)
    assert shown_entries(by_who) == len(entries(actor_id=event.organisers[0].id)) > 1
    assert "Our Participant" not in by_who
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert shown_entries(client.get(log_url(event, first_day=tomorrow)).get_data(as_text=True)) == 0
    assert shown_entries(client.get(log_url(event, last_day=tomorrow)).get_data(as_text=True)) >= 2

    wrong = client.get(log_url(event, action="rewritten"))
    assert wrong.status_code == 400
    backwards = client.get(log_url(event, first_day=tomorrow, last_day="2020-01-01"))
    assert "The last day comes before the first." in backwards.get_data(as_text=True)


def test_the_log_is_linked_from_the_organiser_toolbar(app, make_event):
    event = make_event()
    page = as_user(app, event.organisers[0]).get(f"/events/{event.slug}").get_data(as_text=True)
    assert f'href="/manage/events/{event.slug}/log"' in page


def test_other_people_do_not_read_an_events_log(app, make_event, make_user, add_registration):
    event = make_event()
    draft = make_event(status=EventStatus.DRAFT, organiser=make_user(can_create_events=True))
    another_organiser = make_event().organisers[0]
    participant = add_registration(event).user
    staff = make_user()
    db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=staff.id))
    db.session.commit()

    for person in (another_organiser, participant, staff):
        client = as_user(app, person)
        assert client.get(log_url(event)).status_code == 403
        assert client.get(log_url(draft)).status_code == 404
        assert client.get("/admin/log").status_code == 403
    assert app.test_client().get(log_url(event)).status_code == 302  # to the log-in page


def test_the_admin_reads_every_events_entries_and_filters_by_event(app, make_event, make_user, add_registration):
    first, second = make_event(), make_event()
    add_registration(first, full_name="First Person")
    add_registration(second, full_name="Second Person")
    admin = as_user(app, make_user(is_admin=True))

    page = admin.get("/admin/log").get_data(as_text=True)
    assert "First Person" in page and "Second Person" in page
    narrowed = admin.get(f"/admin/log?event={second.id}").get_data(as_text=True)
    assert "Second Person" in narrowed and "First Person" not in narrowed
    assert f'<a href="/manage/events/{second.slug}/log">{second.title}</a>' in narrowed
    assert admin.get(log_url(first)).status_code == 200


def test_the_log_pages_are_in_chinese(app, make_event, make_user):
    event = make_event()
    organiser = make_user(locale="zh", can_create_events=True)
    event.organisers.append(organiser)
    db.session.commit()
    page = as_user(app, organiser).get(log_url(event)).get_data(as_text=True)
    assert "操作记录" in page


# --- the log cannot be changed --------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_no_route_changes_the_log_and_each_attempt_is_recorded(app, make_event, make_user, method):
    event = make_event()
    kept = entries()
    kept_rows = [(e.id, e.action, e.summary, e.changes) for e in kept]
    organiser = as_user(app, event.organisers[0])
    admin = as_user(app, make_user(is_admin=True))
    first = kept[0].id

    answers = [
        organiser.open(log_url(event), method=method).status_code,
        organiser.open(f"{log_url(event)}/{first}", method=method).status_code,
        admin.open("/admin/log", method=method).status_code,
        admin.open(f"/admin/log/{first}", method=method).status_code,
        app.test_client().open(log_url(event), method=method).status_code,
    ]

    assert answers == [405, 404, 405, 404, 405]
    now = entries()
    assert [(e.id, e.action, e.summary, e.changes) for e in now[: len(kept)]] == kept_rows
    attempts = now[len(kept) :]
    assert [e.action for e in attempts if e.action != "created"] == ["log_change_refused"] * 5
    assert next(e.summary for e in attempts if e.action == "log_change_refused") == f"{method} {log_url(event)}"
    assert attempts[-1].actor_label == "visitor"


def test_the_database_refuses_to_change_or_delete_an_entry(app, make_event):
    make_event()
    entry = entries()[0]
    summary = entry.summary

    entry.summary = "Nothing happened"
    with pytest.raises(LogIsReadOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(entries()[0])
    with pytest.raises(LogIsReadOnly):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(LogIsReadOnly):
        db.session.execute(db.delete(AuditEntry))
    db.session.rollback()
    with pytest.raises(LogIsReadOnly):
        db.session.execute(db.update(AuditEntry).values(actor_label="someone else"))
    db.session.rollback()

    assert entries()[0].summary == summary


# --- retention and erasure ------------------------------------------------------------------------


def backdate(days: int, *entry_ids: int) -> None:
    """Written as they would have been ``days`` ago (straight to the table: the product cannot)."""
    db.session.execute(
        AuditEntry.__table__.update()
        .where(AuditEntry.id.in_(entry_ids))
        .values(at=datetime.now(UTC) - timedelta(days=days))
        .execution_options(audit_log_purge=True)
    )
    db.session.commit()


def test_the_retention_job_deletes_only_entries_older_than_the_setting(app, make_event):
    make_event()
    make_event()
    old, recent, *others = [e.id for e in entries()]
    backdate(731, old)
    backdate(729, recent)

    assert delete_expired_entries() == 1

    left = [e.id for e in entries()]
    assert old not in left and recent in left and set(others) <= set(left)
    [purge] = entries(action="log_purged")
    assert purge.actor_label == "system"

    app.config["AUDIT_RETENTION_DAYS"] = 30
    result = app.test_cli_runner().invoke(args=["delete-old-audit-entries"])
    assert result.output == "Entries deleted from the activity log: 1.\n"
    assert recent not in [e.id for e in entries()]


def test_forget_person_erases_their_values_and_relabels_what_they_did(app, make_event, make_user, add_registration):
    event = make_event()
    person = add_registration(event, full_name="Erased Person", dietary_needs="Halal").user
    other = add_registration(event, full_name="Someone Else")
    registration = db.session.scalar(db.select(Registration).where(Registration.user_id == person.id))
    with acting_as(Actor(person.id, person.email, "10.0.0.1")):
        db.session.get(Event, event.id).capacity = 99
        db.session.commit()

    db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=person.id))
    record_check_in_staff(event.id, person.id, added=True)
    db.session.commit()

    forget_person(person.id)
    db.session.commit()

    written = json.dumps([[e.summary, e.changes, e.actor_label, e.address] for e in entries()], ensure_ascii=False)
    assert "Erased Person" not in written and "Halal" not in written and person.email not in written
    assert "10.0.0.1" not in written
    [about] = entries(object_type="Registration", object_id=registration.id)
    assert about.summary == "(erased)" and about.changes["dietary_needs"] == [None, "(erased)"]
    [made] = entries(actor_id=person.id)
    assert (made.actor_label, made.address, made.changes["capacity"]) == ("deleted account", None, [None, 99])
    assert entries(object_type="Registration", object_id=other.id)[0].summary == "Someone Else"
