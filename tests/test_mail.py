import shutil
import ssl
import subprocess
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller
from flask import url_for
from flask_babel import lazy_gettext

from workshop import mail
from workshop.accounts.models import User
from workshop.extensions import db
from workshop.mail.models import OutboxMessage

from .conftest import Mailbox, free_port, html_part, login, register, text_part


def welcome(to="li.wei@example.org", locale="en"):
    user = User(email=to, full_name="Li Wei", native_name="李伟", locale=locale)
    return mail.compose(
        to,
        locale,
        "verify_email",
        lazy_gettext("Confirm your e-mail address"),
        user=user,
        link=url_for("events.index", _external=True),
        hours=72,
    )


def test_mail_leaves_only_after_the_commit(app, mailbox):
    with app.test_request_context():
        mail.queue(welcome())
        assert mailbox.messages == []
        db.session.commit()
    message = mailbox.last_to("li.wei@example.org")
    assert text_part(message).startswith("Dear Li Wei (李伟),")
    assert "<p>Dear Li Wei (李伟),</p>" in html_part(message)


def test_mail_is_dropped_when_the_transaction_rolls_back(app, mailbox):
    with app.test_request_context():
        message = welcome()
        db.session.add(User(email="li.wei@example.org", full_name="Li Wei", password_hash="x"))
        mail.queue(message)
        db.session.flush()
        db.session.rollback()
        db.session.commit()
    assert mailbox.messages == []
    assert db.session.scalars(db.select(OutboxMessage)).all() == []  # nothing left to send later either


def test_mail_is_written_in_the_recipient_language(app, mailbox):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        mail.queue(welcome(locale="zh"))
        db.session.commit()
    message = mailbox.last_to("li.wei@example.org")
    assert message["Subject"] == "确认您的电子邮件地址"
    assert "李伟" not in message["Subject"]
    assert "Dear" not in text_part(message)


