"""A person's own data: from their account, a participant downloads everything the product holds
about them as a ZIP, built in the background, that only they can download until it expires; and
deletes their account: the person is erased, the events keep their numbers, certificates stay
verifiable without the name, and the address can sign up again."""

import io
import json
import re
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
import requests

from workshop.accounts.models import User
from workshop.agenda.models import Speaker, SpeakerRole
from workshop.audit.models import AuditEntry
from workshop.certificates import services as certificates
from workshop.certificates.models import Certificate
from workshop.events.models import Event, EventKind, EventStatus
from workshop.extensions import db
from workshop.letters import services as letters
from workshop.letters.models import LetterRequest
from workshop.mail.models import OutboxMessage
from workshop.messages.models import MessageRecipient, ParticipantMessage
from workshop.privacy import deletion, export
from workshop.privacy.anonymising import is_placeholder
from workshop.privacy.models import DataExport, ExportState
from workshop.privacy_notice.models import PrivacyNotice
from workshop.registration.models import Answer, OrganisationType, QuestionKind, Registration, Sex
from workshop.registration.states import State
from workshop.storage import LocalDirectory, upload_storage

from .conftest import PASSWORD, as_user, make_registration, run_worker, submit

DATA = "/account/data"


def csrf_token_of(browser, url: str) -> str:
    page = browser.get(url, timeout=30)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.text).group(1)


def text(response) -> str:
    return response.get_data(as_text=True)


def actions(name: str) -> list[AuditEntry]:
    return db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == name)).all()


def export_row(user) -> DataExport | None:
    db.session.expire_all()
    return db.session.scalar(db.select(DataExport).where(DataExport.user_id == user.id))


def download(client, export_id):
    response = client.get(f"{DATA}/exports/{export_id}")
    response.get_data()
    response.close()  # the file it sent
    return response


def message_to_an_earlier_address(event, registration) -> ParticipantMessage:
    """An organisers' message that reached the participant at the address they had then."""
    message = ParticipantMessage(event_id=event.id, subject="Room change", text="We moved to room 4.")
    message.recipients.append(
        MessageRecipient(
            registration_id=registration.id,
            name="Li Wei",
            email="li.wei@old.example.org",
            outbox_message=OutboxMessage(
                event_id=event.id,
                recipient="li.wei@old.example.org",
                subject="Room change",
                text="We moved to room 4.",
                html="",
                message_id=f"<room-change-{registration.id}@workshops.test>",
            ),
        )
    )
    db.session.add(message)
    db.session.commit()
    return message


def ask_for_export(client):
    return submit(client, f"{DATA}/export", {}, form_url=DATA, follow_redirects=True)


@pytest.fixture
def li(app, make_event, make_user, make_question):
    """Li Wei, registered for a workshop that has ended, with an answer, a certificate and a visa letter request."""
    event = make_event(title="Social Dialogue Workshop", starts_in_days=-10)
    question = make_question(event, kind=QuestionKind.LONG_TEXT, label="What do you expect?")
    person = make_user(full_name="Li Wei", native_name="李伟", email="li@example.org")
    registration = make_registration(event, person)
    registration.country, registration.sex = "CN", Sex.MALE
    answer = Answer(question_id=question.id)
    answer.value = "To learn about tripartite dialogue"
    registration.answers.append(answer)
    db.session.add(
        LetterRequest(
            registration_id=registration.id,
            passport_name="LI WEI",
            passport_number="E12345678",
            nationality="CN",
            date_of_birth=date(1985, 3, 1),
            passport_issued_on=date(2020, 1, 1),
            passport_expires_on=date(2035, 1, 1),
            issuing_authority="National Immigration Administration, PRC",
            consulate="British Embassy Beijing, Visa Section",
        )
    )
    registration.visa_letter_needed = True
    db.session.commit()
    certificates.issue(event.organisers[0], event, registration.id, reason="Attended the whole workshop")
    return person, event, registration


