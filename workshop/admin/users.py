"""Managing the accounts of the platform: finding them, their platform roles, disabling and enabling
them, and sending the link that confirms an address again. Only platform administrators get here
(``security.require_admin``); the services check it again."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from ..accounts import logins
from ..accounts.models import User
from ..accounts.services import send_verification
from ..audit import record_attempt
from ..database import lock_for_update
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..security import is_admin
from ..timeutil import utcnow

PER_PAGE = 50
# An administrator sends the confirmation link again at most this often, so a mailbox is not flooded.
RESEND_INTERVAL = timedelta(minutes=10)


class Role(enum.Enum):
    """The platform roles, as the list of accounts filters them."""

    ADMIN = "admin"
    EVENT_CREATOR = "event_creator"
    NONE = "none"


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.EVENT_CREATOR: _l("May create events"),
    Role.NONE: _l("No platform role"),
}


@dataclass(frozen=True)
class UserFilters:
    text: str = ""
    role: Role | None = None
    confirmed: bool | None = None
    disabled: bool | None = None


def find_users(filters: UserFilters, page: int):
    """One page of the accounts that match ``filters``: the text in the e-mail address or the name,
    in either script; by name. The accounts that hold anonymised registrations are nobody's."""
    from ..privacy.anonymising import PLACEHOLDER_DOMAIN  # the privacy package reads accounts as it loads

    query = db.select(User).where(User.email.not_like(f"%@{PLACEHOLDER_DOMAIN}")).order_by(User.full_name, User.id)
    text = filters.text.strip()
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(
            db.or_(
                User.email.like(pattern),
                db.func.lower(User.full_name).like(pattern),
                User.native_name.like(f"%{text}%"),
            )
        )
    if filters.role is Role.ADMIN:
        query = query.where(User.is_admin.is_(True))
    elif filters.role is Role.EVENT_CREATOR:
        query = query.where(User.can_create_events.is_(True))
    elif filters.role is Role.NONE:
        query = query.where(User.is_admin.is_(False), User.can_create_events.is_(False))
    if filters.confirmed is not None:
        column = User.email_verified_at
        query = query.where(column.is_not(None) if filters.confirmed else column.is_(None))
    if filters.disabled is not None:
        column = User.disabled_at
        query = query.where(column.is_not(None) if filters.disabled else column.is_(None))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def user_or_not_found(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("This account does not exist."))
    return user


def set_roles(actor: User, user_id: int, admin: bool, event_creator: bool) -> User:
    """The platform roles of the account; the last administrator who can log in stays one."""
    user = _locked_account(actor, user_id)
    if user.is_admin and not admin and not _other_active_admins(user):
        _refuse(
            "account.last_admin_refused",
            user,
            _l("%(name)s is the last administrator: make someone else an administrator first.", name=user.full_name),
        )
    if user.is_admin != admin:
        user.is_admin = admin
    if user.can_create_events != event_creator:
        user.can_create_events = event_creator
    db.session.commit()
    return user


def disable(actor: User, user_id: int) -> User:
    """The person cannot log in any more; every log-in they have ends now."""
    user = _locked_account(actor, user_id)
    if user.id == actor.id:
        _refuse("account.self_disable_refused", user, _l("You cannot disable your own account."))
    if user.is_admin and not _other_active_admins(user):
        _refuse(
            "account.last_admin_refused",
            user,
            _l("%(name)s is the last administrator: make someone else an administrator first.", name=user.full_name),
        )
    if user.disabled_at is None:
        user.disabled_at = utcnow()
        logins.forget_all(user)
    db.session.commit()
    return user


def enable(actor: User, user_id: int) -> User:
    user = _locked_account(actor, user_id)
    if user.disabled_at is not None:
        user.disabled_at = None
    db.session.commit()
    return user


def resend_confirmation(actor: User, user_id: int) -> User:
    """A new link to confirm the address, through the outbox; not to a confirmed address, and not
    again within ``RESEND_INTERVAL``."""
    user = _locked_account(actor, user_id)
    if user.is_verified:
        _refuse("account.confirmation_resend_refused", user, _l("This address is confirmed already."))
    if user.verification_sent_at is not None and user.verification_sent_at > utcnow() - RESEND_INTERVAL:
        _refuse(
            "account.confirmation_resend_refused",
            user,
            _l(
                "A link was sent to this address less than %(minutes)d minutes ago: wait a little.",
                minutes=RESEND_INTERVAL.seconds // 60,
            ),
        )
    send_verification(user)
    db.session.commit()
    return user


def _locked_account(actor: User, user_id: int) -> User:
    if not is_admin(actor):
        raise Forbidden(_l("Only a platform administrator manages accounts."))
    user = lock_for_update(User, user_id)
    if user is None:
        raise NotFound(_l("This account does not exist."))
    return user


def _other_active_admins(user: User) -> int:
    """The administrators besides ``user`` who can log in, read under lock so that two of them
    cannot withdraw each other at the same moment."""
    return len(
        db.session.scalars(
            db.select(User.id)
            .where(User.is_admin.is_(True), User.disabled_at.is_(None), User.id != user.id)
            .with_for_update()
        ).all()
    )


def _refuse(action: str, user: User, message) -> None:
    """Nothing changes; the refusal is kept in the record of who did what."""
    record_attempt(action, target=user, summary=str(message))
    db.session.commit()
    raise DomainError(message)
