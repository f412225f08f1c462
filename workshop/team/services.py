"""An event's team: who holds which role, adding people by e-mail address, invitations, removal.

Each role has one source of truth: organisers are ``Event.organisers``, check-in staff the
``check_in_staff`` table, rapporteurs a speaker's role in sessions. An address with an account gets
the role at once and an e-mail saying so; an address without one gets an invitation whose signed
link gives the role to whoever accepts it while logged in with that address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from .. import mail
from ..accounts import tokens
from ..accounts.models import User
from ..accounts.services import find_user_by_email, normalise_email
from ..agenda.models import AgendaSession, SessionSpeaker, Speaker, SpeakerRole
from ..attendance.models import check_in_staff
from ..audit.recording import record_check_in_staff
from ..database import lock_for_update
from ..errors import DomainError, Forbidden
from ..events.models import Event
from ..events.services import events_with_role
from ..extensions import db
from ..security import can_manage_team, is_check_in_staff
from ..timeutil import utcnow
from ..urls import external_url
from .models import TeamInvitation, TeamRole

INVITATION_SALT = "team-invitation"
INVITATION_MAX_AGE = 14 * 24 * 3600  # TEAM_INVITATION_MAX_AGE in the config overrides it
EMAIL_MAX = 254

ROLE_LABELS = {
    TeamRole.ORGANISER: _l("Organiser"),
    TeamRole.CHECK_IN_STAFF: _l("Check-in staff"),
    TeamRole.RAPPORTEUR: _l("Rapporteur"),
}

NOT_YOUR_INVITATION = _l(
    "This invitation was sent to another e-mail address than your account's. Log in with the account of the "
    "address the invitation went to, or ask the organisers to invite your address."
)


# --- who is on the team ----------------------------------------------------------------------


@dataclass
class Role:
    role: TeamRole
    person_id: int  # the user's id; for a rapporteur, their speaker profile's
    sessions: list[AgendaSession] = field(default_factory=list)


@dataclass
class Member:
    person: User | Speaker  # has full_name and native_name
    email: str
    has_account: bool
    roles: list[Role] = field(default_factory=list)


def team_of(event: Event) -> list[Member]:
    """Everyone with a role at ``event``, by name, each once with all their roles."""
    members: dict[tuple[str, int], Member] = {}

    def member_for(user: User) -> Member:
        return members.setdefault(("user", user.id), Member(user, user.email, True))

    for user in event.organisers:
        member_for(user).roles.append(Role(TeamRole.ORGANISER, user.id))
    for user in check_in_staff_of(event):
        member_for(user).roles.append(Role(TeamRole.CHECK_IN_STAFF, user.id))
    for speaker, sessions in rapporteurs_of(event):
        if speaker.user is not None:
            member = member_for(speaker.user)
        else:
            member = members.setdefault(("speaker", speaker.id), Member(speaker, speaker.email, False))
        member.roles.append(Role(TeamRole.RAPPORTEUR, speaker.id, sessions))
    return sorted(members.values(), key=lambda m: (m.person.full_name.lower(), m.email))


def check_in_staff_of(event: Event) -> list[User]:
    return list(
        db.session.scalars(
            db.select(User)
            .join(check_in_staff, check_in_staff.c.user_id == User.id)
            .where(check_in_staff.c.event_id == event.id)
            .order_by(User.full_name, User.id)
        )
    )


def rapporteurs_of(event: Event) -> list[tuple[Speaker, list[AgendaSession]]]:
    links = db.session.scalars(
        db.select(SessionSpeaker)
        .join(SessionSpeaker.session)
        .where(AgendaSession.event_id == event.id, SessionSpeaker.role == SpeakerRole.RAPPORTEUR)
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    )
    by_speaker: dict[int, tuple[Speaker, list[AgendaSession]]] = {}
    for link in links:
        by_speaker.setdefault(link.speaker_id, (link.speaker, []))[1].append(link.session)
    return list(by_speaker.values())


def pending_invitations(event: Event) -> list[TeamInvitation]:
    return list(
        db.session.scalars(
            db.select(TeamInvitation)
            .where(
                TeamInvitation.event_id == event.id,
                TeamInvitation.accepted_at.is_(None),
                TeamInvitation.withdrawn_at.is_(None),
            )
            .order_by(TeamInvitation.email, TeamInvitation.id)
        )
    )


def invited_sessions(invitation: TeamInvitation) -> list[AgendaSession]:
    if not invitation.sessions:
        return []
    return list(
        db.session.scalars(
            db.select(AgendaSession)
            .where(AgendaSession.id.in_(invitation.sessions), AgendaSession.event_id == invitation.event_id)
            .order_by(AgendaSession.starts_at, AgendaSession.id)
        )
    )


# --- adding ------------------------------------------------------------------------------------


@dataclass
class Added:
    """A person given a role at once (``user``), or an invitation on its way."""

    user: User | None = None
    invitation: TeamInvitation | None = None


def checked_email(email: str) -> str:
    email = normalise_email(email)
    local, _at, domain = email.partition("@")
    if (
        not local
        or "." not in domain.strip(".")
        or "@" in domain
        or len(email) > EMAIL_MAX
        or any(c.isspace() for c in email)
    ):
        raise DomainError(_l("Enter a valid e-mail address, like name@example.org."), field="email")
    return email


def checked_sessions(event: Event, role: TeamRole, session_ids) -> list[AgendaSession]:
    if role is not TeamRole.RAPPORTEUR:
        return []
    ids = {int(i) for i in session_ids or ()}
    sessions = (
        list(
            db.session.scalars(
                db.select(AgendaSession)
                .where(AgendaSession.id.in_(ids), AgendaSession.event_id == event.id)
                .order_by(AgendaSession.starts_at, AgendaSession.id)
            )
        )
        if ids
        else []
    )
    if not sessions or len(sessions) != len(ids):
        raise DomainError(_l("Choose the sessions the rapporteur reports on."), field="sessions")
    return sessions


def require_team_manager(actor: User, event: Event) -> None:
    if not can_manage_team(actor, event):
        raise Forbidden(_l("You do not organise this event."))


def add_member(actor: User, event_id: int, email: str, role: TeamRole, session_ids=()) -> Added:
    """Give the person with ``email`` the ``role`` at the event (as rapporteur, in ``session_ids``),
    and tell them by e-mail in their language; an address without an account is sent an invitation
    instead, in the inviter's language."""
    event = lock_for_update(Event, event_id)
    require_team_manager(actor, event)
    email = checked_email(email)
    sessions = checked_sessions(event, role, session_ids)
    user = find_user_by_email(email)
    if user is None or not user.is_verified:  # an unconfirmed account may not be the address's owner
        invitation = _invite(actor, event, email, role, sessions)
        db.session.commit()
        return Added(invitation=invitation)
    refuse_if_held(event, user, role, sessions)
    grant(event, user, role, sessions)
    _tell_added(actor, event, user, role, sessions)
    db.session.commit()
    return Added(user=user)


