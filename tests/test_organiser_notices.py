"""Organisers are told what needs them (registrations waiting for approval, visa letter requests,
e-mails that failed for good): at once, in one e-mail a day, or never, as each one chooses for all
their events or for one of them."""

import threading
from datetime import timedelta

import pytest

from workshop.extensions import db
from workshop.mail import delivery
from workshop.mail.models import Delivery, OutboxMessage
from workshop.notices.digest import send_daily_digests
from workshop.notices.models import EventNoticeTiming, NoticeSettings, OrganiserNotice, Timing
from workshop.timeutil import utcnow

from .conftest import as_user, free_port, link_in, make_registration, register, submit, text_part
from .test_letters import passport, request_url, with_visa
from .test_outbox import FlakyMailbox, mail_server, queue_messages

SETTINGS = "/account/notifications"
PENDING_SUBJECT = "A registration for Policy dialogue waits for your approval"


def choose(app, organiser, timing: str, **per_event: str):
    """The organiser's choice, sent from the settings page; ``per_event``: event_<id>=<timing or "">."""
    response = submit(as_user(app, organiser), SETTINGS, {"timing": timing, **per_event})
    assert response.status_code == 302, response.get_data(as_text=True)


def register_someone(app, make_user, event, full_name="Li Wei"):
    user = make_user(full_name=full_name)
    response = register(as_user(app, user), event, full_name=full_name)
    assert response.status_code == 302, response.get_data(as_text=True)
    return user


def digest_time(days_later: int = 0):
    """A moment after the digest hour, ``days_later`` days from today."""
    return utcnow().replace(hour=8, minute=0) + timedelta(days=days_later)


def told(mailbox, organiser) -> list:
    return mailbox.to(organiser.email)


@pytest.fixture
def organiser(make_user):
    return make_user(full_name="Maria Rossi", email="maria@example.org", can_create_events=True)


@pytest.fixture
def event(make_event, organiser):
    return make_event(organiser=organiser, title="Policy dialogue", approval_required=True)


# --- at once ----------------------------------------------------------------------------------


def test_at_once_sends_one_e_mail_for_each_registration_waiting_for_approval(app, make_user, event, organiser, mailbox):
    choose(app, organiser, "at_once")

    register_someone(app, make_user, event, "Li Wei")
    register_someone(app, make_user, event, "Wang Fang")

    received = told(mailbox, organiser)
    assert [m["Subject"] for m in received] == [PENDING_SUBJECT, PENDING_SUBJECT]
    assert "Li Wei, Ministry of Human Resources and Social Security registered for Policy dialogue." in text_part(
        received[0]
    )
    assert "Wang Fang" in text_part(received[1])
    first = db.session.scalar(db.select(OrganiserNotice).order_by(OrganiserNotice.id))
    assert link_in(received[0]) == f"/manage/events/{event.slug}/registrations/{first.object_id}"
    assert as_user(app, organiser).get(link_in(received[0])).status_code == 200
    assert SETTINGS in text_part(received[0])


def test_a_registration_that_needs_no_approval_tells_nobody(app, make_user, make_event, organiser, mailbox):
    event = make_event(organiser=organiser, title="Open forum")
    choose(app, organiser, "at_once")

    register_someone(app, make_user, event)

    assert told(mailbox, organiser) == []
    assert send_daily_digests(digest_time()) == 0


def test_at_once_tells_of_a_visa_letter_request_with_a_link_to_the_requests(
    app, make_user, make_event, organiser, mailbox
):
    event = make_event(organiser=organiser, title="Workshop on migration", country="GB")
    choose(app, organiser, "at_once")
    li = with_visa(make_registration(event, make_user(full_name="Li Wei")))

    response = submit(as_user(app, li.user), request_url(li), passport())

    assert response.status_code == 302
    [message] = told(mailbox, organiser)
    assert message["Subject"] == "A visa invitation letter is requested for Workshop on migration"
    assert "Li Wei asked for a visa invitation letter for Workshop on migration." in text_part(message)
    assert link_in(message) == f"/manage/events/{event.slug}/visa-letters"


def test_the_e_mail_is_in_the_organiser_s_language(app, make_user, event, organiser, mailbox):
    organiser.locale = "zh"
    db.session.commit()
    choose(app, organiser, "at_once")

    register_someone(app, make_user, event)

    [message] = told(mailbox, organiser)
    assert "Policy dialogue" in message["Subject"] and "审核" in message["Subject"]


