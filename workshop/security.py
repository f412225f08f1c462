"""Who may do what: every access rule of the product lives here.

Views call ``require_*`` (which aborts with 403/404; an event's pages through the decorators of
``lookups``); templates and services ask the ``can_*`` predicates.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from flask import abort

if TYPE_CHECKING:
    from .agenda.models import AgendaSession, Speaker
    from .api_v1.models import PersonalToken
    from .certificates.models import Certificate
    from .events.models import Event, Series
    from .letters.models import LetterRequest
    from .materials.models import Material
    from .publishing.models import Publication
    from .registration.models import Registration

Actor = Any  # a User, Flask-Login's anonymous user, or None


def is_admin(user: Actor) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_admin)


def can_create_events(user: Actor) -> bool:
    return is_admin(user) or bool(
        user is not None and getattr(user, "is_authenticated", False) and user.can_create_events
    )


def can_manage_event(user: Actor, event: Event) -> bool:
    if is_admin(user):
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    known = event.organiser_known  # read with the event, in the same statement (lookups.event_or_404)
    if known is not None and known[0] == user.id:
        return known[1]
    return any(organiser.id == user.id for organiser in event.organisers)


def can_see_personal_data(user: Actor, event: Event) -> bool:
    """Sex, dietary and accessibility needs, visa letters and sensitive answers: the event's organisers and admins "
    "only."""
    return can_manage_event(user, event)


def is_signed_in(user: Actor) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_confirmed_participant(user: Actor, event: Event) -> bool:
    if not is_signed_in(user):
        return False
    from .extensions import db
    from .registration.models import Registration
    from .registration.states import State

    return (
        db.session.scalar(
            db.select(Registration.id).where(
                Registration.event_id == event.id,
                Registration.user_id == user.id,
                Registration.state == State.CONFIRMED,
            )
        )
        is not None
    )


def is_speaker_at(user: Actor, event: Event) -> bool:
    if not is_signed_in(user):
        return False
    from .agenda.models import Speaker
    from .extensions import db

    return (
        db.session.scalar(db.select(Speaker.id).where(Speaker.event_id == event.id, Speaker.user_id == user.id))
        is not None
    )


def speaks_in(user: Actor, session: AgendaSession) -> bool:
    """The user is linked to a speaker profile that has a role in this session."""
    return is_signed_in(user) and any(link.speaker.user_id == user.id for link in session.speakers)


def can_edit_speaker(user: Actor, speaker: Speaker) -> bool:
    """Organisers edit every speaker of their event; a speaker edits their own profile."""
    return can_manage_event(user, speaker.event) or (is_signed_in(user) and speaker.user_id == user.id)


def is_invited_speaker(user: Actor, speaker: Speaker) -> bool:
    """Whether ``user``'s account has the address the speaker's invitation went to: only they may
    link the profile to their account, whoever else holds the link."""
    if not is_signed_in(user) or not speaker.email:
        return False
    return user.email.strip().lower() == speaker.email.strip().lower()


def can_upload_to_session(user: Actor, session: AgendaSession) -> bool:
    """Organisers upload to every session of their event; speakers to their own sessions only."""
    return can_manage_event(user, session.event) or speaks_in(user, session)


def material_audience(user: Actor, event: Event) -> frozenset:
    """The visibilities of the event's materials that ``user`` may see: organisers all; confirmed
    participants and speakers public and participants; everyone else public. Nothing of a draft
    for anyone but its organisers."""
    from .materials.models import Visibility

    if can_manage_event(user, event):
        return frozenset(Visibility)
    if not event.is_public:
        return frozenset()
    if is_confirmed_participant(user, event) or is_speaker_at(user, event):
        return frozenset({Visibility.PUBLIC, Visibility.PARTICIPANTS})
    return frozenset({Visibility.PUBLIC})


def can_see_material(user: Actor, material: Material, audience: frozenset | None = None) -> bool:
    """As ``material_audience``; besides, the person who uploaded a material always sees it.
    Pass ``audience`` when checking many materials of one event."""
    from .materials.models import Visibility

    event = material.event
    if audience is None:
        if material.visibility is Visibility.PUBLIC and event.is_public:
            return True
        audience = material_audience(user, event)
    if material.visibility in audience:
        return True
    return event.is_public and is_signed_in(user) and material.created_by_id == user.id


def can_change_material(user: Actor, material: Material) -> bool:
    """New versions, title, visibility, deletion: organisers for every material of their event;
    a speaker for what they uploaded to a session they still speak in."""
    if can_manage_event(user, material.event):
        return True
    return (
        material.session is not None
        and is_signed_in(user)
        and material.created_by_id == user.id
        and speaks_in(user, material.session)
    )


