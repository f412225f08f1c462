from flask import url_for
from flask_babel import lazy_gettext

from workshop import mail
from workshop.accounts.models import User
from workshop.extensions import db

from .conftest import html_part, text_part


def welcome(to="li.wei@example.org", locale="en"):
    user = User(email=to, full_name="Li Wei", native_name="李伟", locale=locale)
    return mail.compose(to, locale, "verify_email", lazy_gettext("Confirm your e-mail address"), user=user, link=url_for("events.index", _external=True), hours=72)


def test_mail_leaves_only_after_the_commit(app, mailbox):
    with app.test_request_context():
        mail.send_after_commit(db.session, welcome())
        assert mailbox.messages == []
        db.session.commit()
    message = mailbox.last_to("li.wei@example.org")
    assert text_part(message).startswith("Dear Li Wei,")
    assert "<p>Dear Li Wei,</p>" in html_part(message)


def test_mail_is_dropped_when_the_transaction_rolls_back(app, mailbox):
    with app.test_request_context():
        message = welcome()
        db.session.add(User(email="li.wei@example.org", full_name="Li Wei", password_hash="x"))
        mail.send_after_commit(db.session, message)
        db.session.flush()
        db.session.rollback()
        db.session.commit()
    assert mailbox.messages == []


def test_mail_is_written_in_the_recipient_language(app, mailbox):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        mail.send_after_commit(db.session, welcome(locale="zh"))
        db.session.commit()
    message = mailbox.last_to("li.wei@example.org")
    assert message["Subject"] == "确认您的电子邮件地址"
    assert "李伟" not in message["Subject"]
    assert "Dear" not in text_part(message)


def test_without_smtp_mail_goes_to_the_outbox_folder(app, mailbox, tmp_path):
    app.config.update(MAIL_SERVER="", MAIL_OUTBOX_DIR=str(tmp_path / "outbox"))
    with app.test_request_context():
        mail.send_after_commit(db.session, welcome())
        db.session.commit()
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    content = files[0].read_text()
    assert "To: li.wei@example.org" in content and "multipart/alternative" in content
    assert mailbox.messages == []
