"""What an approved visa letter keeps of the registration, the event and the letterhead as they were
when it was approved.

The letter is signed: a participant who changes their organisation or position afterwards, or an
organiser who edits the event or the letterhead, does not change it. The participant keeps the
approved letter (a consulate may hold it already) until an organiser decides again: the organisers'
page says "changed since approval" and offers to re-approve, which draws the letter anew with the
values of the moment, under the same reference, and records who re-approved and when (the
decision's date and author), and the participant is told by e-mail.

The passport details are not kept here: they stay on the request, where changing them sends the
request back for a new decision (so the request's details are always those approved) and where the
retention rule erases them.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ..events.models import Event
from ..extensions import db
from ..letterhead import services as letterheads
from ..letterhead.models import Letterhead
from ..snapshots import Snapshot
from ..timeutil import last_local_day
from ..translated import text_in
from .models import LetterRequest, LetterSettings

DEFAULT_PASSPORT_MONTHS = 6
LETTER_IMAGE_SLOTS = ("logo_1", "signature_1")  # the letter carries the first logo and the first signature


@dataclass(frozen=True)
class LetterAsApproved(Snapshot):
    organisation: str = ""  # the one that invites
    address: tuple[str, ...] = ()
    place_of_signature: str = ""  # the letterhead's; "": the event's city
    logo: str = ""  # SHA-256 of the signed image, "" without
    signatory_name: str = ""
    signatory_title: str = ""
    signature: str = ""  # SHA-256 of the signed image, "" without
    native_name: str = ""  # the participant's, when it differs from the Latin one
    participant_organisation: str = ""
    job_title: str = ""
    event_title: str = ""
    first_day: str = ""  # ISO dates, in the event's time zone
    last_day: str = ""
    venue: str = ""
    city: str = ""
    country: str = ""
    purpose: str = ""
    contact_email: str = ""


def approved_as(request: LetterRequest) -> LetterAsApproved:
    return LetterAsApproved.from_json(request.approved_as_json)


def settings_of(event: Event) -> LetterSettings:
    """What the event's letters say it is for; new, empty settings (not added to the session) when none are saved."""
    row = db.session.scalar(db.select(LetterSettings).where(LetterSettings.event_id == event.id))
    return (
        row
        if row is not None
        else LetterSettings(event_id=event.id, purpose="", passport_months=DEFAULT_PASSPORT_MONTHS, reference_prefix="")
    )


def organisation_of(event: Event, letterhead: Letterhead) -> str:
    """The organisation that invites: the letterhead's first, else the event's first partner."""
    return text_in(next(iter(letterheads.issuers_of(event, letterhead)), ""), "en")  # the letter is in English


def letter_as_it_is(request: LetterRequest, letterhead: Letterhead, images: dict[str, str]) -> LetterAsApproved:
    """The letter as approving it now would make it; ``images`` are the SHA-256 of the letterhead's by slot."""
    registration = request.registration
    event = registration.event
    zone = ZoneInfo(event.timezone)
    return LetterAsApproved(
        organisation=organisation_of(event, letterhead),
        address=tuple(letterhead.address_lines),
        place_of_signature=letterhead.place_of_signature or "",
        logo=images.get("logo_1", ""),
        signatory_name=letterhead.signatory_1_name,
        signatory_title=text_in(letterhead.signatory_1_title, "en"),
        signature=images.get("signature_1", ""),
        native_name=registration.native_name if registration.native_name != registration.full_name else "",
        participant_organisation=registration.organisation,
        job_title=registration.job_title,
        event_title=text_in(event.title, "en"),  # the letter is in English
        first_day=event.starts_at.astimezone(zone).date().isoformat(),
        last_day=last_local_day(event.starts_at, event.ends_at, event.timezone).isoformat(),
        venue=text_in(event.venue, "en"),
        city=text_in(event.city, "en"),
        country=event.country or "",
        purpose=settings_of(event).purpose or text_in(event.summary, "en"),
        contact_email=event.contact_email or "",
    )


def sign(request: LetterRequest) -> LetterAsApproved:
    """The letter as approving it now makes it, its images copied as signed images (in the caller's
    transaction). ``letterheads.ImageMissing`` when the logo's or the signature's file is gone."""
    letterhead = letterheads.letterhead_of(request.registration.event)
    return letter_as_it_is(request, letterhead, letterheads.sign_images(letterhead, LETTER_IMAGE_SLOTS))


def current_images(letterhead: Letterhead) -> dict[str, str]:
    return letterheads.current_signature_of_images(letterhead, LETTER_IMAGE_SLOTS)