def refuse_if_held(event: Event, user: User, role: TeamRole, sessions: list[AgendaSession]) -> None:
    name = user.full_name
    organises = any(organiser.id == user.id for organiser in event.organisers)
    if role is TeamRole.ORGANISER and organises:
        raise DomainError(_l("%(name)s organises this event already.", name=name), field="email")
    if role is TeamRole.CHECK_IN_STAFF:
        if organises:
            raise DomainError(
                _l("%(name)s organises this event and can check people in already.", name=name), field="email"
            )
        if is_check_in_staff(user, event):
            raise DomainError(_l("%(name)s is check-in staff of this event already.", name=name), field="email")
    if role is TeamRole.RAPPORTEUR:
        speaker = speaker_of(event, user)
        if speaker is not None and not _sessions_without_rapporteur(speaker, sessions):
            raise DomainError(
                _l("%(name)s is already the rapporteur of the sessions you chose.", name=name), field="email"
            )


def grant(event: Event, user: User, role: TeamRole, sessions: list[AgendaSession]) -> None:
    """Give ``user`` the role; what they hold already stays as it is."""
    if role is TeamRole.ORGANISER:
        if all(organiser.id != user.id for organiser in event.organisers):
            event.organisers.append(user)
    elif role is TeamRole.CHECK_IN_STAFF:
        if not is_check_in_staff(user, event) and all(organiser.id != user.id for organiser in event.organisers):
            db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=user.id))
            record_check_in_staff(event.id, user.id, added=True)
            event.check_in_staff_known = None  # what was read with the event no longer holds
    else:
        speaker = speaker_of(event, user) or _new_speaker(event, user)
        if speaker.user_id is None:
            speaker.user_id = user.id
        for session in _sessions_without_rapporteur(speaker, sessions):
            _add_rapporteur(speaker, session)


def speaker_of(event: Event, user: User) -> Speaker | None:
    """The user's speaker profile at the event: linked to their account, else one made for their
    address that no account has claimed yet."""
    linked = db.session.scalar(db.select(Speaker).where(Speaker.event_id == event.id, Speaker.user_id == user.id))
    if linked is not None:
        return linked
    return db.session.scalar(
        db.select(Speaker)
        .where(Speaker.event_id == event.id, Speaker.user_id.is_(None), func.lower(Speaker.email) == user.email)
        .order_by(Speaker.id)
        .limit(1)
    )


def _new_speaker(event: Event, user: User) -> Speaker:
    speaker = Speaker(
        event_id=event.id, user_id=user.id, full_name=user.full_name, native_name=user.native_name, email=user.email
    )
    db.session.add(speaker)
    db.session.flush()
    return speaker


