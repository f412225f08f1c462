"""The administrators' dashboard: events by state, registrations, what falls due in the next two
weeks, e-mails that failed for good (sent again from there) and long work, in a fixed number of
statements however many events and people there are; for platform administrators only."""

import re
from datetime import timedelta
from itertools import count

import pytest

from workshop.certificates.models import Certificate
from workshop.events.models import EventStatus
from workshop.extensions import db
from workshop.jobs.models import Job, JobState
from workshop.letters.models import LetterRequest, LetterStatus
from workshop.mail.models import Delivery, OutboxMessage
from workshop.registration.states import State
from workshop.timeutil import utcnow

from .conftest import as_user, counted_statements, submit

_numbers = count()


def section(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</section>", start)] if "</section>" in page[start:] else page[start:]


def count_in(page: str, testid: str, state: str) -> int:
    match = re.search(
        rf'data-state="{state}">.*?<(?:strong|span class="badge[^"]*")>(\d+)<', section(page, testid), re.S
    )
    assert match, f"no count for {state} in {testid}"
    return int(match.group(1))


def failed_message(event=None, recipient="lost@example.org") -> OutboxMessage:
    message = OutboxMessage(
        event_id=event.id if event else None,
        recipient=recipient,
        subject="Your place is confirmed",
        text="text",
        html="<p>text</p>",
        message_id=f"<{next(_numbers)}@workshops.test>",
        state=Delivery.FAILED,
        attempts=5,
        last_error="550 mailbox unavailable",
    )
    db.session.add(message)
    db.session.commit()
    return message


def failed_job(event, error="The storage was full") -> Job:
    job = Job(kind="issue_certificates", event_id=event.id, state=JobState.FAILED, error=error, finished_at=utcnow())
    db.session.add(job)
    db.session.commit()
    return job


def test_events_are_counted_by_state_and_linked_to_their_lists(app, make_user, make_event):
    make_event(status=EventStatus.DRAFT)
    make_event()
    make_event()
    make_event(status=EventStatus.ARCHIVED)
    make_event(status=EventStatus.DRAFT, is_template=True)  # a template is not an event

    page = as_user(app, make_user(is_admin=True)).get("/admin/").get_data(as_text=True)

    counts = {s.value: count_in(page, "events-by-state", s.value) for s in EventStatus}
    assert counts == {"draft": 1, "published": 2, "closed": 0, "archived": 1}
    assert 'href="/manage/events?show=archived"' in section(page, "events-by-state")


def test_registrations_are_counted_by_state_and_for_the_last_week(app, make_user, make_event, add_registration):
    event = make_event()
    add_registration(event, State.CONFIRMED)
    add_registration(event, State.CONFIRMED, created_at=utcnow() - timedelta(days=8))
    add_registration(event, State.PENDING)
    add_registration(event, State.CANCELLED)

    page = as_user(app, make_user(is_admin=True)).get("/admin/").get_data(as_text=True)

    assert (count_in(page, "registrations", "confirmed"), count_in(page, "registrations", "pending")) == (2, 1)
    assert re.search(r'registrations-total">All registrations <span[^>]*>4<', page)
    assert re.search(r'registrations-last-week">In the last 7 days <span[^>]*>3<', page)


def test_deadlines_of_the_next_two_weeks_and_what_waits_for_organisers(app, make_user, make_event, add_registration):
    now = utcnow()
    closing = make_event(title="Closes next week", registration_closes_at=now + timedelta(days=7))
    make_event(title="Closes next month", registration_closes_at=now + timedelta(days=30))
    make_event(title="Starts in three days", starts_in_days=3)
    make_event(title="Draft starting soon", status=EventStatus.DRAFT, starts_in_days=3)
    ended = make_event(title="Ended last week", starts_in_days=-9, days=2)
    with_certificate = add_registration(ended, State.CONFIRMED)
    add_registration(ended, State.CONFIRMED)
    add_registration(ended, State.CANCELLED)
    db.session.add(Certificate(registration_id=with_certificate.id, code="a" * 20, holder_name="Holder"))
    visa = add_registration(closing, State.CONFIRMED, visa_letter_needed=True)
    db.session.add(LetterRequest(registration_id=visa.id, status=LetterStatus.REQUESTED))
    db.session.commit()

    page = as_user(app, make_user(is_admin=True)).get("/admin/").get_data(as_text=True)

    assert "Closes next week" in section(page, "closing") and "Closes next month" not in page
    assert "Starts in three days" in section(page, "starting") and "Draft starting soon" not in page
    certificates = section(page, "certificates-waiting")
    assert "Ended last week" in certificates and "1 confirmed participant without a certificate" in certificates
    assert f'href="/manage/events/{ended.slug}/certificates"' in certificates
    letters = section(page, "letters-waiting")
    assert "Closes next week" in letters and "1 letter to decide" in letters


def test_failed_e_mails_are_listed_and_sent_again(app, make_user, make_event, mailbox):
    event = make_event(title="Workshop with a bad address")
    of_event, of_account = failed_message(event), failed_message(recipient="new@example.org")
    sent = failed_message(recipient="fine@example.org")
    sent.state = Delivery.SENT
    db.session.commit()
    client = as_user(app, make_user(is_admin=True))

    page = client.get("/admin/").get_data(as_text=True)

    failed = section(page, "failed-emails")
    assert "550 mailbox unavailable" in failed and "Workshop with a bad address" in failed
    assert f'data-message="{of_account.id}"' in failed and f'data-message="{sent.id}"' not in failed
    response = submit(
        client, "/admin/emails/resend", {"message_id": of_account.id}, form_url="/admin/", follow_redirects=True
    )
    assert "Messages queued to be sent again: 1." in response.get_data(as_text=True)
    assert mailbox.last_to("new@example.org")["Subject"] == "Your place is confirmed"
    assert db.session.get(OutboxMessage, of_event.id).state is Delivery.FAILED

    submit(client, "/admin/emails/resend", {}, form_url="/admin/")
    db.session.expire_all()
    assert db.session.get(OutboxMessage, of_event.id).state is Delivery.SENT


def test_sending_again_a_message_that_did_not_fail_is_refused(app, make_user, mailbox):
    message = failed_message()
    message.state = Delivery.SENT
    db.session.commit()
    client = as_user(app, make_user(is_admin=True))

    response = submit(
        client, "/admin/emails/resend", {"message_id": message.id}, form_url="/admin/", follow_redirects=True
    )

    assert "Only failed messages can be sent again." in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_jobs_are_counted_and_the_last_failures_shown(app, make_user, make_event):
    event = make_event(title="Workshop whose certificates failed")
    failed_job(event)
    db.session.add(Job(kind="issue_certificates", event_id=event.id, state=JobState.QUEUED))
    db.session.commit()

    page = as_user(app, make_user(is_admin=True)).get("/admin/").get_data(as_text=True)

    assert (count_in(page, "job-counts", "queued"), count_in(page, "job-counts", "failed")) == (1, 1)
    jobs = section(page, "jobs")
    assert "The storage was full" in jobs and "Workshop whose certificates failed" in jobs


def test_the_dashboard_asks_as_many_queries_for_many_events_as_for_few(app, make_user, make_event, add_registration):
    def add_some():
        for _ in range(3):
            event = make_event(registration_closes_at=utcnow() + timedelta(days=3), starts_in_days=5)
            ended = make_event(starts_in_days=-5, days=1)
            add_registration(ended, State.CONFIRMED)
            visa = add_registration(event, State.CONFIRMED)
            db.session.add(LetterRequest(registration_id=visa.id))
            db.session.commit()
            failed_message(event)
            failed_job(event)

    client = as_user(app, make_user(is_admin=True))
    add_some()
    client.get("/admin/")  # the first request loads what every request loads once

    def queries() -> int:
        with counted_statements() as statements:
            assert client.get("/admin/").status_code == 200
        return len(statements)

    few = queries()
    add_some()
    add_some()
    assert queries() == few, few


@pytest.mark.parametrize("who", ["participant", "event_creator", "organiser"])
def test_only_administrators_see_the_dashboard_and_send_e_mails_again(app, make_user, make_event, who, mailbox):
    message = failed_message()
    intruder = make_event().organisers[0] if who == "organiser" else make_user(can_create_events=who == "event_creator")
    client = as_user(app, intruder)

    assert client.get("/admin/").status_code == 403
    response = submit(client, "/admin/emails/resend", {"message_id": message.id}, form_url="/account")
    assert response.status_code == 403
    assert db.session.get(OutboxMessage, message.id).state is Delivery.FAILED and mailbox.messages == []
    assert 'href="/admin/"' not in client.get("/").get_data(as_text=True)


def test_administrators_reach_the_dashboard_from_the_menu(app, make_user):
    page = as_user(app, make_user(is_admin=True)).get("/").get_data(as_text=True)
    assert 'href="/admin/"' in page


def test_the_dashboard_speaks_the_administrators_language(app, make_user, make_event, add_registration):
    ended = make_event(starts_in_days=-9, days=2)
    add_registration(ended, State.CONFIRMED)
    failed_message(ended)

    page = as_user(app, make_user(is_admin=True, locale="zh")).get("/admin/").get_data(as_text=True)

    assert "平台管理" in page and "1 名已确认的参会者尚无证书" in page and "发送失败的电子邮件" in page
