"""A new event made from an existing one: its texts, settings, agenda, speakers and forms, moved to
new dates, without anything of its participants (registrations, attendance, certificates, letters,
messages) and without its materials.

Times move by the same wall-clock offset in the event's time zone as its start, so a session at
09:00 stays at 09:00 across a change of summer time.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..security import can_reuse_event
from ..storage import FileMissing, NotStored, upload_storage
from ..timeutil import local_to_utc, nonexistent_local_time, utc_to_local, utcnow
from ..translated import Translated
from ..uploads import delete_stored
from .models import Event, EventPartner, EventStatus
from .services import unique_slug

log = logging.getLogger(__name__)

LETTERHEAD_TEXTS = (
    "issuers",
    "address",
    "signatory_1_name",
    "signatory_1_title",
    "signatory_2_name",
    "signatory_2_title",
    "place_of_signature",
)
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class CloneData:
    """What the organiser chose for the new event; times are wall-clock times in the source's zone.
    Left empty: the source's title, a slug made from the title, an end and a registration close
    moved with the start."""

    starts_at: datetime
    ends_at: datetime | None = None
    title: Translated | str = ""
    slug: str = ""
    registration_closes_at: datetime | None = None


@dataclass(frozen=True)
class Shift:
    """Moves a UTC time by ``offset`` of wall-clock time in ``zone``."""

    zone: str
    offset: timedelta

    def __call__(self, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        local = utc_to_local(moment, self.zone).replace(tzinfo=None) + self.offset
        return local_to_utc(local, self.zone)


def clone_event(actor: User, source_id: int, data: CloneData | None = None, as_template: bool = False) -> Event:
    """A new draft from the event ``source_id`` at the dates in ``data``; ``as_template`` keeps it as a
    template at the source's own dates (``data`` is then not needed)."""
    source = db.session.get(Event, source_id)
    if source is None or not can_reuse_event(actor, source):
        raise Forbidden(_l("You may not duplicate this event."))
    if as_template or data is None:
        shift = Shift(source.timezone, timedelta(0))
        title, slug, ends_at, closes_at = source.title, "", source.ends_at, source.registration_closes_at
    else:
        shift, ends_at, closes_at = checked_dates(source, data)
        title = Translated.of(data.title).strip() or source.title
        slug = checked_slug(data.slug)
    copies: list[str] = []
    try:
        event = copy_event(source, actor, shift, title, ends_at, closes_at, as_template)
        event.slug = slug or unique_slug(title, event.starts_at.year)
        db.session.add(event)
        db.session.flush()
        session_ids = copy_agenda(source, event, shift, copies)
        copy_forms(source, event, session_ids)
        copy_letterhead(source, event, copies)
        copy_message_templates(source, event)
        db.session.commit()
    except BaseException as error:
        db.session.rollback()
        for key in copies:
            delete_stored(key)
        if isinstance(error, IntegrityError):  # the slug was taken meanwhile
            raise DomainError(_l("This address is already taken; choose another."), field="slug") from None
        raise
    return event


def checked_dates(source: Event, data: CloneData) -> tuple[Shift, datetime, datetime | None]:
    """The shift from the source's start to the new one, the new end and the new registration close;
    DomainError (by its field) for dates that cannot be."""
    zone = source.timezone
    for name in ("starts_at", "ends_at", "registration_closes_at"):
        moment = getattr(data, name)
        if moment is not None and nonexistent_local_time(moment, zone):
            raise DomainError(_l("This time does not exist in %(zone)s: the clocks go forward then.", zone=zone), name)
    starts_at = local_to_utc(data.starts_at, zone)
    if starts_at <= utcnow():
        raise DomainError(_l("The new event must start in the future."), field="starts_at")
    shift = Shift(zone, data.starts_at - utc_to_local(source.starts_at, zone).replace(tzinfo=None))
    ends_at = local_to_utc(data.ends_at, zone) if data.ends_at else shift(source.ends_at)
    if ends_at <= starts_at:
        raise DomainError(_l("The event must end after it starts."), field="ends_at")
    opens_at = shift(source.registration_opens_at)
    if data.registration_closes_at:
        closes_at = local_to_utc(data.registration_closes_at, zone)
    else:
        closes_at = shift(source.registration_closes_at)
    if closes_at is not None and closes_at > starts_at:
        if data.registration_closes_at:
            message = _l("Registration must close before the new event starts.")
        else:
            message = _l(
                "Moved with the dates, registration would close after the new event starts: "
                "give a closing date before it."
            )
        raise DomainError(message, field="registration_closes_at")
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise DomainError(
            _l("Registration must close after it opens (the opening moves with the dates)."),
            field="registration_closes_at",
        )
    return shift, ends_at, closes_at


