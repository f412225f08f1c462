"""The outbox: every e-mail is written with the change that causes it, sent by the worker over one
connection with retries, and its fate shown to the event's organisers. Whatever the mail server
does (down, silent, "try later", refusing one recipient), nothing is lost and nothing is sent twice."""

import socket
import threading
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

from aiosmtpd.controller import Controller

from workshop.extensions import db
from workshop.mail import delivery
from workshop.mail.models import Delivery, OutboxMessage
from workshop.registration.models import Registration
from workshop.timeutil import utcnow

from .conftest import Mailbox, free_port, login, make_registration, register, run_worker, submit


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def deliver(minutes_later: float = 0) -> int:
    """What the worker does, at a moment ``minutes_later`` than now."""
    return delivery.deliver_due(now=utcnow() + timedelta(minutes=minutes_later))


class FlakyMailbox(Mailbox):
    """A mail server that answers "try later" to the first ``busy`` messages and refuses some recipients."""

    def __init__(self, busy: int = 0, unknown: tuple[str, ...] = ()):
        super().__init__()
        self.busy, self.unknown, self.connections = busy, unknown, 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.unknown:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.busy:
            self.busy -= 1
            return "451 4.3.2 Too busy, try again later"
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def mail_server(app, handler, port=None):
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    app.config.update(MAIL_PORT=controller.port)
    try:
        yield handler
    finally:
        controller.stop()


