"""E-mail into the outbox, in the transaction of the change that causes it.

Services call :func:`queue`: the message is a row of the session's transaction, so it exists
exactly when the change does. After the commit the worker is told there is mail; it sends it
(``delivery.py``) and records the outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from dataclasses import dataclass
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..bounds import one_line
from ..database import write_at_once
from ..extensions import db
from ..fragments import kept_or_made
from .models import OutboxMessage

KICK_KEY = "workshop_mail_queued"
log = logging.getLogger(__name__)


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
        subject_text = one_line(subject)  # a line break would end the header
        text = render_template(f"email/{template}.txt", subject=subject_text, **context)
        html = render_template(f"email/{template}.html", subject=subject_text, **context)
    return Mail(to=to, subject=subject_text, text=text, html=html)


HOLE = "\x00"  # never in what the templates show: control characters are removed from everything typed


def compose_around(to: str, locale: str, template: str, subject, frame_key: Hashable, holes: dict, **context) -> Mail:
    """As ``compose``, for a message sent to many people in the same words around a few values of
    each (``holes``: a name, a link, a sentence with a number in it). The templates are rendered
    once for each ``frame_key``, which must name the version of everything ``context`` shows,
    with a mark in place of each hole; each message fills the marks in, escaped in the HTML as the
    template escapes them. A hole's value is text, a lazy string, or a function of no arguments;
    each is read in the recipient's language. A hole must be shown as it is, not changed by a
    filter; one given None is left out (the template sees no such value), so that ``{% if %}``
    can ask whether there is one."""
    with force_locale(locale or "en"):
        subject_text = one_line(subject)  # a line break would end the header
        values = {
            name: str(value() if callable(value) else value) for name, value in holes.items() if value is not None
        }
        key = (template, str(get_locale()), frame_key, subject_text, tuple(sorted(values)))
        text, html = kept_or_made(key, lambda: _frame(template, subject_text, values, context), store="mail_frames")
    for name, value in values.items():
        text = text.replace(f"{HOLE}{name}{HOLE}", value)
        html = html.replace(f"{HOLE}{name}{HOLE}", str(escape(value)))
    return Mail(to=to, subject=subject_text, text=text, html=html)


def _frame(template: str, subject_text: str, holes: dict, context: dict) -> tuple[str, str]:
    marks = {name: Markup(f"{HOLE}{name}{HOLE}") for name in holes}
    return (
        render_template(f"email/{template}.txt", subject=subject_text, **context, **marks),
        render_template(f"email/{template}.html", subject=subject_text, **context, **marks),
    )


def queue(mail: Mail, event_id: int | None = None) -> OutboxMessage:
    """Add ``mail`` to the outbox in the current transaction; it leaves only if that commits.
    Written at once: the message is one row that nothing else in the transaction changes."""
    message = OutboxMessage(
        event_id=event_id,
        recipient=mail.to,
        subject=mail.subject[:998],
        text=mail.text,
        html=mail.html,
        message_id=make_msgid(domain=current_app.config["MAIL_MESSAGE_ID_DOMAIN"]),
    )
    write_at_once(message)
    tell_worker_after_commit()
    return message


def queue_to_participant(registration, template: str, subject, **context) -> OutboxMessage:
    """Queue ``email/<template>`` for the person behind ``registration``, in their language, filed
    under its event; the template is given the registration and ``context``."""
    user = registration.user
    return queue(
        compose(user.email, user.locale, template, subject, registration=registration, **context),
        event_id=registration.event_id,
    )


def tell_worker_after_commit() -> None:
    """Once the current transaction commits, the worker is told there is mail to send."""
    db.session.info[KICK_KEY] = True


@event.listens_for(Session, "after_transaction_end")
def _kick_worker(session: Session, transaction) -> None:
    if transaction.parent is not None:  # a savepoint, not the transaction: nothing is visible to others yet
        return
    if session.info.pop(KICK_KEY, False):
        from .delivery import tell_worker

        try:
            tell_worker()  # queues the task: the worker runs it
        except Exception:  # the queue is unreachable: the message is safe in the outbox, and the worker's
            log.exception("could not tell the worker about new mail; it finds it within a minute")  # schedule finds it


@event.listens_for(Session, "after_soft_rollback")
def _forget_kick(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(KICK_KEY, None)