# --- the export ------------------------------------------------------------------------------


def test_a_participant_downloads_everything_held_about_them_as_a_zip(app, li, mailbox, make_session, make_speaker):
    person, event, registration = li
    letter = db.session.scalar(db.select(LetterRequest).where(LetterRequest.registration_id == registration.id))
    letters.approve(event.organisers[0], event, letter.id)
    notice = PrivacyNotice(
        event_id=event.id, number=2, controller="ILO", purposes="", recipients="", retention="", rights=""
    )
    db.session.add(notice)
    db.session.flush()
    registration.privacy_notice_id = notice.id
    registration.privacy_accepted_at = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    panel = make_session(event, title="Panel on social dialogue")
    make_speaker(
        event,
        "Li Wei",
        sessions=[panel],
        role=SpeakerRole.CHAIR,
        user=person,
        title="Labour inspector",
        affiliation="Ministry of Human Resources",
        biography="Twenty years of inspections.",
    )
    message_to_an_earlier_address(event, registration)
    client = as_user(app, person)

    page = text(ask_for_export(client))

    assert "Your data is ready" in page
    ready = export_row(person)
    assert ready.state is ExportState.READY
    assert ready.expires_at > datetime.now(UTC) + timedelta(days=6)
    assert db.session.scalar(
        db.select(OutboxMessage).where(
            OutboxMessage.recipient == "li@example.org", OutboxMessage.subject == "Your data is ready to download"
        )
    )
    response = download(client, ready.id)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    read = lambda name: json.loads(archive.read(name))  # noqa: E731
    assert read("profile.json")["email"] == "li@example.org" and read("profile.json")["native_name"] == "李伟"
    [registration] = read("registrations.json")
    assert registration["event"]["en"] == "Social Dialogue Workshop" and registration["country"] == "CN"
    assert registration["answers"] == [
        {"question": {"en": "What do you expect?"}, "answer": "To learn about tripartite dialogue"}
    ]
    assert [certificate["holder_name"] for certificate in read("certificates.json")] == ["Li Wei"]
    [pdf] = [name for name in archive.namelist() if name.startswith("certificates/")]
    assert pdf.endswith(".pdf") and archive.read(pdf).startswith(b"%PDF")
    assert read("visa_letters.json")[0]["passport_number"] == "E12345678"
    [letter] = [name for name in archive.namelist() if name.startswith("visa_letters/")]
    assert archive.read(letter).startswith(b"%PDF")
    assert registration["privacy_notice_version"] == 2
    assert registration["privacy_accepted_at"].startswith("2025-03-01T09:30")
    [profile] = read("speaker_profiles.json")
    assert (profile["full_name"], profile["title"]["en"], profile["affiliation"]["en"]) == (
        "Li Wei",
        "Labour inspector",
        "Ministry of Human Resources",
    )
    assert profile["biography"]["en"] == "Twenty years of inspections."
    assert [(part["session"]["en"], part["role"]) for part in profile["sessions"]] == [
        ("Panel on social dialogue", "chair")
    ]
    subjects = [message["subject"] for message in read("messages.json")]
    assert "Your certificate" in " ".join(subjects)
    assert {"to": "li.wei@old.example.org", "subject": "Room change"}.items() <= next(
        message for message in read("messages.json") if message["subject"] == "Room change"
    ).items()
    assert {"attendance.json", "evaluation_answers.json"} <= set(archive.namelist())
    assert [entry.actor_id for entry in actions("personal_data.downloaded")] == [person.id]


def test_passport_details_already_erased_are_not_in_the_export(app, li):
    person, event, registration = li
    letter = db.session.scalar(db.select(LetterRequest).where(LetterRequest.registration_id == registration.id))
    letter.passport_number, letter.details_erased_at = "", datetime.now(UTC)
    db.session.commit()
    client = as_user(app, person)

    ask_for_export(client)

    archive = zipfile.ZipFile(io.BytesIO(download(client, export_row(person).id).data))
    [kept] = json.loads(archive.read("visa_letters.json"))
    assert "passport_number" not in kept and kept["passport_details_erased_at"]


