"""Sending e-mail, always after the database commit.

Services call :func:`send_after_commit`; the message leaves only when the session's
transaction commits, and is dropped when it rolls back. With ``MAIL_SERVER`` set the
message goes through SMTP; otherwise it is written to the outbox folder as an ``.eml``
file and logged.
"""

import logging
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from .timeutil import utcnow

log = logging.getLogger(__name__)
PENDING_KEY = "workshop_mail_pending"


@dataclass
class Mail:
    to: str
    subject: str
    text: str
    html: str


def compose(to: str, locale: str, template: str, subject: str, **context) -> Mail:
    """Render ``email/<template>.txt`` and ``.html`` in the recipient's language.

    ``subject`` is a lazy string (``lazy_gettext``): it is translated here, in that language.
    """
    with force_locale(locale or "en"):
        subject_text = str(subject)
        text = render_template(f"email/{template}.txt", subject=subject_text, **context)
        html = render_template(f"email/{template}.html", subject=subject_text, **context)
    return Mail(to=to, subject=subject_text, text=text, html=html)


def send_after_commit(session: Session, mail: Mail) -> None:
    session.info.setdefault(PENDING_KEY, []).append(mail)


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, [])
    for mail in pending:
        try:
            deliver(mail)
        except Exception:  # a mail server hiccup must not turn a saved change into an error page
            log.exception("could not send e-mail to %s: %s", mail.to, mail.subject)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(PENDING_KEY, None)


def build_message(mail: Mail) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="workshops.example.org")
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def deliver(mail: Mail) -> None:
    message = build_message(mail)
    config = current_app.config
    if config["MAIL_SERVER"]:
        with smtp_connection(config) as smtp:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        log.info("sent e-mail to %s: %s", mail.to, mail.subject)
        return
    outbox = Path(config["MAIL_OUTBOX_DIR"] or Path(current_app.instance_path) / "outbox")
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    log.info("e-mail to %s written to %s: %s", mail.to, path, mail.subject)


def smtp_connection(config) -> smtplib.SMTP:
    """SMTP over TLS from the first byte with ``MAIL_USE_SSL`` (port 465), else a plain connection
    that ``MAIL_USE_TLS`` upgrades with STARTTLS. Either way the server's certificate is verified."""
    server, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    if config["MAIL_USE_SSL"]:
        return smtplib.SMTP_SSL(server, port, timeout=30, context=ssl.create_default_context())
    return smtplib.SMTP(server, port, timeout=30)
