"""The visa invitation letter as PDF: A4 portrait, on the organisation's letterhead.

The letter is in English, whatever the language of the person downloading it: it is read by a
consulate. Names and places in any script are set in the shipped font that has it. It
states who is invited, to what, when, where and why, and nothing about who pays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from flask_babel import lazy_gettext as _l
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import HRFlowable, Image, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from ..errors import MissingFile
from ..letterhead import services as letterheads
from ..pdf.fonts import LATIN, markup
from ..pdf.styles import INK, MUTED, RULE, stylesheet
from ..pdf.text import Paragraph
from ..timeutil import utcnow
from ..translated import joined
from .as_approved import LetterAsApproved, approved_as
from .models import LetterRequest

MARGIN = 22 * mm
WIDTH = A4[0] - 2 * MARGIN


@dataclass(frozen=True)
class Letter:
    """Everything the letter says, as plain data: no database needed to draw it."""

    organisation: str
    address: tuple[str, ...]
    logo: bytes  # an image file, b"" without
    place_and_date: str
    reference: str
    consulate: str
    passport_name: str
    native_name: str
    nationality: str
    date_of_birth: str
    passport_number: str
    passport_issued_on: str
    passport_expires_on: str
    issuing_authority: str
    organisation_of_participant: str
    job_title: str
    event_title: str
    first_day: str
    last_day: str
    place: str
    purpose: str
    contact_email: str
    signatory_name: str
    signatory_title: str
    signature: bytes  # an image file, b"" without


def _images(signed: LetterAsApproved) -> dict[str, bytes]:
    """The logo and the signature the letter was approved with (b"" where none); MissingFile when one
    is not kept (a letter approved before images were kept, whose file was already gone)."""
    kept = letterheads.signed_image_files((signed.logo, signed.signature))
    if any(sha and sha not in kept for sha in (signed.logo, signed.signature)):
        raise MissingFile(
            _l("The letter cannot be drawn: an image it was approved with is missing. Approve it again."),
            _l(
                "Your letter cannot be drawn just now: an image on it is missing on the server. The event's "
                "organisers need to approve it again; please try again later."
            ),
        )
    return {name: kept.get(sha, b"") for name, sha in (("logo", signed.logo), ("signature", signed.signature))}


def _country(code: str) -> str:
    return Locale.parse("en").territories.get(code, code) if code else ""


def _day(value) -> str:
    return format_date(value, "d MMMM y", locale="en") if value else ""


def letter_of(request: LetterRequest) -> Letter:
    """The letter of an approved request, as approved (``as_approved``): the passport details of the
    request, the rest as kept at the approval. MissingFile when a kept image is not there."""
    signed = approved_as(request)
    images = _images(signed)
    written = (request.decided_at or utcnow()).astimezone(ZoneInfo(request.registration.event.timezone)).date()
    return Letter(
        organisation=signed.organisation,
        address=signed.address,
        logo=images["logo"],
        place_and_date=joined((signed.place_of_signature or signed.city, _day(written))),
        reference=request.reference,
        consulate=request.consulate,
        passport_name=request.passport_name,
        native_name=signed.native_name,
        nationality=_country(request.nationality),
        date_of_birth=_day(request.date_of_birth),
        passport_number=request.passport_number,
        passport_issued_on=_day(request.passport_issued_on),
        passport_expires_on=_day(request.passport_expires_on),
        issuing_authority=request.issuing_authority,
        organisation_of_participant=signed.participant_organisation,
        job_title=signed.job_title,
        event_title=signed.event_title,
        first_day=_day(date.fromisoformat(signed.first_day)),
        last_day=_day(date.fromisoformat(signed.last_day)),
        place=joined((signed.venue, signed.city, _country(signed.country))),
        purpose=signed.purpose,
        contact_email=signed.contact_email,
        signatory_name=signed.signatory_name,
        signatory_title=signed.signatory_title,
        signature=images["signature"],
    )


def _flowable(data: bytes, max_width: float, max_height: float) -> Image | None:
    if not data:
        return None
    width, height = ImageReader(BytesIO(data)).getSize()
    scale = min(max_width / width, max_height / height)
    return Image(BytesIO(data), width * scale, height * scale, hAlign="LEFT")


def _letterhead(letter: Letter, styles) -> Table:
    name = ParagraphStyle(
        "organisation", parent=styles["heading"], fontSize=14, leading=18, spaceBefore=0, spaceAfter=2
    )
    text = [
        Paragraph(markup(letter.organisation), name),
        *(Paragraph(markup(line), styles["small"]) for line in letter.address),
    ]
    logo = _flowable(letter.logo, 40 * mm, 22 * mm)
    cells = [[logo, text]] if logo is not None else [[text]]
    widths = [45 * mm, WIDTH - 45 * mm] if logo is not None else [WIDTH]
    table = Table(cells, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), LATIN),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _body(letter: Letter) -> list[str]:
    """The paragraphs of the letter, as Paragraph markup."""
    name = f"<b>{markup(letter.passport_name)}</b>"
    if letter.native_name:
        name += f" ({markup(letter.native_name)})"
    who = f"{name}, a national of {markup(letter.nationality)}, born on {letter.date_of_birth}"
    position = ", ".join(markup(part) for part in (letter.job_title, letter.organisation_of_participant) if part)
    if position:
        who += f", {position}"
    passport = (
        f"The participant holds passport number <b>{markup(letter.passport_number)}</b>, issued on "
        f"{letter.passport_issued_on}"
        f" by {markup(letter.issuing_authority)} and valid until {letter.passport_expires_on}."
    )
    when = (
        f"on {letter.first_day}"
        if letter.first_day == letter.last_day
        else f"from {letter.first_day} to {letter.last_day}"
    )
    paragraphs = [
        "Dear Sir or Madam,",
        f"We are pleased to confirm that {who}, is invited to attend <b>{markup(letter.event_title)}</b>, "
        f"which takes place {markup(when)}" + (f" at {markup(letter.place)}" if letter.place else "") + ".",
        passport,
    ]
    if letter.purpose:
        paragraphs.append(markup(letter.purpose))
    paragraphs.append(
        "The participant's registration for this event is confirmed. We would be grateful for your assistance in "
        "issuing the visa needed to attend."
    )
    if letter.contact_email:
        paragraphs.append(
            f"For any question about this invitation, please write to {markup(letter.contact_email)}, quoting the "
            "reference above."
        )
    paragraphs.append("Yours faithfully,")
    return paragraphs


def render_letter(letter: Letter) -> bytes:
    styles = stylesheet()
    body = ParagraphStyle("letter", parent=styles["body"], fontSize=10.5, leading=15, spaceAfter=8)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT, spaceAfter=0)
    story = [
        _letterhead(letter, styles),
        Spacer(1, 3 * mm),
        HRFlowable(width="100%", thickness=0.8, color=RULE),
        Spacer(1, 6 * mm),
        Paragraph(markup(letter.place_and_date), right),
        Paragraph(f"Reference: {markup(letter.reference)}", right),
        Spacer(1, 8 * mm),
        Paragraph(f"To the Consular Section,<br/>{markup(letter.consulate)}", body),
        Spacer(1, 2 * mm),
        Paragraph(f"<b>Subject: Letter of invitation for {markup(letter.passport_name)}</b>", body),
    ]
    story += [Paragraph(text, body) for text in _body(letter)]
    signature = [Spacer(1, 2 * mm)]
    image = _flowable(letter.signature, 55 * mm, 18 * mm)
    signature.append(image if image is not None else Spacer(1, 14 * mm))
    signature.append(HRFlowable(width=65 * mm, thickness=0.6, color=INK, hAlign="LEFT", spaceBefore=1, spaceAfter=3))
    if letter.signatory_name:
        signature.append(
            Paragraph(f"<b>{markup(letter.signatory_name)}</b>", ParagraphStyle("name", parent=body, spaceAfter=0))
        )
    for line in (letter.signatory_title, letter.organisation):
        if line:
            signature.append(
                Paragraph(markup(line), ParagraphStyle("title", parent=body, textColor=MUTED, spaceAfter=0))
            )
    story.append(KeepTogether(signature))

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Letter of invitation {letter.reference}",
        author=letter.organisation or "Workshop Manager",
        subject="Letter of invitation",
        creator="Workshop Manager",
        lang="en",
        initialFontName=LATIN,
    )
    document.build(story)
    return buffer.getvalue()


def filename_of(letter: Letter) -> str:
    """visa-letter-EVENT-V-0007.pdf: ASCII, so every mail client takes it."""
    reference = re.sub(r"[^A-Za-z0-9-]+", "-", letter.reference).strip("-") or "letter"
    return f"visa-letter-{reference}.pdf"