@contextmanager
def silent_server(app):
    """Accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    app.config.update(MAIL_PORT=listener.getsockname()[1], MAIL_TIMEOUT=0.5)
    try:
        yield accepted
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()


def queue_messages(app, event, make_user, count: int) -> list[str]:
    from workshop.registration.notices import send_message

    addresses = []
    for n in range(count):
        registration = make_registration(event, make_user(email=f"participant{n}@example.org"))
        with app.test_request_context():
            send_message(registration, "Programme update", "The opening moves to 9:30.")
        addresses.append(registration.user.email)
    db.session.commit()
    return addresses


# --- the outbox is part of the transaction ------------------------------------------------------


def test_a_registration_writes_its_e_mail_to_the_outbox_and_the_request_never_touches_smtp(
    app, make_event, make_user, worker_queue
):
    event = make_event(title="Decent work in global supply chains")
    client = app.test_client()
    login(client, make_user(email="li.wei@example.org"))
    with silent_server(app) as connections:
        response = register(client, event)

        assert response.status_code == 302  # at once, although the mail server would never answer
        assert connections == []
        [message] = outbox()
        assert (message.recipient, message.state, message.event_id) == ("li.wei@example.org", Delivery.QUEUED, event.id)
        assert message.subject == "Your registration for Decent work in global supply chains is confirmed"
        assert len(worker_queue.pending()) == 1  # the worker is told there is mail

        deliver()  # the worker meets the silent server: it gives up after MAIL_TIMEOUT and tries later

    [message] = outbox()
    assert message.state is Delivery.RETRYING and message.attempts == 1
    assert "timed out" in message.last_error


def test_mail_committed_while_a_sending_task_waits_in_the_queue_is_sent_by_it_without_queueing_another(
    app, make_event, make_user, worker_queue, mailbox
):
    event = make_event(title="Decent work in global supply chains")
    people = [make_user(email=f"participant{n}@example.org") for n in range(3)]
    for person in people:  # one after the other, each in a request of its own
        client = app.test_client()
        login(client, person)
        assert register(client, event).status_code == 302

    assert len(worker_queue.pending()) == 1
    assert run_worker(worker_queue) == 1
    assert sorted(m.recipient for m in outbox() if m.state is Delivery.SENT) == [p.email for p in people]

    client = app.test_client()  # the task began: mail committed since queues a task of its own
    login(client, make_user(email="latecomer@example.org"))
    register(client, event)
    assert len(worker_queue.pending()) == 1
    run_worker(worker_queue)
    assert outbox()[-1].state is Delivery.SENT and mailbox.to("latecomer@example.org")


# --- the mail server misbehaves ---------------------------------------------------------------


def test_with_the_mail_server_down_a_registration_succeeds_and_its_e_mail_waits(app, make_event, make_user, mailbox):
    app.config.update(MAIL_PORT=free_port())  # nobody listens there
    event = make_event()
    client = app.test_client()
    login(client, make_user(email="li.wei@example.org"))

    response = register(client, event)

    assert response.status_code == 302
    assert db.session.scalar(db.select(Registration)) is not None
    [message] = outbox()
    assert message.state is Delivery.RETRYING and "cannot be reached" in message.last_error
    assert message.next_attempt_at > utcnow() + timedelta(seconds=50)


def test_ten_minutes_without_a_mail_server_then_every_message_arrives_exactly_once(app, make_event, make_user):
    port = free_port()
    app.config.update(MAIL_PORT=port)
    addresses = queue_messages(app, make_event(), make_user, 12)
    assert {m.state for m in outbox()} == {Delivery.RETRYING}  # the first attempt, at once, failed

    for minute in range(1, 11):  # the worker's schedule runs every minute; the server is down
        deliver(minutes_later=minute)
    assert {m.state for m in outbox()} == {Delivery.RETRYING}

    with mail_server(app, FlakyMailbox(), port=port) as received:
        for minute in range(11, 60):
            deliver(minutes_later=minute)

    assert {m.state for m in outbox()} == {Delivery.SENT}
    assert sorted(m["To"] for m in received.messages) == sorted(addresses)
    assert all(count == 1 for count in Counter(m["Message-ID"] for m in received.messages).values())


def test_try_later_is_tried_later_and_the_message_arrives_once(app, make_event, make_user):
    with mail_server(app, FlakyMailbox(busy=1)) as received:
        [address] = queue_messages(app, make_event(), make_user, 1)
        [message] = outbox()
        assert message.state is Delivery.RETRYING and message.last_error.startswith("451")

        assert deliver() == 0  # not yet: it waits for its back-off
        assert deliver(minutes_later=2) == 1

    [message] = outbox()
    assert (message.state, message.attempts, message.last_error) == (Delivery.SENT, 2, "")
    assert [m["To"] for m in received.messages] == [address]


def test_a_refused_recipient_fails_for_good_and_the_others_are_sent_over_one_connection(
    app, make_event, make_user, worker_queue
):
    with mail_server(app, FlakyMailbox(unknown=("participant1@example.org",))) as received:
        queue_messages(app, make_event(), make_user, 5)
        deliver()

    states = {m.recipient: m.state for m in outbox()}
    assert states.pop("participant1@example.org") is Delivery.FAILED
    assert set(states.values()) == {Delivery.SENT}
    assert "550" in next(m for m in outbox() if m.state is Delivery.FAILED).last_error
    assert len(received.messages) == 4 and received.connections == 1


def test_a_message_is_marked_failed_after_the_last_attempt(app, make_event, make_user):
    app.config.update(MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=3)
    queue_messages(app, make_event(), make_user, 1)
    deliver(minutes_later=5)
    deliver(minutes_later=60)

    [message] = outbox()
    assert (message.state, message.attempts) == (Delivery.FAILED, 3)
    assert deliver(minutes_later=600) == 0  # not tried again by itself


def test_two_workers_at_once_send_each_message_once(app, make_event, make_user, worker_queue):
    with mail_server(app, FlakyMailbox()) as received:
        queue_messages(app, make_event(), make_user, 30)

        def worker():
            with app.app_context():
                delivery.deliver_due()

        threads = [threading.Thread(target=worker) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(received.messages) == 30
    assert len({m["Message-ID"] for m in received.messages}) == 30
    assert {m.state for m in outbox()} == {Delivery.SENT}


# --- organisers see what happened -------------------------------------------------------------


def emails_url(event, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/manage/events/{event.slug}/emails" + (f"?{query}" if query else "")


def test_organisers_see_each_message_with_its_state_and_send_a_failed_one_again(app, make_event, make_user):
    event = make_event(title="Labour inspection course")
    handler = FlakyMailbox(unknown=("participant0@example.org",))
    with mail_server(app, handler) as received:
        queue_messages(app, event, make_user, 2)
        organiser = app.test_client()
        login(organiser, event.organisers[0])

        page = organiser.get(emails_url(event)).get_data(as_text=True)
        assert "participant0@example.org" in page and "participant1@example.org" in page
        assert "Programme update" in page and "550 5.1.1 No such user here" in page
        assert "Sent: 1" in page and "Failed: 1" in page

        handler.unknown = ()  # the participant's address was mended at their end
        response = submit(
            organiser,
            f"/manage/events/{event.slug}/emails/resend",
            {},
            form_url=emails_url(event),
            follow_redirects=True,
        )

        assert "Messages queued to be sent again: 1." in response.get_data(as_text=True)
    assert {m.state for m in outbox()} == {Delivery.SENT}
    assert sorted(m["To"] for m in received.messages) == ["participant0@example.org", "participant1@example.org"]


def test_sending_again_a_message_that_was_sent_is_refused(app, make_event, make_user, mailbox):
    event = make_event()
    queue_messages(app, event, make_user, 1)
    [message] = outbox()
    organiser = app.test_client()
    login(organiser, event.organisers[0])

    response = submit(
        organiser,
        f"/manage/events/{event.slug}/emails/resend",
        {"message_id": message.id},
        form_url=emails_url(event),
        follow_redirects=True,
    )

    assert "Only failed messages can be sent again." in response.get_data(as_text=True)
    assert len(mailbox.messages) == 1


def test_only_the_events_organisers_see_its_e_mails(app, make_event, make_user, mailbox):
    event = make_event()
    queue_messages(app, event, make_user, 1)
    participant = app.test_client()
    login(participant, make_user())
    other_organiser = app.test_client()
    login(other_organiser, make_event().organisers[0])

    assert app.test_client().get(emails_url(event)).status_code == 302  # to log in
    for client in (participant, other_organiser):
        page = client.get(emails_url(event))
        assert page.status_code == 403 and "participant0@example.org" not in page.get_data(as_text=True)
        assert client.post(f"/manage/events/{event.slug}/emails/resend", data={}).status_code in (400, 403)


def test_with_the_job_queue_unreachable_a_registration_succeeds_and_its_e_mail_waits_in_the_outbox(
    app, make_event, make_user, caplog
):
    from workshop.jobs import queue

    app.config.update(
        JOBS_IMMEDIATE=False, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"
    )  # Redis went away after the start
    queue.configure(app)
    try:
        client = app.test_client()
        login(client, make_user(email="li.wei@example.org"))
        response = register(client, make_event())
    finally:
        app.config.update(JOBS_IMMEDIATE=True, REDIS_URL="")
        queue.configure(app)

    assert response.status_code == 302
    [message] = outbox()
    assert message.state is Delivery.QUEUED  # the worker's schedule sends it once the queue is back
    assert "could not tell the worker about new mail" in caplog.text
    deliver()
    assert outbox()[0].state is Delivery.SENT