def checked_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not slug:
        return ""
    if not SLUG.fullmatch(slug):
        raise DomainError(_l("Use lower-case letters, digits and hyphens only, e.g. labour-inspection-2027."), "slug")
    if db.session.scalar(db.select(Event.id).where(Event.slug == slug)) is not None:
        raise DomainError(_l("This address is already taken; choose another."), field="slug")
    return slug


def copy_event(
    source: Event,
    actor: User,
    shift: Shift,
    title: Translated,
    ends_at: datetime,
    closes_at: datetime | None,
    as_template: bool,
) -> Event:
    organisers = list(source.organisers)
    if actor not in organisers:
        organisers.append(actor)
    return Event(
        kind=source.kind,
        status=EventStatus.DRAFT,
        is_template=as_template,
        series_id=source.series_id,
        title=title,
        summary=source.summary,
        description=source.description,
        venue=source.venue,
        city=source.city,
        country=source.country,
        timezone=source.timezone,
        starts_at=shift(source.starts_at),
        ends_at=ends_at,
        registration_opens_at=shift(source.registration_opens_at),
        registration_closes_at=closes_at,
        capacity=source.capacity,
        approval_required=source.approval_required,
        visitor_confirmation_hours=source.visitor_confirmation_hours,
        contact_email=source.contact_email,
        partners=[EventPartner(name=partner.name, position=partner.position) for partner in source.partners],
        organisers=organisers,
    )


def copy_agenda(source: Event, event: Event, shift: Shift, copies: list[str]) -> dict[int, int]:
    """The sessions that are not cancelled, the speakers and their roles in them; returns the new
    session's id by the old one's."""
    from ..agenda.models import AgendaSession, SessionSpeaker, Speaker

    sessions = db.session.scalars(
        db.select(AgendaSession).where(AgendaSession.event_id == source.id, AgendaSession.cancelled.is_(False))
    )
    new_session = {}
    for session in sessions:
        new_session[session.id] = AgendaSession(
            event_id=event.id,
            title=session.title,
            kind=session.kind,
            starts_at=shift(session.starts_at),
            ends_at=shift(session.ends_at),
            room=session.room,
            address=session.address,
            city=session.city,
            directions=session.directions,
            track=session.track,
            description=session.description,
            counts_for_attendance=session.counts_for_attendance,
        )
    db.session.add_all(new_session.values())
    for speaker in db.session.scalars(db.select(Speaker).where(Speaker.event_id == source.id)):
        copy = Speaker(
            event_id=event.id,
            user_id=speaker.user_id,
            full_name=speaker.full_name,
            native_name=speaker.native_name,
            title=speaker.title,
            affiliation=speaker.affiliation,
            biography=speaker.biography,
            email=speaker.email,
            photo_key=copied_file(speaker.photo_key, copies),
            photo_type=speaker.photo_type,
        )
        copy.sessions = [
            SessionSpeaker(session=new_session[link.session_id], role=link.role, position=link.position)
            for link in speaker.sessions
            if link.session_id in new_session
        ]
        db.session.add(copy)
    db.session.flush()
    return {old: new.id for old, new in new_session.items()}


