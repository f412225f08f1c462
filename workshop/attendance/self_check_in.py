"""Self check-in: an organiser shows a session's short code on the screen; a confirmed participant
types it (or scans its QR code) during the session to mark themselves present.

The participant sends only the code: whom to mark is always the person logged in, so nobody can
mark someone else present.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..agenda.models import AgendaSession
from ..errors import DomainError
from ..extensions import db
from ..formatting import format_in_zone, zone_label
from ..registration.models import Registration
from ..registration.states import State
from ..timeutil import utcnow
from . import recording
from .models import Method, SessionCode
from .rosters import require_check_in

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read from a screen across a room
CODE_LENGTH = 6


def new_session_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def margin() -> timedelta:
    return timedelta(minutes=int(current_app.config["SELF_CHECK_IN_MARGIN_MINUTES"]))


@dataclass
class Window:
    opens: datetime
    closes: datetime

    def contains(self, moment: datetime) -> bool:
        return self.opens <= moment <= self.closes


def window_of(session: AgendaSession) -> Window:
    return Window(session.starts_at - margin(), session.ends_at + margin())


# --- the organiser's side ------------------------------------------------------------


def code_of(session: AgendaSession) -> SessionCode | None:
    return db.session.scalar(db.select(SessionCode).where(SessionCode.session_id == session.id))


def show_code(actor, session: AgendaSession, regenerate: bool = False) -> SessionCode:
    """The session's code, made now if it has none; ``regenerate`` replaces it (the old one stops working)."""
    require_check_in(actor, session.event)
    if session.cancelled:
        raise DomainError(_l("This session is cancelled: there is no self check-in for it."))
    existing = code_of(session)
    if existing is not None and not regenerate:
        return existing
    code = unused_code()
    if existing is None:
        existing = SessionCode(session_id=session.id, code=code)
        db.session.add(existing)
    else:
        existing.code, existing.created_at = code, utcnow()
    db.session.commit()
    return existing


def unused_code() -> str:
    """A code no other session has (31^6, about 900 million codes: a clash is rare; try again if so)."""
    for _attempt in range(20):
        code = new_session_code()
        if db.session.scalar(db.select(SessionCode.id).where(SessionCode.code == code)) is None:
            return code
    raise RuntimeError("no unused session code found")


# --- the participant's side -----------------------------------------------------------


def normalise_session_code(raw: str | None) -> str | None:
    code = "".join((raw or "").split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def session_for_code(raw: str | None) -> AgendaSession | None:
    """The session whose code this is, if its event is public; None otherwise."""
    code = normalise_session_code(raw)
    if code is None:
        return None
    found = db.session.scalar(db.select(SessionCode).where(SessionCode.code == code).order_by(SessionCode.id.desc()))
    if found is None or not found.session.event.is_public:
        return None
    return found.session


def check_in_with_code(user, raw_code: str, now: datetime | None = None) -> recording.Answer:
    """Mark ``user`` present at the session whose code this is. Refused, with the reason, when the code
    is unknown, the session cancelled, the user not a confirmed participant of its event, or the
    session's window (start - margin to end + margin) not open."""
    session = session_for_code(raw_code)
    if session is None:
        raise DomainError(_l("There is no session with this code. Check the code on the screen and try again."), field="code")
    event = session.event
    if session.cancelled:
        raise DomainError(_l("This session is cancelled."), field="code")
    registration = db.session.scalar(db.select(Registration).where(Registration.event_id == event.id, Registration.user_id == user.id))
    if registration is None or registration.state is not State.CONFIRMED:
        raise DomainError(_l("You are not a confirmed participant of this event."), field="code")
    window = window_of(session)
    now = now or utcnow()
    if not window.contains(now):
        raise DomainError(window_message(session, window, too_early=now < window.opens), field="code")
    return recording.mark_present(event, registration, session, Method.SELF, user)


def window_message(session: AgendaSession, window: Window, too_early: bool):
    zone = session.event.timezone
    values = dict(
        title=session.title,
        opens=format_in_zone(window.opens, zone),
        closes=format_in_zone(window.closes, zone),
        zone=zone_label(zone, window.opens),
    )
    if too_early:
        return _l("Self check-in for “%(title)s” opens at %(opens)s and closes at %(closes)s. Times are in %(zone)s.", **values)
    return _l("Self check-in for “%(title)s” closed at %(closes)s; it was open from %(opens)s. Times are in %(zone)s.", **values)