# --- the daily digest -------------------------------------------------------------------------


def test_the_daily_digest_collects_several_happenings_into_one_e_mail_and_a_second_run_sends_nothing(
    app, make_user, event, organiser, mailbox
):
    for name in ("Li Wei", "Wang Fang", "Zhang Min"):
        register_someone(app, make_user, event, name)
    assert told(mailbox, organiser) == []  # the digest is the default

    assert send_daily_digests(digest_time()) == 1
    assert send_daily_digests(digest_time()) == 0

    [digest] = told(mailbox, organiser)
    assert digest["Subject"] == "Your daily summary: what needs you at your events"
    text = text_part(digest)
    assert "Policy dialogue" in text and "Registrations waiting for your approval (3):" in text
    assert all(name in text for name in ("Li Wei", "Wang Fang", "Zhang Min"))
    assert f"/manage/events/{event.slug}/registrations?state=pending" in text


def test_two_workers_sending_digests_at_once_send_one(app, make_user, event, organiser, mailbox):
    for name in ("Li Wei", "Wang Fang"):
        register_someone(app, make_user, event, name)
    db.session.commit()
    written = []

    def worker():
        with app.app_context():
            written.append(send_daily_digests(digest_time()))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(written) == [0, 0, 1]
    [digest] = told(mailbox, organiser)
    assert "Registrations waiting for your approval (2):" in text_part(digest)


def test_a_registration_refused_leaves_nobody_told(app, make_user, make_event, organiser, mailbox):
    closed = make_event(organiser=organiser, title="Closed seminar", approval_required=True, starts_in_days=-1)
    choose(app, organiser, "at_once")

    response = register(as_user(app, make_user()), closed)

    assert response.status_code == 200
    assert db.session.scalars(db.select(OrganiserNotice)).all() == []
    assert told(mailbox, organiser) == []


def test_the_digest_waits_for_its_hour_and_comes_once_a_day(app, make_user, event, organiser, mailbox):
    register_someone(app, make_user, event, "Li Wei")
    app.config["NOTICE_DIGEST_HOUR"] = 9
    assert send_daily_digests(digest_time().replace(hour=8)) == 0

    assert send_daily_digests(digest_time().replace(hour=10)) == 1
    register_someone(app, make_user, event, "Wang Fang")
    assert send_daily_digests(digest_time().replace(hour=23)) == 0  # the day's digest has left
    assert send_daily_digests(digest_time(days_later=1).replace(hour=10)) == 1
    assert send_daily_digests(digest_time(days_later=2).replace(hour=10)) == 0  # nothing happened

    first, second = told(mailbox, organiser)
    assert "Li Wei" in text_part(first) and "Wang Fang" not in text_part(first)
    assert "Wang Fang" in text_part(second) and "Li Wei" not in text_part(second)


def test_never_sends_nothing(app, make_user, event, organiser, mailbox):
    choose(app, organiser, "never")

    register_someone(app, make_user, event)
    send_daily_digests(digest_time())

    assert told(mailbox, organiser) == []


def test_choosing_never_drops_what_waited_for_the_digest(app, make_user, event, organiser, mailbox):
    register_someone(app, make_user, event)
    choose(app, organiser, "never")
    choose(app, organiser, "daily")

    assert send_daily_digests(digest_time()) == 0
    assert told(mailbox, organiser) == []


def test_one_event_can_have_its_own_choice(app, make_user, make_event, event, organiser, mailbox):
    quiet = make_event(organiser=organiser, title="Quiet seminar", approval_required=True)
    choose(app, organiser, "at_once", **{f"event_{quiet.id}": "never"})

    register_someone(app, make_user, quiet, "Li Wei")
    register_someone(app, make_user, event, "Wang Fang")
    send_daily_digests(digest_time())

    [message] = told(mailbox, organiser)
    assert message["Subject"] == PENDING_SUBJECT and "Wang Fang" in text_part(message)


# --- e-mails that failed ----------------------------------------------------------------------


def test_an_e_mail_refused_for_good_is_told_at_once_to_the_organisers(app, make_user, event, organiser, worker_queue):
    choose(app, organiser, "at_once")
    with mail_server(app, FlakyMailbox(unknown=("participant0@example.org",))) as received:
        queue_messages(app, event, make_user, 2)
        delivery.deliver_due()
        delivery.deliver_due()

    [message] = received.to(organiser.email)
    assert message["Subject"] == "An e-mail of Policy dialogue could not be delivered"
    assert "participant0@example.org: Programme update" in text_part(message)
    assert link_in(message) == f"/manage/events/{event.slug}/emails?state=failed"