def is_check_in_staff(user: Actor, event: Event) -> bool:
    if not is_signed_in(user):
        return False
    known = event.check_in_staff_known  # read with the event, in the same statement (lookups.event_or_404)
    if known is not None and known[0] == user.id:
        return known[1]
    from .extensions import db

    found = db.session.execute(_check_in_staff_statement(), {"event_id": event.id, "user_id": user.id}).first()
    return found is not None


@cache
def _check_in_staff_statement():
    from sqlalchemy import bindparam

    from .attendance.models import check_in_staff
    from .extensions import db

    return db.select(check_in_staff.c.user_id).where(
        check_in_staff.c.event_id == bindparam("event_id"), check_in_staff.c.user_id == bindparam("user_id")
    )


def can_check_in(user: Actor, event: Event) -> bool:
    """The check-in desk, rosters and session codes: the event's organisers and its check-in staff
    (staff once the event is published: a draft is its organisers' alone)."""
    return can_manage_event(user, event) or (event.is_public and is_check_in_staff(user, event))


def can_issue_certificates(user: Actor, event: Event) -> bool:
    """Certificate settings, issuing, revoking, the downloads of all: the event's organisers."""
    return can_manage_event(user, event)


def can_download_certificate(user: Actor, certificate: Certificate) -> bool:
    """The holder, while it is valid (and the event public); the event's organisers, always."""
    registration = certificate.registration
    if can_issue_certificates(user, registration.event):
        return True
    return is_signed_in(user) and registration.user_id == user.id and certificate.valid and registration.event.is_public


def can_request_letter(user: Actor, registration: Registration) -> bool:
    """A confirmed participant who asked for a visa letter enters their own passport details."""
    from .registration.states import State

    return (
        is_signed_in(user)
        and registration.user_id == user.id
        and registration.state == State.CONFIRMED
        and registration.visa_letter_needed
        and registration.event.is_public
    )


def can_decide_letters(user: Actor, event: Event) -> bool:
    """Letterhead settings, passport details, approving and rejecting: the event's organisers."""
    return can_see_personal_data(user, event)


def can_download_letter(user: Actor, letter: LetterRequest) -> bool:
    """The participant once approved (and still confirmed); the event's organisers, always."""
    from .letters.models import LetterStatus
    from .registration.states import State

    registration = letter.registration
    if can_decide_letters(user, registration.event):
        return True
    return (
        is_signed_in(user)
        and registration.user_id == user.id
        and letter.status == LetterStatus.APPROVED
        and registration.state == State.CONFIRMED
        and registration.event.is_public
    )


def can_build_evaluation(user: Actor, event: Event) -> bool:
    """The evaluation form, opening and closing it, and its results: the event's organisers."""
    return can_manage_event(user, event)


def can_answer_evaluation(user: Actor, event: Event) -> bool:
    """Confirmed participants of a public event (whether it is open, and whether they already
    answered, the feedback services tell)."""
    return event.is_public and is_confirmed_participant(user, event)


def can_edit_report(user: Actor, event: Event) -> bool:
    """The report's sections, its preview and download: the event's organisers."""
    return can_manage_event(user, event)


def is_rapporteur_of(user: Actor, session: AgendaSession) -> bool:
    from .agenda.models import SpeakerRole

    return is_signed_in(user) and any(
        link.role == SpeakerRole.RAPPORTEUR and link.speaker.user_id == user.id for link in session.speakers
    )


def can_write_summary(user: Actor, session: AgendaSession) -> bool:
    """A session's summary: its rapporteurs, and the event's organisers."""
    return can_edit_report(user, session.event) or is_rapporteur_of(user, session)


def can_manage_team(user: Actor, event: Event) -> bool:
    """Naming and removing the event's organisers, check-in staff and rapporteurs, and inviting
    people to these roles: the event's organisers, and platform admins on every event (so an admin
    can always restore an organiser)."""
    return can_manage_event(user, event)


def has_team_role(user: Actor) -> bool:
    """Whether ``user`` manages anything: an admin, someone who may create events, or an organiser,
    check-in staff member or rapporteur of some event. Those alone see "Manage events"."""
    if not is_signed_in(user):
        return False
    if is_admin(user) or can_create_events(user):
        return True
    known = getattr(user, "on_a_team", None)  # read with the log-in, in the same statement (accounts.logins)
    if known is not None:
        return known
    from .extensions import db

    return bool(db.session.scalar(_team_role_statement(), {"user_id": user.id}))


def on_a_team(user_id):
    """The condition "the person ``user_id`` (a column or a parameter) organises, checks people in at,
    or reports on a session of some event", for a statement."""
    from sqlalchemy import exists, or_

    from .agenda.models import SessionSpeaker, Speaker, SpeakerRole
    from .attendance.models import check_in_staff
    from .events.models import event_organiser

    return or_(
        exists().where(event_organiser.c.user_id == user_id),
        exists().where(check_in_staff.c.user_id == user_id),
        exists()
        .where(Speaker.user_id == user_id, SessionSpeaker.speaker_id == Speaker.id)
        .where(SessionSpeaker.role == SpeakerRole.RAPPORTEUR),
    )


