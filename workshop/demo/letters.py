"""Visa letters of a demo event: a letterhead, one approved request and one waiting for a decision,
so that the organisers' page, "My registrations" and the letter PDF can be tried at once.

``seed_demo_letters(event)`` adds rows to the session without committing: the demo loader commits
everything at once. It takes the event's confirmed registrations that asked for a visa letter; when
none did, the first two confirmed ones from abroad are marked as asking for one. The passports are
fictional.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from ..events.models import Event
from ..extensions import db
from ..letterhead.models import Letterhead
from ..letters import as_approved
from ..letters.models import LetterRequest, LetterSettings, LetterStatus
from ..letters.services import next_reference
from ..timeutil import utcnow
from .participants import confirmed_in_order

LETTERHEAD = dict(
    # The ILO invites (the first heads the letters); the certificates name every partner.
    issuers="\n".join(
        (
            "International Labour Organization (ILO)",
            "China Policy Institute, University of Nottingham",
            "International Organization for Migration (IOM)",
            "European Union",
        )
    ),
    address="4 route des Morillons\n1211 Geneva 22, Switzerland\nwww.ilo.org",
    place_of_signature="Geneva",
    signatory_1_name="Catherine Shaw",
    signatory_1_title="Programme Officer, Labour Migration Branch",
)
PURPOSE = (
    "The visit is part of the EU-funded project Capacity Building for Migration Management in China. "
    "Participants meet the public bodies, social partners and researchers who work on labour inspection "
    "and employment services, and report on what they learnt to their own administrations."
)

PASSPORTS = [  # number, date of birth, issued, authority, consulate
    (
        "E48213957",
        date(1979, 4, 12),
        date(2021, 6, 3),
        "National Immigration Administration, PRC",
        "British Embassy Beijing, Visa Section",
    ),
    (
        "EJ5072846",
        date(1986, 11, 27),
        date(2022, 2, 18),
        "National Immigration Administration, PRC",
        "British Consulate-General Guangzhou",
    ),
]


def seed_demo_letters(event: Event) -> list[LetterRequest]:
    """A letterhead for ``event``, an approved letter and a waiting request (fewer when the event has
    fewer confirmed participants)."""
    db.session.flush()  # the event and its registrations get their ids
    organiser = event.organisers[0] if event.organisers else None
    db.session.add(Letterhead(event_id=event.id, **LETTERHEAD))
    db.session.add(LetterSettings(event_id=event.id, purpose=PURPOSE))
    confirmed = confirmed_in_order(event)
    chosen = [registration for registration in confirmed if registration.visa_letter_needed][:2]
    if not chosen:
        chosen = [registration for registration in confirmed if registration.country != event.country][:2]
    expires_after = event.ends_at.astimezone(ZoneInfo(event.timezone)).date()
    letters = []
    for registration, (number, born, issued, authority, consulate) in zip(chosen, PASSPORTS, strict=False):
        registration.visa_letter_needed = True
        letter = LetterRequest(
            registration_id=registration.id,
            status=LetterStatus.REQUESTED,
            passport_name=registration.full_name.upper(),
            passport_number=number,
            nationality=registration.country,
            date_of_birth=born,
            passport_issued_on=issued,
            passport_expires_on=max(issued.replace(year=issued.year + 10), expires_after + timedelta(days=365)),
            issuing_authority=authority,
            consulate=consulate,
        )
        db.session.add(letter)
        letters.append(letter)
    if letters:
        db.session.flush()
        first = letters[0]
        first.reference = next_reference(event)
        first.status, first.decided_at, first.decided_by_id = (
            LetterStatus.APPROVED,
            utcnow(),
            organiser.id if organiser else None,
        )
        first.approved_as_json = as_approved.sign(first).to_json()
    return letters
