"""Speakers: their profiles, their roles in sessions, and the invitation that links a profile to an account.

Organisers add, edit and remove the speakers of their event and put them in sessions with a role.
An invitation e-mail carries a signed, time-limited link; the person who follows it while logged in
to the account with the invited address links the profile to that account, and from then on edits
it themselves (but not the organisers' fields: the e-mail address the invitation goes to, and the
sessions).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from .. import images, mail, uploads
from ..accounts import tokens
from ..accounts.models import User
from ..accounts.services import find_user_by_email, normalise_email
from ..errors import DomainError, Forbidden, NotFound
from ..events.models import Event
from ..extensions import db
from ..security import can_edit_speaker, can_manage_event, is_invited_speaker
from ..storage import upload_storage
from ..timeutil import utcnow
from ..translated import Translated
from ..urls import external_url
from .models import AgendaSession, SessionSpeaker, Speaker, SpeakerRole

INVITATION_SALT = "speaker-invitation"
INVITATION_MAX_AGE = 14 * 24 * 3600  # SPEAKER_INVITATION_MAX_AGE in the config overrides it
NAME_MAX = 200
BIOGRAPHY_MAX = 20000

ROLE_LABELS = {
    SpeakerRole.SPEAKER: _l("Speaker"),
    SpeakerRole.CHAIR: _l("Chair"),
    SpeakerRole.MODERATOR: _l("Moderator"),
    SpeakerRole.DISCUSSANT: _l("Discussant"),
    SpeakerRole.RAPPORTEUR: _l("Rapporteur"),
}


@dataclass
class SpeakerData:
    """A profile as typed: the names as written; the position, affiliation and biography in every
    language (a plain text is one language's)."""

    full_name: str
    native_name: str = ""
    title: Translated | str = ""
    affiliation: Translated | str = ""
    biography: Translated | str = ""
    email: str | None = None  # None: leave as it is (a speaker editing their own profile cannot change it)


@dataclass
class PhotoUpload:
    stream: BinaryIO
    filename: str


class SpeakerNotFound(NotFound):
    def __init__(self):
        super().__init__(_l("This speaker does not exist."))


# --- reading ---------------------------------------------------------------------------


def event_speakers(event_id: int, with_sessions: bool = False) -> list[Speaker]:
    """The event's speakers by name; ``with_sessions`` loads their sessions too, in a fixed number of queries."""
    query = db.select(Speaker).where(Speaker.event_id == event_id).order_by(func.lower(Speaker.full_name), Speaker.id)
    if with_sessions:
        query = query.options(
            selectinload(Speaker.sessions).joinedload(SessionSpeaker.session), joinedload(Speaker.user)
        )
    return list(db.session.scalars(query).unique())


def speaker_of_event(event_id: int, speaker_id: int) -> Speaker | None:
    """One speaker with their sessions loaded (two queries, however many sessions)."""
    speaker = db.session.scalar(
        db.select(Speaker)
        .where(Speaker.id == speaker_id, Speaker.event_id == event_id)
        .options(selectinload(Speaker.sessions).joinedload(SessionSpeaker.session))
    )
    return speaker


def sessions_in_order(speaker: Speaker) -> list[SessionSpeaker]:
    """The speaker's roles in sessions, by the session's start."""
    return sorted(speaker.sessions, key=lambda link: (link.session.starts_at, link.session.id, link.role.value))


def event_sessions(event_id: int) -> list[AgendaSession]:
    return list(
        db.session.scalars(
            db.select(AgendaSession)
            .where(AgendaSession.event_id == event_id)
            .order_by(AgendaSession.starts_at, AgendaSession.id)
        )
    )


SPEAKER_PROFILES_OF = (
    db.select(Speaker)
    .join(Speaker.event)
    .where(Speaker.user_id == bindparam("user_id"))
    .options(joinedload(Speaker.event))
    .order_by(Event.starts_at.desc())
)  # built once: "My registrations" shows them


def own_speaker_profiles(user) -> list[Speaker]:
    """The speaker profiles linked to ``user``, newest event first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if getattr(user, "speaks_somewhere", None) is False:  # read with the log-in (accounts.logins)
        return []
    return list(db.session.scalars(SPEAKER_PROFILES_OF, {"user_id": user.id}))


# --- checks -------------------------------------------------------------------------


def _too_long(value: Translated | str, limit: int, field: str) -> None:
    lengths = map(len, value.texts.values()) if isinstance(value, Translated) else [len(value)]
    if max(lengths, default=0) > limit:
        raise DomainError(_l("Use at most %(count)d characters.", count=limit), field=field)


def clean(data: SpeakerData) -> SpeakerData:
    full_name = (data.full_name or "").strip()
    if not full_name:
        raise DomainError(_l("Enter the speaker's name."), field="full_name")
    cleaned = SpeakerData(
        full_name=full_name,
        native_name=(data.native_name or "").strip(),
        title=Translated.of(data.title).strip(),
        affiliation=Translated.of(data.affiliation).strip(),
        biography=Translated.of(data.biography).strip(),
        email=None if data.email is None else normalise_email(data.email),
    )
    for field in ("full_name", "native_name", "title", "affiliation"):
        _too_long(getattr(cleaned, field), NAME_MAX, field)
    _too_long(cleaned.biography, BIOGRAPHY_MAX, "biography")
    if cleaned.email:
        _too_long(cleaned.email, 254, "email")
        local, _at, domain = cleaned.email.partition("@")
        if not local or "." not in domain or any(c.isspace() for c in cleaned.email):
            raise DomainError(_l("Enter a valid e-mail address, like name@example.org."), field="email")
    return cleaned


def _managed_event(actor: User, event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or not can_manage_event(actor, event):
        raise Forbidden(_l("You do not organise this event."))
    return event


def _managed_speaker(actor: User, speaker_id: int) -> Speaker:
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None:
        raise SpeakerNotFound()
    if not can_manage_event(actor, speaker.event):
        raise Forbidden(_l("You do not organise this event."))
    return speaker


def photo_missing(speaker: Speaker) -> bool:
    """The speaker has a photo whose file is missing from the upload storage."""
    return bool(speaker.photo_key) and not upload_storage().exists(speaker.photo_key)


def _store_photo(photo: PhotoUpload | None) -> uploads.StoredFile | None:
    if photo is None or not photo.filename:
        return None
    return uploads.store_upload(
        photo.stream,
        photo.filename,
        kinds=uploads.PHOTOS,
        field="photo",
        max_bytes=int(current_app.config["PHOTO_MAX_BYTES"]),
        image_side=images.PHOTO_SIDE,
    )


def _commit_with_photo(stored: uploads.StoredFile | None, old_key: str = "") -> None:
    """Commit; the new file goes when the commit fails, the replaced one when it succeeds."""
    with uploads.kept_if_committed([stored] if stored else [], [old_key]):
        db.session.commit()


def _apply(speaker: Speaker, data: SpeakerData, stored: uploads.StoredFile | None) -> str:
    """Write the profile; returns the key of a photo that was replaced (to delete after the commit)."""
    speaker.full_name = data.full_name
    speaker.native_name = data.native_name
    speaker.title = data.title
    speaker.affiliation = data.affiliation
    speaker.biography = data.biography
    if data.email is not None:
        speaker.email = data.email
    old_key = ""
    if stored is not None:
        old_key = speaker.photo_key
        speaker.photo_key = stored.key
        speaker.photo_type = stored.content_type
    return old_key


# --- organisers -------------------------------------------------------------------------


def add_speaker(actor: User, event_id: int, data: SpeakerData, photo: PhotoUpload | None = None) -> Speaker:
    _managed_event(actor, event_id)
    data = clean(data)
    stored = _store_photo(photo)
    speaker = Speaker(event_id=event_id)
    _apply(speaker, data, stored)
    db.session.add(speaker)
    _commit_with_photo(stored)
    return speaker


def update_speaker(
    actor: User, speaker_id: int, data: SpeakerData, photo: PhotoUpload | None = None, remove_photo: bool = False
) -> Speaker:
    """Organisers change every field; the speaker themself changes their profile but not the e-mail address."""
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None:
        raise SpeakerNotFound()
    if not can_edit_speaker(actor, speaker):
        raise Forbidden(_l("You may not edit this speaker's profile."))
    if not can_manage_event(actor, speaker.event):
        data = replace(data, email=None)
    data = clean(data)
    stored = _store_photo(photo)
    old_key = _apply(speaker, data, stored)
    if stored is None and remove_photo and speaker.photo_key:
        old_key, speaker.photo_key, speaker.photo_type = speaker.photo_key, "", ""
    _commit_with_photo(stored, old_key)
    return speaker


def remove_speaker(actor: User, speaker_id: int) -> None:
    """The speaker, their roles in sessions and their photo go."""
    speaker = _managed_speaker(actor, speaker_id)
    photo_key = speaker.photo_key
    db.session.delete(speaker)
    db.session.commit()
    if photo_key:
        uploads.delete_stored(photo_key)


def link_to_session(actor: User, speaker_id: int, session_id: int, role: SpeakerRole | str) -> SessionSpeaker:
    """Give the speaker a role in one of the event's sessions; the same role twice is refused."""
    speaker = _managed_speaker(actor, speaker_id)
    try:
        role = SpeakerRole(role)
    except ValueError as error:
        raise DomainError(_l("Choose a role from the list."), field="role") from error
    session = db.session.get(AgendaSession, session_id) if session_id else None
    if session is None or session.event_id != speaker.event_id:
        raise DomainError(_l("Choose a session of this event."), field="session_id")
    duplicate = _l(
        "%(name)s already has the role “%(role)s” in “%(session)s”.",
        name=speaker.full_name,
        role=ROLE_LABELS[role],
        session=session.title,
    )
    exists = db.session.scalar(
        db.select(SessionSpeaker.id).where(
            SessionSpeaker.session_id == session.id,
            SessionSpeaker.speaker_id == speaker.id,
            SessionSpeaker.role == role,
        )
    )
    if exists is not None:
        raise DomainError(duplicate, field="session_id")
    last = db.session.scalar(
        db.select(func.max(SessionSpeaker.position)).where(SessionSpeaker.session_id == session.id)
    )
    link = SessionSpeaker(
        session_id=session.id, speaker_id=speaker.id, role=role, position=(last if last is not None else -1) + 1
    )
    db.session.add(link)
    session.sequence += 1  # calendar applications see that the session changed
    try:
        db.session.commit()
    except IntegrityError as error:  # the same link added at the same moment by another request
        db.session.rollback()
        raise DomainError(duplicate, field="session_id") from error
    return link


def unlink_from_session(actor: User, speaker_id: int, link_id: int) -> None:
    speaker = _managed_speaker(actor, speaker_id)
    link = db.session.get(SessionSpeaker, link_id)
    if link is None or link.speaker_id != speaker.id:
        raise DomainError(_l("This speaker does not have this role any more."))
    link.session.sequence += 1
    db.session.delete(link)
    db.session.commit()


# --- invitations -------------------------------------------------------------------------


def invitation_max_age() -> int:
    return int(current_app.config.get("SPEAKER_INVITATION_MAX_AGE", INVITATION_MAX_AGE))


def invitation_token(speaker: Speaker) -> str:
    """Names the profile, the address it went to and when: a new invitation replaces the old link."""
    invited_at = speaker.invited_at or utcnow()
    return tokens.make_token(
        INVITATION_SALT, {"sid": speaker.id, "email": speaker.email, "at": int(invited_at.timestamp())}
    )


def invitation_locale(email: str, fallback_locale: str = "en") -> str:
    """The language of the account with this address; else the inviting organiser's, else English."""
    account = find_user_by_email(email)
    if account is not None and account.locale:
        return account.locale
    return fallback_locale or "en"


def invite(actor: User, speaker_id: int, fallback_locale: str = "en") -> Speaker:
    """E-mail the speaker a link to their profile, in their language when they have an account."""
    speaker = _managed_speaker(actor, speaker_id)
    if not speaker.email:
        raise DomainError(_l("Enter the speaker's e-mail address first, then send the invitation."), field="email")
    if speaker.user_id is not None:
        raise DomainError(_l("This speaker profile is already linked to an account: no invitation is needed."))
    speaker.invited_at = utcnow().replace(microsecond=0)
    locale = invitation_locale(speaker.email, fallback_locale)
    days = invitation_max_age() // (24 * 3600)
    event = speaker.event
    message = mail.compose(
        speaker.email,
        locale,
        "speaker_invitation",
        _l("Your speaker profile for %(event)s", event=event.title),
        speaker=speaker,
        event=event,
        inviter=actor.full_name,
        link=external_url("agenda.speaker_invitation", token=invitation_token(speaker)),
        event_link=external_url("events.show", slug=event.slug),
        days=days,
    )
    mail.queue(message, event_id=event.id)
    db.session.commit()
    return speaker


def speaker_for_invitation(token: str) -> Speaker:
    """The profile a valid, current invitation link names; else ExpiredToken or InvalidToken with a message."""
    payload = tokens.read_token(
        INVITATION_SALT,
        token,
        invitation_max_age(),
        _l("This invitation link has expired. Ask the organisers to send you a new one."),
        _l(
            "This invitation link is not valid. Check that you opened the whole link from the e-mail, or ask the "
            "organisers for a new one."
        ),
    )
    speaker = db.session.get(Speaker, payload.get("sid")) if isinstance(payload.get("sid"), int) else None
    if speaker is None:
        raise tokens.InvalidToken(
            _l("This speaker profile no longer exists. Ask the organisers if you think this is a mistake.")
        )
    invited_at = speaker.invited_at
    if payload.get("email") != speaker.email or invited_at is None or payload.get("at") != int(invited_at.timestamp()):
        raise tokens.InvalidToken(
            _l(
                "This invitation link was replaced by a newer one. Use the link in the latest e-mail from the "
                "organisers."
            )
        )
    return speaker


NOT_YOUR_INVITATION = _l(
    "This invitation was sent to another e-mail address than your account's. Log in with the account of the "
    "address the invitation went to, or ask the organisers to invite your address."
)


def claim(actor: User, token: str) -> Speaker:
    """Link the invitation's profile to ``actor``'s account."""
    speaker = speaker_for_invitation(token)
    if speaker.user_id == actor.id:
        return speaker
    if speaker.user_id is not None:
        raise DomainError(
            _l(
                "This speaker profile is already linked to another account. Ask the organisers if you think this is a "
                "mistake."
            )
        )
    if not is_invited_speaker(actor, speaker):
        raise DomainError(NOT_YOUR_INVITATION)
    other = db.session.scalar(
        db.select(Speaker.id).where(Speaker.event_id == speaker.event_id, Speaker.user_id == actor.id)
    )
    if other is not None:
        raise DomainError(
            _l(
                "Your account is already linked to another speaker profile at this event. Ask the organisers to merge "
                "them."
            )
        )
    # Only while nobody else has taken it: a conditional update, so two people cannot both claim it.
    taken = db.session.execute(
        db.update(Speaker)
        .where(Speaker.id == speaker.id, Speaker.user_id.is_(None))
        .values(user_id=actor.id, updated_at=utcnow())
    ).rowcount
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise DomainError(
            _l(
                "Your account is already linked to another speaker profile at this event. Ask the organisers to merge "
                "them."
            )
        ) from error
    if not taken:
        raise DomainError(
            _l(
                "This speaker profile is already linked to another account. Ask the organisers if you think this is a "
                "mistake."
            )
        )
    db.session.refresh(speaker)
    return speaker