def test_a_second_request_while_the_export_is_prepared_is_told_so_and_makes_no_second_export(app, li, worker_queue):
    person, _event, _registration = li
    client = as_user(app, person)

    first = text(ask_for_export(client))
    second = text(ask_for_export(client))

    assert "We are preparing a copy of your data" in first
    assert "Your data is already being prepared" in second
    assert db.session.scalar(db.select(db.func.count()).select_from(DataExport)) == 1
    assert [entry.summary for entry in actions("personal_data.export_refused")] == [
        "an export is already being prepared"
    ]
    assert run_worker(worker_queue) >= 1
    assert export_row(person).state is ExportState.READY


def test_a_new_request_after_the_export_is_ready_replaces_it(app, li):
    person, _event, _registration = li
    client = as_user(app, person)
    ask_for_export(client)
    first = export_row(person)
    first_key = first.file_key

    ask_for_export(client)

    again = export_row(person)
    assert again.id == first.id and again.state is ExportState.READY and again.file_key != first_key
    assert download(client, again.id).status_code == 200


def test_nobody_else_can_download_someones_export(app, li, make_user):
    person, event, _registration = li
    ask_for_export(as_user(app, person))
    ready = export_row(person)

    other_participant = as_user(app, make_registration(event, make_user()).user)
    organiser = as_user(app, event.organisers[0])
    admin = as_user(app, make_user(is_admin=True))

    for client in (other_participant, organiser, admin):
        assert client.get(f"{DATA}/exports/{ready.id}").status_code == 404
    visitor = app.test_client().get(f"{DATA}/exports/{ready.id}")
    assert visitor.status_code == 302 and "/login" in visitor.location
    assert len(actions("personal_data.downloaded")) == 0


def test_an_expired_export_can_no_longer_be_downloaded_and_is_deleted(app, li):
    person, _event, _registration = li
    client = as_user(app, person)
    ask_for_export(client)
    ready = export_row(person)
    ready.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()

    assert client.get(f"{DATA}/exports/{ready.id}").status_code == 404
    assert export.delete_expired_exports() == 1
    assert export_row(person) is None
    assert not upload_storage().exists(ready.file_key)


def test_an_export_finished_after_the_account_was_deleted_leaves_no_file(app, li, worker_queue, monkeypatch):
    person, _event, _registration = li
    client = as_user(app, person)
    ask_for_export(client)
    saved = []
    save = LocalDirectory.save
    monkeypatch.setattr(
        LocalDirectory, "save", lambda storage, stream: saved.append(save(storage, stream)) or saved[-1]
    )
    build = export.zip_of

    def deleted_while_built(user):
        data = build(user)
        with app.app_context():  # the person, in another tab, deletes the account meanwhile
            deletion.delete_account(db.session.get(User, user.id), PASSWORD)
        return data

    monkeypatch.setattr(export, "zip_of", deleted_while_built)

    run_worker(worker_queue)

    assert len(saved) == 1 and not upload_storage().exists(saved[0])
    assert db.session.scalar(db.select(db.func.count()).select_from(DataExport)) == 0
    assert db.session.scalar(db.select(User).where(User.email == "li@example.org")) is None
    assert (
        db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.subject == "Your data is ready to download"))
        is None
    )


# --- deleting the account --------------------------------------------------------------------


def delete_account(client, password=PASSWORD):
    return submit(client, "/account/delete", {"password": password}, follow_redirects=True)


