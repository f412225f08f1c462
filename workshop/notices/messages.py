"""The e-mails that tell organisers: one a happening, or one digest a day; in the organiser's
language, with links to the pages where they act."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby

from flask_babel import lazy_gettext as _l

from .. import mail
from ..events.models import Event
from ..mail.models import OutboxMessage
from ..urls import external_url
from .models import NoticeKind, OrganiserNotice


def subject_of(kind: NoticeKind, event: Event):
    """A lazy string: translated when the e-mail is composed, in the organiser's language."""
    if kind is NoticeKind.PENDING_REGISTRATION:
        return _l("A registration for %(event)s waits for your approval", event=event.title)
    if kind is NoticeKind.VISA_LETTER_REQUEST:
        return _l("A visa invitation letter is requested for %(event)s", event=event.title)
    return _l("An e-mail of %(event)s could not be delivered", event=event.title)


DIGEST_SUBJECT = _l("Your daily summary: what needs you at your events")


def link_to(notice: OrganiserNotice, slug: str) -> str:
    """The page where the organiser acts on this one happening."""
    if notice.kind is NoticeKind.PENDING_REGISTRATION:
        return external_url("registration.manage_registration", slug=slug, registration_id=notice.object_id)
    return link_to_all(notice.kind, slug)


def link_to_all(kind: NoticeKind, slug: str) -> str:
    """The page listing every happening of ``kind`` at the event."""
    if kind is NoticeKind.PENDING_REGISTRATION:
        return external_url("registration.manage_registrations", slug=slug, state="pending")
    if kind is NoticeKind.VISA_LETTER_REQUEST:
        return external_url("letters.manage", slug=slug)
    return external_url("mail.event_emails", slug=slug, state="failed")


def settings_link() -> str:
    return external_url("notices.settings")


def queue_at_once(organiser, event: Event, notice: OrganiserNotice) -> OutboxMessage:
    """The e-mail telling ``organiser`` of one happening, filed under the event (so it is listed with
    its e-mails), into the outbox in the current transaction."""
    return mail.queue(
        mail.compose(
            organiser.email,
            organiser.locale,
            "organiser_notice",
            subject_of(notice.kind, event),
            organiser=organiser,
            event=event,
            notice=notice,
            kind=notice.kind.value,
            link=link_to(notice, event.slug),
            settings_link=settings_link(),
        ),
        event_id=event.id,
    )


@dataclass
class EventDigest:
    event: Event
    groups: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (kind, link to all, what)


def digest_by_event(notices: Iterable[OrganiserNotice], events: dict[int, Event]) -> list[EventDigest]:
    """The notices grouped by event (in the order of the events' start) and, within one, by kind."""
    ordered = sorted(notices, key=lambda n: (events[n.event_id].starts_at, n.event_id, n.kind.value, n.id))
    digests = []
    for event_id, of_event in groupby(ordered, key=lambda n: n.event_id):
        event = events[event_id]
        digest = EventDigest(event)
        for kind, of_kind in groupby(of_event, key=lambda n: n.kind):
            digest.groups.append((kind.value, link_to_all(kind, event.slug), [n.about for n in of_kind]))
        digests.append(digest)
    return digests


def queue_digest(organiser, digests: list[EventDigest]) -> OutboxMessage:
    """One e-mail for every event of the digest: filed under no single event."""
    return mail.queue(
        mail.compose(
            organiser.email,
            organiser.locale,
            "organiser_digest",
            DIGEST_SUBJECT,
            organiser=organiser,
            digests=digests,
            settings_link=settings_link(),
        )
    )