def copy_forms(source: Event, event: Event, session_ids: dict[int, int]) -> None:
    """The registration questions still asked, the evaluation form, the certificate rule and settings."""
    from ..attendance.models import CertificateRule
    from ..certificates.models import CertificateSettings
    from ..feedback.models import Evaluation, EvaluationQuestion
    from ..registration.models import Question

    for question in db.session.scalars(
        db.select(Question).where(Question.event_id == source.id, Question.archived.is_(False))
    ):
        db.session.add(
            Question(
                event_id=event.id,
                kind=question.kind,
                label=question.label,
                help_text=question.help_text,
                options_json=question.options_json,
                required=question.required,
                sensitive=question.sensitive,
                position=question.position,
            )
        )
    evaluation = db.session.scalar(db.select(Evaluation).where(Evaluation.event_id == source.id))
    if evaluation is not None:
        db.session.add(
            Evaluation(event_id=event.id, anonymous=evaluation.anonymous, introduction=evaluation.introduction)
        )
    for question in db.session.scalars(
        db.select(EvaluationQuestion).where(
            EvaluationQuestion.event_id == source.id, EvaluationQuestion.archived.is_(False)
        )
    ):
        db.session.add(
            EvaluationQuestion(
                event_id=event.id,
                kind=question.kind,
                label=question.label,
                help_text=question.help_text,
                options_json=question.options_json,
                required=question.required,
                session_id=session_ids.get(question.session_id),
                position=question.position,
            )
        )
    rule = db.session.scalar(db.select(CertificateRule).where(CertificateRule.event_id == source.id))
    if rule is not None:
        db.session.add(CertificateRule(event_id=event.id, min_percent=rule.min_percent, min_hours=rule.min_hours))
    settings = db.session.scalar(db.select(CertificateSettings).where(CertificateSettings.event_id == source.id))
    if settings is not None:
        db.session.add(CertificateSettings(event_id=event.id, bilingual=settings.bilingual))


def copy_message_templates(source: Event, event: Event) -> None:
    """The event's own message templates; its series' stay with the series, which the copy is in too."""
    from ..messages.models import MessageTemplate

    for template in db.session.scalars(db.select(MessageTemplate).where(MessageTemplate.event_id == source.id)):
        db.session.add(
            MessageTemplate(
                event_id=event.id,
                name=template.name,
                subject=template.subject,
                text=template.text,
                created_by_id=template.created_by_id,
            )
        )


def copy_letterhead(source: Event, event: Event, copies: list[str]) -> None:
    """The letterhead with copies of its pictures (each event replaces its own), and what letters say."""
    from ..letterhead.models import IMAGE_SLOTS, Letterhead
    from ..letters.models import LetterSettings

    letterhead = db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == source.id))
    if letterhead is not None:
        copy = Letterhead(event_id=event.id)
        for column in LETTERHEAD_TEXTS:
            setattr(copy, column, getattr(letterhead, column))
        for slot in IMAGE_SLOTS:
            setattr(copy, slot, copied_file(getattr(letterhead, slot), copies))
        db.session.add(copy)
    settings = db.session.scalar(db.select(LetterSettings).where(LetterSettings.event_id == source.id))
    if settings is not None:
        # the prefix is left to be derived from the new event, whose year may differ
        db.session.add(
            LetterSettings(event_id=event.id, purpose=settings.purpose, passport_months=settings.passport_months)
        )


def copied_file(key: str, copies: list[str]) -> str:
    """A copy of the uploaded file ``key`` under a new key ("" when there is none, or it is missing)."""
    if not key:
        return ""
    storage = upload_storage()
    try:
        with storage.open(key) as file:
            new_key = storage.save(file)
    except (FileMissing, NotStored) as error:
        log.warning("upload %s was not copied to the duplicated event: %s", key, error)
        return ""
    copies.append(new_key)
    return new_key