def test_deleting_the_account_erases_the_person_and_keeps_the_events_numbers(app, li, make_user, make_question):
    person, event, registration = li
    choice = make_question(event, kind=QuestionKind.SINGLE_CHOICE, label="Sector", options=["Public", "Private"])
    kept_answer = Answer(registration_id=registration.id, question_id=choice.id)
    kept_answer.value = "Public"
    db.session.add(kept_answer)
    db.session.commit()
    code = db.session.scalar(db.select(Certificate.code).where(Certificate.registration_id == registration.id))
    person_id = person.id
    other_device = as_user(app, person)
    client = as_user(app, person)

    page = text(delete_account(client))

    assert "Your account is deleted" in page
    db.session.expire_all()
    assert db.session.scalar(db.select(User).where(User.email == "li@example.org")) is None
    kept = db.session.get(Registration, registration.id)
    assert (kept.country, kept.sex, kept.organisation_type) == ("CN", Sex.MALE, OrganisationType.GOVERNMENT)
    assert (kept.full_name, kept.native_name, kept.organisation) == ("", "", "")
    assert is_placeholder(kept.user) and kept.user.id != person_id
    assert [answer.value for answer in kept.answers] == ["Public"]  # the person's own words are gone
    letter = db.session.scalar(db.select(LetterRequest).where(LetterRequest.registration_id == registration.id))
    assert letter.passport_number == "" and letter.details_erased_at is not None
    assert db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.recipient == "li@example.org")) is None
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(Registration).where(Registration.event_id == event.id))
        == 1
    )
    assert other_device.get("/account").status_code == 302  # every log-in ended
    [deleted] = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "deleted", AuditEntry.object_type == "User")
    ).all()
    assert deleted.object_id == person_id and deleted.actor_label == "deleted account"

    verification = text(app.test_client().get(f"/certificates/verify/{code}"))
    assert "Valid certificate" in verification
    assert "A participant who has since deleted their account" in verification and "Li Wei" not in verification


def li_organises_with_someone(person, make_user) -> Event:
    """An event Li Wei organises with a colleague, so the log has entries that list him among others."""
    colleague = make_user(full_name="Chen Jing")
    co_organised = Event(
        slug="co-organised",
        kind=EventKind.WORKSHOP,
        title="Co-organised workshop",
        timezone="Asia/Shanghai",
        starts_at=datetime.now(UTC) + timedelta(days=40),
        ends_at=datetime.now(UTC) + timedelta(days=41),
    )
    co_organised.organisers = [person, colleague]
    db.session.add(co_organised)
    db.session.commit()
    return co_organised


def log_mentions(*words: str) -> list[str]:
    """What the activity log still says with any of ``words``, anywhere in an entry."""
    db.session.expire_all()
    kept = [
        json.dumps([entry.actor_label, entry.summary, entry.changes], ensure_ascii=False)
        for entry in db.session.scalars(db.select(AuditEntry))
    ]
    return [line for line in kept if any(word in line for word in words)]


def test_deleting_the_account_leaves_nothing_of_the_person_in_the_activity_log(app, li, make_user):
    person, event, registration = li
    client = as_user(app, person)
    certificate = db.session.scalar(db.select(Certificate).where(Certificate.registration_id == registration.id))
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 200
    li_organises_with_someone(person, make_user)
    assert log_mentions("Li Wei", "李伟", "li@example.org", "tripartite", "E12345678") != []  # all recorded so far

    delete_account(client)

    assert log_mentions("Li Wei", "李伟", "li@example.org", "tripartite", "E12345678") == []
    assert any(entry.object_id == registration.id for entry in db.session.scalars(db.select(AuditEntry)))


def test_a_speakers_photo_and_address_go_with_the_account(app, li, make_speaker):
    person, event, _registration = li
    speaker = make_speaker(event, "Li Wei")
    photo = upload_storage().save(io.BytesIO(b"a photo"))
    speaker.user_id, speaker.email, speaker.photo_key, speaker.photo_type = person.id, person.email, photo, "image/png"
    db.session.commit()

    delete_account(as_user(app, person))

    db.session.expire_all()
    kept = db.session.get(Speaker, speaker.id)
    assert (kept.user_id, kept.email, kept.photo_key) == (None, "", "")
    assert kept.full_name == "Li Wei"  # the published programme keeps the name
    assert not upload_storage().exists(photo)