def test_without_smtp_mail_goes_to_the_outbox_folder(app, mailbox, tmp_path):
    app.config.update(MAIL_SERVER="", MAIL_OUTBOX_DIR=str(tmp_path / "outbox"))
    with app.test_request_context():
        mail.queue(welcome())
        db.session.commit()
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    content = files[0].read_text()
    assert "To: li.wei@example.org" in content and "multipart/alternative" in content
    assert mailbox.messages == []


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1: trusted only where a test says so."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            key,
            "-out",
            cert,
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextmanager
def tls_mail_server(certificate, starttls: bool):
    """An SMTP server that offers STARTTLS (and requires it), or speaks TLS from the first byte."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    handler = Mailbox()
    if starttls:
        controller = Controller(
            handler, hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True
        )
    else:
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ssl_context=context)
    controller.start()
    try:
        yield controller.port, handler
    finally:
        controller.stop()


def send_welcome(app) -> None:
    with app.test_request_context():
        mail.queue(welcome())
        db.session.commit()


def test_starttls_sends_only_to_a_server_with_a_trusted_certificate(app, certificate, monkeypatch):
    with tls_mail_server(certificate, starttls=True) as (port, received):
        app.config.update(MAIL_PORT=port, MAIL_USE_TLS=True)

        send_welcome(app)  # the certificate is nobody's we trust: it could be an impostor
        assert received.messages == []

        monkeypatch.setenv("SSL_CERT_FILE", certificate[0])  # now it is
        send_welcome(app)
        assert received.last_to("li.wei@example.org")["Subject"] == "Confirm your e-mail address"


def test_mail_use_ssl_speaks_tls_from_the_start(app, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", certificate[0])
    with tls_mail_server(certificate, starttls=False) as (port, received):
        app.config.update(MAIL_PORT=port, MAIL_USE_SSL=True)
        send_welcome(app)
        assert received.last_to("li.wei@example.org")["Subject"] == "Confirm your e-mail address"


@pytest.mark.parametrize(
    "locale,greeting",
    [("zh", "尊敬的 赵磊（Zhao Lei）："), ("en", "Dear Zhao Lei (赵磊),")],
)
def test_e_mails_greet_by_both_names_the_reader_s_script_first(
    client, make_user, make_event, mailbox, locale, greeting
):
    event = make_event()
    user = make_user(locale=locale, email=f"zhao.lei.{locale}@example.org")
    login(client, user)
    register(client, event, full_name="Zhao Lei", native_name="赵磊")

    message = mailbox.last_to(user.email)

    assert text_part(message).startswith(greeting)
    assert greeting in html_part(message)


def test_a_person_with_one_name_is_greeted_by_it(client, make_user, make_event, mailbox):
    user = make_user(locale="zh", email="maria.rossi@example.org")
    login(client, user)
    register(client, make_event(), full_name="Maria Rossi", native_name="")

    assert text_part(mailbox.last_to(user.email)).startswith("尊敬的 Maria Rossi：")


# --- the same words around each person's name, place and links ---------------------------------


def notice_as_sent(app, monkeypatch, registration, state, position=None):
    """The registration notice ``send_notice`` writes for ``registration``, and the same notice
    rendered for that person alone."""
    from flask_babel import force_locale

    from workshop.language_of_parts import greeting_name
    from workshop.registration import notices
    from workshop.urls import external_url

    written = []
    monkeypatch.setattr(mail, "queue", lambda composed, event_id=None: written.append(composed))
    with app.test_request_context():
        notices.send_notice(registration, None, state, "", position)
        subject, message = notices.notice_for(registration, None, state, "", position)
        with force_locale(registration.user.locale):
            greeting = greeting_name(registration)
            message = str(message)  # text, which the HTML escapes (a lazy string would pass as markup)
        alone = mail.compose(
            registration.user.email,
            registration.user.locale,
            "registration_notice",
            subject,
            greeting=greeting,
            message=message,
            reason="",
            link=external_url("registration.show", registration_id=registration.id),
            badge_link=external_url("attendance.my_badge", registration_id=registration.id)
            if state.value == "confirmed"
            else None,
            event=registration.event,
        )
    [sent] = written
    return sent, alone


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_notice_made_around_each_persons_name_place_and_links_reads_as_one_made_for_them_alone(
    app, make_event, make_user, monkeypatch, locale
):
    from workshop.registration.models import Registration
    from workshop.registration.states import State

    event = make_event(title="Fair recruitment & decent work", city="Genève")
    people = [("Seán O'Brien <b>", ""), ("Wang Fang", "王芳"), ("Ana & Co", "")]
    for n, (full_name, native_name) in enumerate(people):
        user = make_user(full_name=full_name, locale=locale)
        for state, position in ((State.CONFIRMED, None), (State.WAITLISTED, n + 1)):
            registration = Registration(
                id=1000 + n, event=event, user=user, full_name=full_name, native_name=native_name, state=state
            )
            sent, alone = notice_as_sent(app, monkeypatch, registration, state, position)
            assert sent == alone  # the second and third person's are filled into the first one's frame
            assert f"/registrations/{1000 + n}" in sent.text and f"/registrations/{1000 + n}" in sent.html
            assert "& decent work" not in sent.html  # the event's title is text, escaped, never markup
            monkeypatch.undo()


def test_a_notice_written_after_the_event_moves_says_where_it_is_now(app, make_event, make_user, monkeypatch):
    from workshop.registration.models import Registration
    from workshop.registration.states import State

    event = make_event(title="Fair recruitment", city="Geneva")
    first = Registration(id=1, event=event, user=make_user(), full_name="Li Wei", state=State.CONFIRMED)
    sent, _ = notice_as_sent(app, monkeypatch, first, State.CONFIRMED)
    assert "Geneva" in sent.text
    monkeypatch.undo()

    event.city = "Bangkok"  # the flush raises the event's agenda revision; the subject stays the same
    db.session.commit()
    second = Registration(id=2, event=event, user=make_user(), full_name="Wang Fang", state=State.CONFIRMED)
    sent, _ = notice_as_sent(app, monkeypatch, second, State.CONFIRMED)

    assert "Bangkok" in sent.text and "Bangkok" in sent.html and "Geneva" not in sent.text


def test_a_notice_written_in_an_edit_that_rolled_back_is_not_what_the_next_edit_sends(
    app, make_event, make_user, monkeypatch
):
    from sqlalchemy import update

    from workshop.events.models import Event
    from workshop.registration.models import Registration
    from workshop.registration.states import State
    from workshop.timeutil import utcnow

    event = make_event(title="Fair recruitment", city="Geneva")
    event_id = event.id
    event.city = "Lyon"  # an edit that tells someone, then fails
    db.session.flush()
    rolled_back_revision = event.agenda_revision
    first = Registration(id=1, event=event, user=make_user(), full_name="Li Wei", state=State.CONFIRMED)
    sent, _ = notice_as_sent(app, monkeypatch, first, State.CONFIRMED)
    assert "Lyon" in sent.text
    monkeypatch.undo()
    db.session.rollback()

    with db.engine.begin() as other:  # the next edit takes the revision the failed one had taken
        other.execute(
            update(Event)
            .where(Event.id == event_id)
            .values(city="Bangkok", agenda_revision=rolled_back_revision, updated_at=utcnow())
        )
    event = db.session.get(Event, event_id)
    second = Registration(id=2, event=event, user=make_user(), full_name="Wang Fang", state=State.CONFIRMED)
    sent, _ = notice_as_sent(app, monkeypatch, second, State.CONFIRMED)

    assert "Bangkok" in sent.text and "Lyon" not in sent.text


def test_the_notice_of_a_registration_tells_the_event_as_it_is_once_the_registration_is_written(
    app, make_event, make_user, monkeypatch, mailbox
):
    from sqlalchemy import update

    from workshop.events.models import Event
    from workshop.registration import services
    from workshop.timeutil import utcnow

    event = make_event(title="Fair recruitment", city="Geneva")
    person = make_user(email="li.wei@example.org")
    client = app.test_client()
    login(client, person)
    waiting_for_the_lock = services.lock_for_registration

    def moved_then_locked(locked_event, user_id):  # an organiser's edit commits while the registration waits
        with db.engine.begin() as other:
            other.execute(
                update(Event)
                .where(Event.id == locked_event.id)
                .values(city="Bangkok", agenda_revision=Event.agenda_revision + 1, updated_at=utcnow())
            )
        return waiting_for_the_lock(locked_event, user_id)

    monkeypatch.setattr(services, "lock_for_registration", moved_then_locked)
    assert register(client, event).status_code == 302

    notice = mailbox.last_to("li.wei@example.org")
    assert "Bangkok" in text_part(notice) and "Geneva" not in text_part(notice)