def speaks_somewhere(user_id):
    """The condition "some event's speaker profile is linked to the person ``user_id``", for a statement."""
    from sqlalchemy import exists

    from .agenda.models import Speaker

    return exists().where(Speaker.user_id == user_id)


@cache
def _team_role_statement():
    """Built once, with the person as a bound parameter."""
    from sqlalchemy import bindparam, select

    return select(on_a_team(bindparam("user_id")))


def can_reuse_event(user: Actor, event: Event) -> bool:
    """Duplicating an event or keeping it as a template: its organisers, when they may create events."""
    return can_manage_event(user, event) and can_create_events(user)


def series_joinable_by(user: Actor, candidates: list[Series]) -> list[Series]:
    """Those of ``candidates`` ``user`` may put an event in (``can_join_series``), in one query
    whatever their number; none when the user is not signed in."""
    if not is_signed_in(user):
        return []
    if is_admin(user) or all(series.created_by_id == user.id for series in candidates):
        return list(candidates)
    from .events.models import Event, event_organiser
    from .extensions import db

    organised = set(
        db.session.scalars(
            db.select(Event.series_id)
            .join(event_organiser, event_organiser.c.event_id == Event.id)
            .where(event_organiser.c.user_id == user.id, Event.series_id.is_not(None))
            .distinct()
        )
    )
    return [series for series in candidates if series.created_by_id == user.id or series.id in organised]


def can_join_series(user: Actor, series: Series) -> bool:
    """Putting an event in a series: admins, the series' creator, and the organisers of an event
    already in it (the next training of a series is often run by the team of the last)."""
    return bool(series_joinable_by(user, [series]))


def can_edit_series(user: Actor, series: Series) -> bool:
    """A series' title, description and address: whoever created it, and admins."""
    return is_admin(user) or (can_create_events(user) and series.created_by_id == user.id)


def can_publish_outcomes(user: Actor, event: Event) -> bool:
    """Publishing, replacing and withdrawing the report, press releases and materials: the event's organisers."""
    return can_manage_event(user, event)


def can_see_publication(user: Actor, publication: Publication) -> bool:
    """Its organisers always; everyone else only while it is published and the event public: a
    public one to all, a participants' one to confirmed participants and speakers."""
    from .publishing.models import Audience

    event = publication.event
    if can_publish_outcomes(user, event):
        return True
    if not publication.is_live or not event.is_public:
        return False
    if publication.audience is Audience.PUBLIC:
        return True
    return is_confirmed_participant(user, event) or is_speaker_at(user, event)


def can_edit_privacy_notice(user: Actor, event: Event) -> bool:
    """Writing the event's privacy notice and reading its earlier versions: the event's organisers."""
    return can_manage_event(user, event)


def can_hold_api_tokens(user: Actor) -> bool:
    """Personal API tokens reach only events their holder organises: for those who may organise."""
    if can_create_events(user):
        return True
    if not is_signed_in(user):
        return False
    from .accounts.models import User
    from .events.models import Event
    from .extensions import db

    return db.session.scalar(db.select(Event.id).where(Event.organisers.any(User.id == user.id)).limit(1)) is not None


def token_reaches(token: PersonalToken, event: Event) -> bool:
    """A personal API token reaches an event it names, for as long as its holder organises it."""
    return any(named.id == event.id for named in token.events) and can_manage_event(token.user, event)


def token_may_write(token: PersonalToken) -> bool:
    return token.can_write


def can_set_retention(user: Actor, event: Event) -> bool:
    """How long the event keeps its participants' personal data, and what will be erased when: its organisers."""
    return can_manage_event(user, event)


def can_set_privacy_defaults(user: Actor) -> bool:
    return is_admin(user)


def owns_data_export(user: Actor, export) -> bool:
    """A person's export of their own data: that person alone, admins included."""
    return is_signed_in(user) and export.user_id == user.id


def can_read_event_log(user: Actor, event: Event) -> bool:
    """The event's audit log (who changed what, who downloaded personal data): its organisers, and
    admins. Check-in staff, speakers and participants do not see it."""
    return can_manage_event(user, event)


def can_read_whole_log(user: Actor) -> bool:
    """Every event's log and what no event holds (accounts, the platform): admins."""
    return is_admin(user)


def can_view_event(user: Actor, event: Event) -> bool:
    return event.is_public or can_manage_event(user, event)


def require_event(user: Actor, event: Event, may) -> None:
    """``may(user, event)``, or 403; a draft is 404 instead, so that its existence is not revealed."""
    if not may(user, event):
        abort(404 if not event.is_public else 403)


def require_create_events(user: Actor) -> None:
    if not can_create_events(user):
        abort(403)


def require_admin(user: Actor) -> None:
    if not is_admin(user):
        abort(403)
