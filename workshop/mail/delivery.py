"""Sending what the outbox holds: one SMTP connection for many messages, retries with back-off,
and the outcome of every attempt recorded on the message.

A sender first claims a message for a while (``claimed_until``) with a conditional update, so two
workers never send the same message; a sender that dies leaves its claim to expire, and the
message is taken again. Without ``MAIL_SERVER`` messages are written to the outbox folder as
``.eml`` files.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from flask import current_app
from huey import crontab
from huey.constants import EmptyData
from sqlalchemy import or_, update

from ..bounds import one_line
from ..database import write_transaction
from ..extensions import db
from ..jobs.queue import huey, periodic, task
from ..notices import services as notices
from ..timeutil import utcnow
from .models import WAITING, Delivery, OutboxMessage

log = logging.getLogger(__name__)
BATCH = 50


class TemporaryFailure(Exception):
    """Worth trying again later: the server is down, busy or answered 4xx."""


class PermanentFailure(Exception):
    """Trying again will not help: the server refused this message or recipient (5xx)."""


class ConnectionLost(TemporaryFailure):
    """The connection itself failed: the rest of the batch waits for the next attempt too."""


# In the queue's storage while a sending task is queued and has not begun
TOLD = "mail.worker_told"


def tell_worker() -> None:
    """Queue a sending task for mail just committed, unless one is queued already and has not
    begun: that one sends this mail too, since it forgets that it was queued before it looks for
    mail. Two hundred people registering at once queue one task or a few, not two hundred, and
    finding one queued is a read, which waits for no other process."""
    if huey.storage.peek_data(TOLD) is not EmptyData or not huey.put_if_empty(TOLD, True):
        return
    try:
        send_queued_mail()
    except Exception:
        huey.storage.pop_data(TOLD)  # nothing was queued: the next mail queues the task
        raise


@task()
def send_queued_mail() -> int:
    huey.storage.pop_data(TOLD)  # mail committed from now on queues another task
    return deliver_due()


@periodic(crontab(minute="*"))
def retry_queued_mail() -> int:
    """Messages whose back-off is over, and any a dead sender left behind; and mail whose task was
    lost with the queue (a queue emptied by hand, a Redis restarted without its data)."""
    huey.storage.pop_data(TOLD)
    return deliver_due()


def deliver_due(now: datetime | None = None) -> int:
    """Send every message that is due; the number sent."""
    sent = 0
    while True:
        batch = claim_due(now or utcnow())
        if not batch:
            return sent
        sent_now, lost = send_batch(batch, now)
        sent += sent_now
        if lost:  # the server is unreachable: the next attempt is scheduled, stop here
            return sent


def claim_due(now: datetime) -> list[int]:
    lease = now + timedelta(seconds=lease_seconds())
    candidates = db.session.scalars(
        db.select(OutboxMessage.id)
        .where(
            OutboxMessage.state.in_(WAITING),
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.id)
        .limit(BATCH)
    ).all()
    db.session.commit()
    claimed = []
    for message_id in candidates:
        result = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.state.in_(WAITING),
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .values(claimed_until=lease)
        )
        db.session.commit()
        if result.rowcount == 1:
            claimed.append(message_id)
    return claimed


def lease_seconds() -> int:
    """Long enough for a whole batch at the SMTP timeout."""
    return int(current_app.config["MAIL_TIMEOUT"]) * 3 + 60


def send_batch(message_ids: list[int], now: datetime | None) -> tuple[int, bool]:
    """Send the claimed messages over one connection; (how many were sent, whether the connection was lost)."""
    sent = 0
    with Transport() as transport:
        for position, message_id in enumerate(message_ids):
            email = build_message(db.session.get(OutboxMessage, message_id))
            db.session.commit()  # no transaction stays open while the mail server takes its time
            try:
                transport.send(email)
            except ConnectionLost as error:
                record_retry(message_id, error, now)
                release(message_ids[position + 1 :])
                return sent, True
            except TemporaryFailure as error:
                record_retry(message_id, error, now)
            except PermanentFailure as error:
                record_failure(message_id, str(error))
            else:
                record_sent(message_id, now)
                sent += 1
    return sent, False


def record_sent(message_id: int, now: datetime | None) -> None:
    with write_transaction():
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        message.state, message.sent_at, message.claimed_until = Delivery.SENT, now or utcnow(), None
        message.attempts += 1
        message.last_error = ""
    log.info("sent e-mail %s to %s: %s", message.id, message.recipient, message.subject)


def record_retry(message_id: int, error: Exception, now: datetime | None) -> None:
    with write_transaction():
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        message.attempts += 1
        message.last_error = describe(error)
        message.claimed_until = None
        if message.attempts >= int(current_app.config["MAIL_MAX_ATTEMPTS"]):
            message.state = Delivery.FAILED
            notices.delivery_failed(message)
            log.error(
                "e-mail %s to %s failed after %d attempts: %s",
                message.id,
                message.recipient,
                message.attempts,
                message.last_error,
            )
        else:
            message.state = Delivery.RETRYING
            message.next_attempt_at = (now or utcnow()) + backoff(message.attempts)
            log.warning(
                "e-mail %s to %s not sent (attempt %d): %s",
                message.id,
                message.recipient,
                message.attempts,
                message.last_error,
            )


def record_failure(message_id: int, reason: str) -> None:
    with write_transaction():
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        message.attempts += 1
        message.state, message.last_error, message.claimed_until = Delivery.FAILED, reason, None
        notices.delivery_failed(message)
    log.error("e-mail %s to %s refused: %s", message_id, message.recipient, reason)


def release(message_ids: list[int]) -> None:
    """Give back claims not tried: they wait for the next attempt, which costs them no attempt."""
    if message_ids:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(message_ids)).values(claimed_until=None))
        db.session.commit()


def backoff(attempts: int) -> timedelta:
    config = current_app.config
    seconds = int(config["MAIL_RETRY_SECONDS"]) * 2 ** (attempts - 1)
    return timedelta(seconds=min(seconds, int(config["MAIL_RETRY_MAX_SECONDS"])))


def describe(error: Exception) -> str:
    return str(error) or type(error).__name__


def build_message(message: OutboxMessage) -> EmailMessage:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = one_line(message.subject)  # whoever queued it: a line break would end the header
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message.message_id
    if reply_to := reply_address(message):
        email["Reply-To"] = reply_to
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    return email


def reply_address(message: OutboxMessage) -> str:
    """The contact address of the event an e-mail is about, so that a reply reaches its organisers;
    "" when it is about no event or the event has none."""
    if message.event_id is None:
        return ""
    from ..events.models import Event

    contact = db.session.scalar(db.select(Event.contact_email).where(Event.id == message.event_id))
    contact = one_line(contact or "").strip()
    return contact if "@" in contact else ""


@dataclass
class Transport:
    """Where messages go: an SMTP connection opened at the first message, or the outbox folder."""

    smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()

    def send(self, email: EmailMessage) -> None:
        config = current_app.config
        if not config["MAIL_SERVER"]:
            write_to_folder(email)
            return
        if self.smtp is None:
            try:
                self.smtp = connect(config)
            except (OSError, smtplib.SMTPException) as error:
                raise ConnectionLost(f"the mail server cannot be reached: {describe(error)}") from error
        try:
            refused = self.smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            self._reset()
            raise classify_refusal(error.recipients) from error
        except smtplib.SMTPServerDisconnected as error:
            self.smtp = None
            raise ConnectionLost(f"the mail server closed the connection: {describe(error)}") from error
        except smtplib.SMTPResponseException as error:
            self._reset()
            said = error.smtp_error
            reply = f"{error.smtp_code} {said.decode(errors='replace') if isinstance(said, bytes) else said}"
            if error.smtp_code >= 500:
                raise PermanentFailure(reply) from error
            raise TemporaryFailure(reply) from error
        except (TimeoutError, OSError, smtplib.SMTPException) as error:
            self._drop()
            raise ConnectionLost(f"the mail server cannot be reached: {describe(error)}") from error
        if refused:  # one recipient a message, so a partial refusal is a refusal
            raise classify_refusal(refused)

    def _reset(self) -> None:
        try:
            self.smtp.rset()
        except (smtplib.SMTPException, OSError, AttributeError):
            self._drop()

    def _drop(self) -> None:
        if self.smtp is not None:
            self.smtp.close()
        self.smtp = None


def classify_refusal(recipients: dict) -> Exception:
    code, reply = next(iter(recipients.values()))
    text = f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
    return PermanentFailure(text) if code >= 500 else TemporaryFailure(text)


def connect(config) -> smtplib.SMTP:
    """TLS from the first byte with ``MAIL_USE_SSL`` (port 465), else a plain connection that
    ``MAIL_USE_TLS`` upgrades with STARTTLS. Either way the server's certificate is verified."""
    server, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), float(config["MAIL_TIMEOUT"])
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(server, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(server, port, timeout=timeout)
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


def write_to_folder(email: EmailMessage) -> None:
    outbox = Path(current_app.config["MAIL_OUTBOX_DIR"] or Path(current_app.instance_path) / "outbox")
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(email.as_bytes())
    log.info("e-mail to %s written to %s: %s", email["To"], path, email["Subject"])