def test_the_admins_list_of_users_does_not_show_the_anonymised_registrations_placeholders(app, li, make_user):
    person, _event, _registration = li
    delete_account(as_user(app, person))

    page = text(as_user(app, make_user(is_admin=True, full_name="Ada Admin")).get("/admin/users"))

    assert "Ada Admin" in page and "anonymised.invalid" not in page


def test_the_deleted_address_can_sign_up_again(app, li):
    person, _event, _registration = li
    delete_account(as_user(app, person))

    client = app.test_client()
    refused = client.post("/login", data={"email": "li@example.org", "password": PASSWORD})
    assert refused.status_code != 302
    signed_up = submit(
        client,
        "/signup",
        {
            "email": "li@example.org",
            "full_name": "Li Wei",
            "native_name": "",
            "locale": "en",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )

    assert signed_up.status_code == 200 and "li@example.org" in text(signed_up)
    assert db.session.scalar(db.select(User).where(User.email == "li@example.org")) is not None


def test_a_place_at_an_event_still_to_come_goes_to_the_waiting_list(app, make_event, make_user):
    event = make_event(capacity=1)
    leaving = make_registration(event, make_user(email="leaving@example.org"))
    waiting = make_registration(event, make_user(), state=State.WAITLISTED)
    waiting.waitlist_seq = 1
    db.session.commit()

    delete_account(as_user(app, leaving.user))

    db.session.expire_all()
    assert db.session.get(Registration, leaving.id).state is State.CANCELLED
    assert db.session.get(Registration, waiting.id).state is State.CONFIRMED


def test_a_wrong_password_deletes_nothing(app, li):
    person, _event, registration = li
    client = as_user(app, person)

    page = text(delete_account(client, password="not my password"))

    assert "The password is not right." in page
    db.session.expire_all()
    assert db.session.get(User, person.id).email == "li@example.org"
    assert db.session.get(Registration, registration.id).full_name == "Li Wei"
    assert client.get("/account").status_code == 200
    assert [entry.summary for entry in actions("account.deletion_refused")] == ["wrong password"]


def test_deleting_the_account_deletes_the_e_mails_sent_to_an_earlier_address(app, li):
    person, event, registration = li
    message = message_to_an_earlier_address(event, registration)

    delete_account(as_user(app, person))

    db.session.expire_all()
    assert (
        db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.recipient == "li.wei@old.example.org")) is None
    )
    assert db.session.get(ParticipantMessage, message.id) is not None  # the organisers' message itself stays


def test_the_refusal_reads_in_the_administrators_language_in_the_log(app, li, make_user):
    person, _event, _registration = li
    delete_account(as_user(app, person), password="not my password")

    log = text(as_user(app, make_user(is_admin=True, locale="zh")).get("/admin/log"))

    assert "试图删除自己的账户（被拒绝）" in log and "密码错误" in log and "wrong password" not in log


def test_the_only_organiser_of_an_event_cannot_delete_their_account_until_it_has_another(app, make_event, make_user):
    organiser = make_user(full_name="Maria Rossi", can_create_events=True)
    organiser_id = organiser.id
    event = make_event(organiser=organiser, title="Labour Inspection Training")
    over = make_event(organiser=organiser, title="An old workshop", starts_in_days=-30)  # its participants remain
    archived = make_event(organiser=organiser, title="An archived course", status=EventStatus.ARCHIVED)
    make_event(organiser=organiser, title="My usual workshop", is_template=True)  # starts events, holds nobody
    client = as_user(app, organiser)

    warned = text(client.get("/account/delete"))
    page = text(delete_account(client))

    assert "Labour Inspection Training" in warned and "An old workshop" in warned
    assert "An archived course" in warned and "My usual workshop" not in warned
    assert "Add another organiser to the team of each before you delete your account" in page
    assert "You are the only organiser of: An old workshop; Labour Inspection Training" in page
    assert "An archived course" in page and "My usual workshop" not in page
    db.session.expire_all()
    assert db.session.get(User, organiser_id) is not None
    [attempt] = actions("account.deletion_refused")
    assert attempt.summary == "only organiser of an event"
    assert sorted(attempt.changes["events"]) == sorted([event.id, over.id, archived.id])

    colleague = make_user()
    for held in (event, over, archived):
        db.session.get(Event, held.id).organisers.append(colleague)
    db.session.commit()
    assert "Your account is deleted" in text(delete_account(client))
    db.session.expire_all()
    for held in (event, over, archived):
        assert [user.id for user in db.session.get(Event, held.id).organisers] == [colleague.id]


