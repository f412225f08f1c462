"""What a certificate keeps of its event and letterhead as they were when it was issued.

A certificate is signed: later edits of the event (its title, dates, place) or of the letterhead
(issuers, logos, signatories) do not change it. Its holder's names and figures are columns of the
certificate; the rest is kept here, with the logos and signatures copied as signed images
(``letterhead.services.sign_images``). The organisers' page compares it with the event and
letterhead as they are now and says "changed since issue"; re-issuing is how a change reaches
the holder, recorded as a revocation and a new certificate (who and when).
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ..events.models import Event
from ..letterhead import services as letterheads
from ..letterhead.models import LOGO_SLOTS, Letterhead
from ..snapshots import Snapshot
from ..translated import Translated

SIGNATORIES = (
    ("signatory_1_name", "signatory_1_title", "signature_1"),
    ("signatory_2_name", "signatory_2_title", "signature_2"),
)


@dataclass(frozen=True)
class EventAsIssued(Snapshot):
    title: str = ""
    first_day: str = ""  # ISO dates, in the event's time zone
    last_day: str = ""
    venue: str = ""
    city: str = ""
    country: str = ""
    # In every language (kept as texts by language; a plain text in a certificate issued before that)
    issuers: tuple[Translated | str, ...] = ()
    logos: tuple[str, ...] = ()  # SHA-256 of the signed images
    # name, title (in every language), the signature's SHA-256 ("" without)
    signatories: tuple[tuple[str, Translated | str, str], ...] = ()
    completion: bool = False  # a training course's: a certificate of completion (结业证书)


def event_as_it_is(event: Event, letterhead: Letterhead, images: dict[str, str]) -> EventAsIssued:
    """The event and letterhead as a certificate issued now would show them; ``images`` are the
    SHA-256 of the letterhead's images by slot."""
    zone = ZoneInfo(event.timezone)
    named = [(name, title, slot) for name, title, slot in _signatories(letterhead) if name]
    return EventAsIssued(
        completion=event.ends_in_completion,
        title=event.title,
        first_day=event.starts_at.astimezone(zone).date().isoformat(),
        last_day=event.ends_at.astimezone(zone).date().isoformat(),
        venue=event.venue or "",
        city=event.city or "",
        country=event.country or "",
        issuers=tuple(letterheads.issuers_of(event, letterhead)),
        logos=tuple(images[slot] for slot in LOGO_SLOTS if images.get(slot)),
        signatories=tuple((name, title, images.get(slot, "")) for name, title, slot in named),
    )


def _signatories(letterhead: Letterhead) -> list[tuple[str, str, str]]:
    return [(getattr(letterhead, name), getattr(letterhead, title), slot) for name, title, slot in SIGNATORIES]


def _slots_shown(letterhead: Letterhead) -> tuple[str, ...]:
    return LOGO_SLOTS + tuple(slot for name, _title, slot in _signatories(letterhead) if name)


def sign(event: Event) -> EventAsIssued:
    """The event and letterhead as they are now, their images copied as signed images (in the
    caller's transaction). ``letterheads.ImageMissing`` when an image's file is gone."""
    letterhead = letterheads.letterhead_of(event)
    return event_as_it_is(event, letterhead, letterheads.sign_images(letterhead, _slots_shown(letterhead)))


def current(event: Event) -> EventAsIssued:
    """What a certificate issued now would show, to compare with those issued; nothing is stored."""
    letterhead = letterheads.letterhead_of(event)
    return event_as_it_is(
        event, letterhead, letterheads.current_signature_of_images(letterhead, _slots_shown(letterhead))
    )