def test_an_e_mail_that_failed_every_attempt_goes_into_the_digest(app, make_user, event, organiser, mailbox):
    app.config.update(MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=2)  # nobody answers there
    queue_messages(app, event, make_user, 1)
    delivery.deliver_due(now=utcnow() + timedelta(minutes=5))
    delivery.deliver_due(now=utcnow() + timedelta(minutes=60))
    assert db.session.scalar(db.select(OutboxMessage.state)) is Delivery.FAILED

    assert send_daily_digests(digest_time()) == 1

    db.session.expire_all()
    digest = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.recipient == organiser.email))
    assert "E-mails that could not be delivered (1):" in digest.text
    assert "participant0@example.org: Programme update" in digest.text


def test_an_organiser_s_own_notice_that_fails_is_not_noticed_again(app, make_user, event, organiser, worker_queue):
    choose(app, organiser, "at_once")
    with mail_server(app, FlakyMailbox(unknown=("participant0@example.org", organiser.email))):
        queue_messages(app, event, make_user, 1)
        delivery.deliver_due()
        delivery.deliver_due()

    db.session.expire_all()
    states = db.session.execute(db.select(OutboxMessage.recipient, OutboxMessage.state)).all()
    assert sorted(states) == [(organiser.email, Delivery.FAILED), ("participant0@example.org", Delivery.FAILED)]


# --- who is told --------------------------------------------------------------------------------


def test_the_organisers_of_another_event_are_not_told(app, make_user, make_event, event, organiser, mailbox):
    other = make_user(email="other@example.org", can_create_events=True)
    make_event(organiser=other, title="Another event", approval_required=True)
    choose(app, organiser, "at_once")
    choose(app, other, "at_once")

    register_someone(app, make_user, event)
    send_daily_digests(digest_time())

    assert told(mailbox, other) == []
    assert len(told(mailbox, organiser)) == 1


def test_an_organiser_removed_from_the_event_gets_no_digest_of_it(app, make_user, event, organiser, mailbox):
    register_someone(app, make_user, event)
    event.organisers = [make_user(can_create_events=True)]
    db.session.commit()

    send_daily_digests(digest_time())

    assert told(mailbox, organiser) == []


# --- the settings page ------------------------------------------------------------------------


def test_the_settings_page_shows_the_choice_for_all_events_and_for_each(app, make_event, event, organiser):
    page = as_user(app, organiser).get(SETTINGS).get_data(as_text=True)

    assert "For all my events" in page and "Policy dialogue" in page
    assert '<option selected value="daily">' in page  # the default
    assert f'name="event_{event.id}"' in page


def test_an_invalid_choice_is_refused_by_its_field_and_changes_nothing(app, event, organiser):
    choose(app, organiser, "at_once")
    client = as_user(app, organiser)

    response = submit(client, SETTINGS, {"timing": "weekly", f"event_{event.id}": "hourly"})

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for field in ("timing", f"event_{event.id}"):
        assert f'<div id="{field}-error"><div class="invalid-feedback d-block">Not a valid choice.</div>' in page
    db.session.expire_all()
    assert db.session.get(NoticeSettings, organiser.id).timing is Timing.AT_ONCE
    assert db.session.scalars(db.select(EventNoticeTiming)).all() == []


def test_a_participant_cannot_change_an_organiser_s_choice(app, make_user, event, organiser):
    participant = make_user()
    client = as_user(app, participant)
    assert "You organise no event" in client.get(SETTINGS).get_data(as_text=True)

    response = submit(client, SETTINGS, {"timing": "never", f"event_{event.id}": "never"})

    assert response.status_code == 403
    assert db.session.scalars(db.select(EventNoticeTiming)).all() == []
    assert db.session.scalars(db.select(NoticeSettings)).all() == []


def test_the_settings_page_needs_a_log_in(app, client):
    response = client.get(SETTINGS)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_organisers_find_the_settings_from_manage_events(app, event, organiser):
    page = as_user(app, organiser).get("/manage/events").get_data(as_text=True)
    assert f'href="{SETTINGS}"' in page