def _sessions_without_rapporteur(speaker: Speaker, sessions: list[AgendaSession]) -> list[AgendaSession]:
    held = set(
        db.session.scalars(
            db.select(SessionSpeaker.session_id).where(
                SessionSpeaker.speaker_id == speaker.id, SessionSpeaker.role == SpeakerRole.RAPPORTEUR
            )
        )
    )
    return [session for session in sessions if session.id not in held]


def _add_rapporteur(speaker: Speaker, session: AgendaSession) -> None:
    last = db.session.scalar(
        db.select(func.max(SessionSpeaker.position)).where(SessionSpeaker.session_id == session.id)
    )
    db.session.add(
        SessionSpeaker(
            session_id=session.id,
            speaker_id=speaker.id,
            role=SpeakerRole.RAPPORTEUR,
            position=(last if last is not None else -1) + 1,
        )
    )
    session.sequence += 1  # calendar applications see that the session changed


def _tell_added(actor: User, event: Event, user: User, role: TeamRole, sessions: list[AgendaSession]) -> None:
    message = mail.compose(
        user.email,
        user.locale,
        "team_added",
        _l("You are on the team of %(event)s", event=event.title),
        person=user,
        event=event,
        inviter=actor.full_name,
        role=ROLE_LABELS[role],
        sessions=sessions,
        link=external_url("events.manage"),
    )
    mail.queue(message, event_id=event.id)


# --- invitations -------------------------------------------------------------------------------


def invitation_max_age() -> int:
    return int(current_app.config.get("TEAM_INVITATION_MAX_AGE", INVITATION_MAX_AGE))


def invitation_token(invitation: TeamInvitation) -> str:
    """Names the invitation and when it was sent: sending it again replaces the old link."""
    return tokens.make_token(INVITATION_SALT, {"iid": invitation.id, "at": int(invitation.sent_at.timestamp())})


def _invite(
    actor: User,
    event: Event,
    email: str,
    role: TeamRole,
    sessions: list[AgendaSession],
) -> TeamInvitation:
    waiting = db.session.scalar(
        db.select(TeamInvitation.id).where(
            TeamInvitation.event_id == event.id,
            TeamInvitation.email == email,
            TeamInvitation.role == role,
            TeamInvitation.accepted_at.is_(None),
            TeamInvitation.withdrawn_at.is_(None),
        )
    )
    if waiting is not None:
        raise DomainError(
            _l(
                "An invitation to this address for this role is waiting already: send it again from the list of "
                "invitations."
            ),
            field="email",
        )
    invitation = TeamInvitation(
        event_id=event.id,
        email=email,
        role=role,
        session_ids=",".join(str(session.id) for session in sessions),
        locale=actor.locale or "en",
        invited_by_id=actor.id,
        sent_at=utcnow().replace(microsecond=0),
    )
    db.session.add(invitation)
    db.session.flush()
    _send(actor, invitation, sessions)
    return invitation


def _send(actor: User, invitation: TeamInvitation, sessions: list[AgendaSession]) -> None:
    event = invitation.event or db.session.get(Event, invitation.event_id)
    message = mail.compose(
        invitation.email,
        invitation.locale,
        "team_invitation",
        _l("An invitation to the team of %(event)s", event=event.title),
        event=event,
        inviter=actor.full_name,
        role=ROLE_LABELS[invitation.role],
        sessions=sessions,
        link=external_url("team.invitation", token=invitation_token(invitation)),
        signup_link=external_url("accounts.signup"),
        days=invitation_max_age() // (24 * 3600),
    )
    mail.queue(message, event_id=event.id)


def _pending_invitation(event: Event, invitation_id: int) -> TeamInvitation:
    invitation = db.session.get(TeamInvitation, invitation_id)
    if invitation is None or invitation.event_id != event.id or not invitation.is_pending:
        raise DomainError(_l("This invitation is no longer waiting: it was accepted or withdrawn."))
    return invitation


def withdraw(actor: User, event_id: int, invitation_id: int) -> TeamInvitation:
    event = lock_for_update(Event, event_id)
    require_team_manager(actor, event)
    invitation = _pending_invitation(event, invitation_id)
    invitation.withdrawn_at = utcnow()
    db.session.commit()
    return invitation


def send_again(actor: User, event_id: int, invitation_id: int) -> TeamInvitation:
    """A new e-mail with a new link; the link sent before stops working."""
    event = lock_for_update(Event, event_id)
    require_team_manager(actor, event)
    invitation = _pending_invitation(event, invitation_id)
    now = utcnow().replace(microsecond=0)
    if int(now.timestamp()) == int(invitation.sent_at.timestamp()):
        now += timedelta(seconds=1)  # the new link must differ from the old one
    invitation.sent_at = now
    _send(actor, invitation, invited_sessions(invitation))
    db.session.commit()
    return invitation


