"""Accounts: sign-up, verification, log-in, passwords and profiles."""

import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from .. import mail
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..redirects import is_safe_redirect
from ..security import is_admin
from ..timeutil import utcnow
from ..urls import external_url
from . import logins, tokens
from .models import User
from .passwords import hash_password, password_problem


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def check_password_acceptable(password: str, field: str = "password") -> None:
    problem = password_problem(password)
    if problem:
        raise DomainError(problem, field=field)


def sign_up(
    email: str, password: str, full_name: str, native_name: str = "", locale: str = "en", next_page: str = ""
) -> User:
    """A new, unverified account; ``next_page``, a path on this site, is where the confirmation link
    leads after the log-in (an invitation the person followed to get here, say)."""
    check_password_acceptable(password)
    user = User(
        email=normalise_email(email),
        full_name=full_name.strip(),
        native_name=(native_name or "").strip(),
        locale=locale,
    )
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()  # the unique index decides, not an earlier look-up: no race between two sign-ups
    except IntegrityError as error:
        db.session.rollback()
        raise DomainError(
            _l("An account with this e-mail address exists already. Log in or reset your password."), field="email"
        ) from error
    send_verification(user, next_page=next_page)
    db.session.commit()
    return user


def verification_token(user: User) -> str:
    return tokens.make_token(tokens.VERIFY_SALT, {"uid": user.id, "email": user.email})


def send_verification(user: User, place=None, next_page: str = "") -> None:
    """The link that confirms the address; ``place``, a registration made with the account, is
    held only until its deadline, which the message names. ``next_page`` rides along on the link
    only when it is a path on this site."""
    extra = {"next": next_page} if is_safe_redirect(next_page) else {}
    link = external_url("accounts.verify_email", token=verification_token(user), **extra)
    hours = current_app.config["EMAIL_VERIFICATION_MAX_AGE"] // 3600
    message = mail.compose(
        user.email,
        user.locale,
        "verify_email",
        _l("Confirm your e-mail address"),
        user=user,
        link=link,
        hours=hours,
        place=place,
    )
    mail.queue(message)
    user.verification_sent_at = utcnow()


def resend_verification(email: str) -> None:
    """Sends a new link when the address belongs to an unverified account; says nothing otherwise."""
    user = find_user_by_email(email)
    if user is not None and not user.is_verified:
        send_verification(user)
        db.session.commit()


def verify_email(token: str) -> User:
    payload = tokens.read_token(
        tokens.VERIFY_SALT,
        token,
        current_app.config["EMAIL_VERIFICATION_MAX_AGE"],
        expired_message=_l("This confirmation link has expired. Log in to get a new one."),
        invalid_message=_l("This confirmation link is not valid. Check that you copied all of it."),
    )
    user = db.session.get(User, payload.get("uid") or 0)
    if user is None or user.email != payload.get("email"):
        raise tokens.InvalidToken(_l("This confirmation link is not valid. Check that you copied all of it."))
    if user.is_verified:
        raise tokens.InvalidToken(_l("This confirmation link has been used already. You can log in."))
    user.email_verified_at = utcnow()
    db.session.commit()
    return user


class UnverifiedEmail(DomainError):
    pass


_DUMMY_HASHES: dict[str, str] = {}


def dummy_password_hash() -> str:
    """The hash of no one's password, made once per hash method: checking against it takes as long
    as checking a real password."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = hash_password(secrets.token_hex(16))
    return _DUMMY_HASHES[method]


def authenticate(email: str, password: str) -> User:
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(dummy_password_hash(), password)  # the answer takes as long as for a known address
        raise DomainError(_l("The e-mail address or the password is not right."), field="password")
    if not user.check_password(password):
        raise DomainError(_l("The e-mail address or the password is not right."), field="password")
    if user.is_disabled:
        raise DomainError(
            _l("This account is disabled. Ask the platform administrators if you think it should not be.")
        )
    if not user.is_verified:
        raise UnverifiedEmail(
            _l("Please confirm your e-mail address first: follow the link in the message we sent you.")
        )
    return user


def reset_token(user: User) -> str:
    return tokens.make_token(tokens.RESET_SALT, {"uid": user.id, "pw": tokens.password_fingerprint(user.password_hash)})


def request_password_reset(email: str) -> None:
    """Mails a single-use link when the address has an account; the answer is the same either way."""
    user = find_user_by_email(email)
    if user is None:
        return
    link = external_url("accounts.reset_password", token=reset_token(user))
    hours = current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600
    message = mail.compose(
        user.email, user.locale, "reset_password", _l("Reset your password"), user=user, link=link, hours=hours
    )
    mail.queue(message)
    db.session.commit()


def user_for_reset_token(token: str) -> User:
    invalid = _l("This password reset link is not valid or has been used already. Ask for a new one.")
    payload = tokens.read_token(
        tokens.RESET_SALT,
        token,
        current_app.config["PASSWORD_RESET_MAX_AGE"],
        expired_message=_l("This password reset link has expired. Ask for a new one."),
        invalid_message=invalid,
    )
    user = db.session.get(User, payload.get("uid") or 0)
    if user is None or tokens.password_fingerprint(user.password_hash) != payload.get("pw"):
        raise tokens.InvalidToken(invalid)
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    check_password_acceptable(new_password)
    user.set_password(new_password)
    logins.forget_all(user)
    if not user.is_verified:
        user.email_verified_at = utcnow()  # the link reached their mailbox: the address is theirs
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> User:
    if not user.check_password(current_password):
        raise DomainError(_l("Your current password is not right."), field="current_password")
    check_password_acceptable(new_password, field="new_password")
    user.set_password(new_password)
    logins.forget_all(user)  # every session of this user ends; the view starts this one again
    db.session.commit()
    return user


def update_profile(
    user: User, full_name: str, native_name: str, locale: str, prefills_personal_details: bool | None = None
) -> User:
    user.full_name = full_name.strip()
    user.native_name = (native_name or "").strip()
    user.locale = locale
    if prefills_personal_details is not None:
        user.prefills_personal_details = prefills_personal_details
    db.session.commit()
    return user


def set_locale(user: User, code: str) -> User:
    """The language the pages and e-mails use for this user."""
    if code not in current_app.config["LANGUAGES"]:
        raise DomainError(_l("Choose a language from the list."), field="locale")
    user.locale = code
    db.session.commit()
    return user


def allow_event_creation(actor: User, user_id: int) -> User:
    """Lets the user create events, or, if they may already, withdraws it."""
    if not is_admin(actor):
        raise Forbidden(_l("Only a platform administrator decides who may create events."))
    user = db.session.get(User, user_id)
    if user is None:
        raise DomainError(_l("This account does not exist."))
    user.can_create_events = not user.can_create_events
    db.session.commit()
    return user