def test_deleting_the_account_locks_the_events_they_organise_before_counting_their_organisers(
    app, make_event, make_user, monkeypatch
):
    """Two co-organisers deleting their accounts at once (or one removed from the team meanwhile)
    must not both count the other and leave the event with nobody: the second waits on the events'
    rows, locked in the order of their ids so that the two never wait for each other."""
    maria, ahmed = make_user(can_create_events=True), make_user(can_create_events=True)
    events = [make_event(organiser=maria) for _ in range(3)]
    for event in events:
        event.organisers.append(ahmed)
    db.session.commit()
    steps = []
    lock = deletion.lock_for_update
    count = deletion.events_only_they_organise

    def locking(model, row_id):
        steps.append((model.__name__, row_id))
        return lock(model, row_id)

    def counting(user):
        steps.append("count")
        return count(user)

    monkeypatch.setattr(deletion, "lock_for_update", locking)
    monkeypatch.setattr(deletion, "events_only_they_organise", counting)

    deletion.delete_account(maria, PASSWORD)

    assert steps[: steps.index("count") + 1] == [
        ("User", maria.id),
        *[("Event", event.id) for event in sorted(events, key=lambda event: event.id)],
        "count",
    ]


def test_the_account_page_leads_to_the_data_and_the_deletion(app, make_user):
    client = as_user(app, make_user())

    page = text(client.get("/account"))

    assert 'href="/account/data"' in page and 'href="/account/delete"' in page
    assert app.test_client().get(DATA).status_code == 302


def test_two_requests_sent_at_the_same_moment_make_one_export(app, li, live_url, worker_queue):
    person, _event, _registration = li
    browsers = []
    for _ in range(2):  # the same person in two tabs, or a double click
        browser = requests.Session()
        token = csrf_token_of(browser, f"{live_url}/login")
        browser.post(f"{live_url}/login", data={"csrf_token": token, "email": person.email, "password": PASSWORD})
        token = csrf_token_of(browser, f"{live_url}{DATA}")
        browsers.append((browser, token))
    barrier = threading.Barrier(2)

    def send(browser_and_token):
        browser, token = browser_and_token
        barrier.wait()
        with browser:
            return browser.post(
                f"{live_url}{DATA}/export", data={"csrf_token": token}, allow_redirects=False
            ).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(pool.map(send, browsers))

    assert statuses == [302, 302]
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(DataExport)) == 1
    assert len(actions("personal_data.export_requested")) == 1
    assert len(actions("personal_data.export_refused")) == 1


def test_an_export_lost_on_the_way_can_be_asked_for_again_after_an_hour(app, li, worker_queue):
    person, _event, _registration = li
    client = as_user(app, person)
    ask_for_export(client)
    worker_queue.flush()  # the worker never ran it
    lost = export_row(person)
    lost.requested_at = datetime.now(UTC) - timedelta(hours=2)
    db.session.commit()

    page = text(ask_for_export(client))

    assert "We are preparing a copy of your data" in page
    assert run_worker(worker_queue) >= 1
    assert export_row(person).state is ExportState.READY