def invitation_for(token: str) -> TeamInvitation:
    """The pending invitation a valid, current link names; else ExpiredToken or InvalidToken with a message."""
    payload = tokens.read_token(
        INVITATION_SALT,
        token,
        invitation_max_age(),
        _l("This invitation link has expired. Ask the organisers to send it again."),
        _l(
            "This invitation link is not valid. Check that you opened the whole link from the e-mail, or ask the "
            "organisers for a new one."
        ),
    )
    invitation_id = payload.get("iid")
    invitation = db.session.get(TeamInvitation, invitation_id) if isinstance(invitation_id, int) else None
    if invitation is None or invitation.withdrawn_at is not None:
        raise tokens.InvalidToken(
            _l("The organisers withdrew this invitation. Ask them if you think this is a mistake.")
        )
    if payload.get("at") != int(invitation.sent_at.timestamp()):
        raise tokens.InvalidToken(
            _l(
                "This invitation link was replaced by a newer one. Use the link in the latest e-mail from the "
                "organisers."
            )
        )
    return invitation


def may_accept(actor: User, invitation: TeamInvitation) -> None:
    """Refuses, with a message, an account other than the invited address's."""
    if invitation.accepted_at is not None and invitation.accepted_by_id != actor.id:
        raise DomainError(_l("This invitation has been accepted already."))
    if normalise_email(actor.email) != invitation.email:
        raise DomainError(NOT_YOUR_INVITATION)


def accept(actor: User, token: str) -> TeamInvitation:
    """Give ``actor`` the invitation's role, when their account has the invited address."""
    invitation = invitation_for(token)
    may_accept(actor, invitation)
    if invitation.accepted_at is not None:
        return invitation
    event = lock_for_update(Event, invitation.event_id)
    db.session.expire(invitation)  # read again under the lock: withdrawn, replaced or accepted meanwhile?
    invitation = invitation_for(token)
    may_accept(actor, invitation)
    if invitation.accepted_at is None:
        grant(event, actor, invitation.role, invited_sessions(invitation))
        invitation.accepted_at = utcnow()
        invitation.accepted_by_id = actor.id
    db.session.commit()
    return invitation


# --- removing ----------------------------------------------------------------------------------


def remove_member(actor: User, event_id: int, role: TeamRole, person_id: int) -> None:
    """Take ``role`` from the person; an event keeps at least one organiser."""
    event = lock_for_update(Event, event_id)
    require_team_manager(actor, event)
    gone = _l("This person does not have this role any more.")
    if role is TeamRole.ORGANISER:
        if all(organiser.id != person_id for organiser in event.organisers):
            raise DomainError(gone)
        if len(event.organisers) == 1:
            raise DomainError(
                _l("An event needs at least one organiser: add another organiser before removing the last one.")
            )
        event.organisers = [user for user in event.organisers if user.id != person_id]
    elif role is TeamRole.CHECK_IN_STAFF:
        removed = db.session.execute(
            check_in_staff.delete().where(check_in_staff.c.event_id == event.id, check_in_staff.c.user_id == person_id)
        ).rowcount
        event.check_in_staff_known = None  # what was read with the event no longer holds
        if not removed:
            raise DomainError(gone)
        record_check_in_staff(event.id, person_id, added=False)
    else:
        links = list(
            db.session.scalars(
                db.select(SessionSpeaker)
                .join(SessionSpeaker.speaker)
                .where(
                    Speaker.id == person_id,
                    Speaker.event_id == event.id,
                    SessionSpeaker.role == SpeakerRole.RAPPORTEUR,
                )
            )
        )
        if not links:
            raise DomainError(gone)
        for link in links:
            link.session.sequence += 1
            db.session.delete(link)
    db.session.commit()


# --- what a member of a team is given to do ------------------------------------------------------


def staffed_events(user: User) -> list[Event]:
    """The events whose check-in staff ``user`` is, newest first."""
    return events_with_role(user, check_in_staff)


def reported_sessions(user: User) -> list[AgendaSession]:
    """The sessions ``user`` is the rapporteur of, by event (newest first) and time."""
    return list(
        db.session.scalars(
            db.select(AgendaSession)
            .join(SessionSpeaker, SessionSpeaker.session_id == AgendaSession.id)
            .join(Speaker, Speaker.id == SessionSpeaker.speaker_id)
            .join(Event, Event.id == AgendaSession.event_id)
            .where(Speaker.user_id == user.id, SessionSpeaker.role == SpeakerRole.RAPPORTEUR)
            .order_by(Event.starts_at.desc(), Event.id, AgendaSession.starts_at, AgendaSession.id)
        )
    )
