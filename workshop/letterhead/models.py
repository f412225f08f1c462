"""One letterhead per event, set once by its organisers for certificates and visa letters alike."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import UTCDateTime, utcnow
from ..translated import Translated, TranslatedText
from ..translated_lines import lines_of

LOGO_SLOTS = ("logo_1", "logo_2", "logo_3")
SIGNATURE_SLOTS = ("signature_1", "signature_2")
IMAGE_SLOTS = LOGO_SLOTS + SIGNATURE_SLOTS


class Letterhead(db.Model):
    """Who issues the event's documents and who signs them. Visa letters use the first organisation
    (with the address), the first logo and the first signatory; certificates show them all."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    # One organisation a line, in every language (the n-th line of each is the same one); empty: the event's partners
    issuers: Mapped[Translated] = mapped_column(TranslatedText, default="")
    address: Mapped[str] = mapped_column(Text, default="")  # lines under the first organisation's name on letters
    # Where the letters are signed, printed before their date ("Geneva, 6 December 2026"); empty: the event's city
    place_of_signature: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Keys of uploaded images in the upload storage, "" when there is none
    logo_1: Mapped[str] = mapped_column(String(64), default="")
    logo_2: Mapped[str] = mapped_column(String(64), default="")
    logo_3: Mapped[str] = mapped_column(String(64), default="")
    signatory_1_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_1_title: Mapped[Translated] = mapped_column(TranslatedText, default="")  # in every language
    signature_1: Mapped[str] = mapped_column(String(64), default="")
    signatory_2_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_2_title: Mapped[Translated] = mapped_column(TranslatedText, default="")
    signature_2: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def issuer_list(self) -> list[Translated]:
        return lines_of(self.issuers)

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in (self.address or "").splitlines() if line.strip()]


class SignedImage(db.Model):
    """A copy of a logo or signature that an approved letter or an issued certificate carries, by the
    SHA-256 of its content (one copy for every document with the same picture). A signed document
    draws its images from here, so a new letterhead, or a file lost from the upload directory,
    changes nothing on it."""

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
