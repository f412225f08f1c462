"""Certificates of attendance (of completion, for a training course) as PDF: A4 landscape, drawn straight on the canvas.

Everything that all certificates of an event share (frame, logos, issuers, wording, the event,
signatories) is drawn once per PDF as a form XObject and placed on each page; each page adds only
the holder's names, the figures, the date, the code and the QR code of the verification page (encoded
by zxing-cpp, ``pdf.qr.draw_fast_qr``). The streams are compressed but not in ASCII85, the registrations
read in one query. So a thousand certificates are one PDF of 1.7 MB, drawn in about a second on one
core (``make bench``), and a ZIP of a thousand PDFs in two or three.

The certificate's wording is in English, or in English and Chinese (``bilingual``), whatever the
language of the person downloading it: a certificate reads the same for whoever holds it.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_interval
from flask_babel import lazy_gettext as _l
from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from ..attendance.statistics import hours_label
from ..errors import MissingFile
from ..extensions import db
from ..letterhead import services as letterheads
from ..pdf.fitting import LEADING, fit, fit_block
from ..pdf.fonts import LATIN, draw_string, plain
from ..pdf.qr import draw_fast_qr
from ..pdf.styles import INK, MUTED, RULE
from ..registration.models import Registration
from ..translated import Translated, joined, text_in
from ..urls import external_url
from .as_issued import EventAsIssued
from .models import Certificate

PAGE = landscape(A4)
ACCENT = (0.05, 0.23, 0.45)  # a dark blue frame
SITE_NAME = "Workshop Manager"  # the author of a PDF whose issuers are not set

# The certificate's own wording (not the interface's): English, and Chinese beside it when bilingual.
ENGLISH = {
    "title": "CERTIFICATE OF ATTENDANCE",
    "certify": "This is to certify that",
    "attended": "attended",
    "figures": "present at {attended} of {counted} sessions, {hours} hours in all",
    "hours": "{hours} hours of sessions attended",
    "issued": "Issued on {date}",
    "verify": "Verify this certificate",
    "subject": "Certificate of attendance",
}
CHINESE = {
    "title": "出席证明",
    "certify": "兹证明",
    "attended": "出席了",
    "figures": "出席全部 {counted} 个场次中的 {attended} 个，共 {hours} 小时",
    "hours": "出席场次共 {hours} 小时",
    "issued": "出具日期：{date}",
    "verify": "验证本证明",
}
# A training course ends in a certificate of completion (结业证书), issued (颁发) rather than attested.
ENGLISH_COMPLETION = ENGLISH | {
    "title": "CERTIFICATE OF COMPLETION",
    "attended": "has completed the training course",
    "subject": "Certificate of completion",
}
CHINESE_COMPLETION = CHINESE | {
    "title": "结业证书",
    "attended": "参加并完成了培训课程",
    "issued": "颁发日期：{date}",
    "verify": "验证本证书",
}
WORDING = {False: (ENGLISH, CHINESE), True: (ENGLISH_COMPLETION, CHINESE_COMPLETION)}  # by ``completion``


@dataclass(frozen=True)
class EventSide:
    """What every certificate of one event shows."""

    key: str  # names the drawing shared by its pages
    title_en: str
    title_zh: str
    dates_en: str
    dates_zh: str
    place_en: str
    place_zh: str
    issuers: tuple[Translated | str, ...]  # each in every language it is named in
    logos: tuple[bytes, ...]  # image files
    signatories: tuple[tuple[str, Translated | str, bytes], ...]  # name, title, the signature's image (b"" without)
    completion: bool = False  # a certificate of completion (a training course's), not of attendance

    @property
    def english(self) -> dict[str, str]:
        return WORDING[self.completion][0]

    @property
    def chinese(self) -> dict[str, str]:
        return WORDING[self.completion][1]

    def issuers_in(self, language: str) -> str:
        return " · ".join(text_in(issuer, language) for issuer in self.issuers)


@dataclass(frozen=True)
class Sheet:
    """One certificate, as plain data: no database needed to draw it."""

    event: EventSide
    bilingual: bool
    holder_name: str
    holder_native_name: str
    sessions_attended: int
    sessions_counted: int
    hours: float
    code: str
    code_for_reading: str
    url: str
    issued_en: str
    issued_zh: str


# --- from the database ------------------------------------------------------------------------


MISSING = MissingFile(
    _l("The certificates cannot be drawn: an image they were issued with is missing. Re-issue them."),
    _l(
        "Your certificate cannot be drawn just now: an image on it is missing on the server. The event's "
        "organisers need to re-issue it; please try again later."
    ),
)


def _place(signed: EventAsIssued, language: str) -> str:
    country = Locale.parse(language).territories.get(signed.country, "") if signed.country else ""
    return joined((text_in(signed.venue, language), text_in(signed.city, language), country))


def event_side(event_id: int, signed: EventAsIssued, images: dict[str, bytes]) -> EventSide:
    """What the certificates issued with ``signed`` share; ``images`` by SHA-256. MissingFile when
    one of its images is not kept (a certificate issued before its images were kept, whose file was
    already gone)."""
    if any(sha not in images for sha in (*signed.logos, *(person[2] for person in signed.signatories)) if sha):
        raise MISSING
    start, end = date.fromisoformat(signed.first_day), date.fromisoformat(signed.last_day)
    return EventSide(
        key=f"event{event_id}-{hashlib.sha256(signed.to_json().encode()).hexdigest()[:16]}",
        title_en=text_in(signed.title, "en"),
        title_zh=text_in(signed.title, "zh"),
        dates_en=format_interval(start, end, "yMMMd", locale="en"),
        dates_zh=format_interval(start, end, "yMMMd", locale="zh"),
        place_en=_place(signed, "en"),
        place_zh=_place(signed, "zh"),
        issuers=signed.issuers,
        logos=tuple(images[sha] for sha in signed.logos),
        signatories=tuple((name, title, images[sha] if sha else b"") for name, title, sha in signed.signatories),
        completion=signed.completion,
    )


def registrations_of(certificates: list[Certificate]) -> dict[int, Registration]:
    """The registrations of ``certificates`` by id, in one query rather than one each."""
    ids = {certificate.registration_id for certificate in certificates}
    return {
        registration.id: registration
        for registration in db.session.scalars(db.select(Registration).where(Registration.id.in_(ids)))
    }


def sheets_for(certificates: list[Certificate]) -> list[Sheet]:
    """The sheets of these certificates (an app context is needed: uploaded images, links).
    MissingFile when an image the certificates carry is missing."""
    registrations = registrations_of(certificates)
    signed = {certificate.id: certificate.issued_as for certificate in certificates}
    images = letterheads.signed_image_files(
        sha for kept in set(signed.values()) for sha in (*kept.logos, *(person[2] for person in kept.signatories))
    )
    sides: dict[tuple[int, EventAsIssued], EventSide] = {}
    dates: dict[date, tuple[str, str]] = {}
    sheets = []
    for certificate in certificates:
        registration = registrations[certificate.registration_id]
        event = registration.event
        side = (event.id, signed[certificate.id])
        if side not in sides:
            sides[side] = event_side(event.id, signed[certificate.id], images)
        issued = certificate.issued_at.astimezone(ZoneInfo(event.timezone)).date()
        if issued not in dates:
            dates[issued] = format_date(issued, "long", locale="en"), format_date(issued, "long", locale="zh")
        issued_en, issued_zh = dates[issued]
        sheets.append(
            Sheet(
                event=sides[side],
                bilingual=certificate.bilingual,
                holder_name=certificate.holder_name,
                holder_native_name=certificate.holder_native_name,
                sessions_attended=certificate.sessions_attended,
                sessions_counted=certificate.sessions_counted,
                hours=certificate.hours_attended,
                code=certificate.code,
                code_for_reading=certificate.code_for_reading,
                url=external_url("certificates.verify", code=certificate.code),
                issued_en=issued_en,
                issued_zh=issued_zh,
            )
        )
    return sheets


# --- drawing ----------------------------------------------------------------------------------


class CertificatePainter:
    """Draws certificates, one PDF after another: the fonts and images are worked out once for all
    of them, each event's shared drawing once per PDF."""

    def __init__(self):
        self.images: dict[bytes, ImageReader] = {}
        self.canvas: Canvas | None = None
        self.forms: set[str] = set()  # the shared drawings on the canvas

    def document(self, sheets: list[Sheet], title: str) -> bytes:
        """A PDF of ``sheets``, one a page."""
        buffer = BytesIO()
        with binary_streams():
            subject = sheets[0].event.english["subject"] if sheets else ENGLISH["subject"]
            self.canvas, self.forms = new_canvas(buffer, title, author_of(sheets), subject), set()
            for sheet in sheets:
                self.page(sheet)
                self.canvas.showPage()
            self.canvas.save()
        self.canvas = None
        return buffer.getvalue()

    def image(self, data: bytes) -> ImageReader:
        if data not in self.images:
            self.images[data] = ImageReader(BytesIO(data))
        return self.images[data]

    def centred(
        self,
        text: str,
        y: float,
        size: float,
        width: float,
        bold: bool = False,
        colour=INK,
        x: float | None = None,
        smallest: float = 6,
        lines: int = 1,
    ) -> None:
        """``text`` centred in ``width``: smaller down to ``smallest``, then on up to ``lines`` lines
        around the baseline ``y``, the last one shortened if even they are too few."""
        text = plain(text)
        if not text:
            return
        fitted = fit(text, width, size, smallest, lines, bold)
        leading = fitted.size * 1.15
        c = self.canvas
        c.setFillColor(colour)
        top = y + (len(fitted.lines) - 1) * leading / 2
        for number, line in enumerate(fitted.lines):
            draw_string(c, PAGE[0] / 2 if x is None else x, top - number * leading, line, fitted.size, bold, "centre")

    def centred_block(
        self,
        texts: list[str],
        y: float,
        size: float,
        width: float,
        height: float,
        bold: bool = False,
        colour=INK,
        smallest: float = 5,
    ) -> None:
        """``texts`` one under the other, centred in ``width`` and around the height ``y``: wrapped, and
        smaller down to ``smallest`` to fit in ``height``; never cut (a long issuing organisation is read whole)."""
        fitted = fit_block([plain(text) for text in texts], width, size, smallest, height, bold)
        if not fitted.lines:
            return
        leading = fitted.size * LEADING
        top = y + (len(fitted.lines) - 1) * leading / 2
        self.canvas.setFillColor(colour)
        for number, line in enumerate(fitted.lines):
            draw_string(self.canvas, PAGE[0] / 2, top - number * leading, line, fitted.size, bold, "centre")

    def label(
        self,
        side: EventSide,
        key: str,
        y: float,
        size: float,
        bilingual: bool,
        colour=MUTED,
        gap: float = 5.5 * mm,
        bold: bool = False,
        **values,
    ) -> None:
        """A phrase of the wording: English, and Chinese below it when bilingual."""
        width = PAGE[0] - 60 * mm
        self.centred(side.english[key].format(**values), y, size, width, bold=bold, colour=colour)
        if bilingual:
            self.centred(side.chinese[key].format(**values), y - gap, size * 0.85, width, bold=bold, colour=colour)

    # what every certificate of the event shares

    def shared(self, side: EventSide, bilingual: bool, draw: Callable[[EventSide, bool], None]) -> str:
        """The name of the form that ``draw`` (the head, the event or the signatories) makes for the
        event's certificates, made on its first use. Three parts, placed in the order they are read, so
        that the text copied out of a page reads from top to bottom with the holder's names in their place."""
        name = f"{side.key}{'zh' if bilingual else 'en'}-{draw.__name__}"
        if name not in self.forms:
            self.canvas.beginForm(name)
            draw(side, bilingual)
            self.canvas.endForm()
            self.forms.add(name)
        return name

    def draw_head(self, side: EventSide, bilingual: bool) -> None:
        """The frame, logos, issuers, title and "This is to certify that"."""
        c = self.canvas
        width, height = PAGE
        c.setStrokeColorRGB(*ACCENT)
        c.setLineWidth(2.5)
        c.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
        c.setLineWidth(0.6)
        c.rect(12.5 * mm, 12.5 * mm, width - 25 * mm, height - 25 * mm)

        self.logos(side.logos, 178 * mm, 16 * mm)
        english, chinese = side.issuers_in("en"), side.issuers_in("zh")
        issuers = [english, chinese] if bilingual and chinese != english else [english]
        self.centred_block(issuers, 169 * mm, 12, width - 60 * mm, 15 * mm, bold=True, colour=MUTED)

        self.centred(side.english["title"], 152 * mm, 30, width - 60 * mm, bold=True, colour=ACCENT)
        if bilingual:
            self.centred(side.chinese["title"], 141 * mm, 22, width - 60 * mm, colour=ACCENT)
        self.label(side, "certify", 131 * mm, 12, bilingual)

    def draw_event(self, side: EventSide, bilingual: bool) -> None:
        """ "attended", the event's title, dates and place."""
        width = PAGE[0]
        self.label(side, "attended", 91 * mm, 12, bilingual)
        if bilingual and side.title_zh != side.title_en:
            self.centred(side.title_en, 79 * mm, 16, width - 50 * mm, bold=True, smallest=9)
            self.centred(side.title_zh, 73.5 * mm, 14, width - 50 * mm, bold=True, smallest=8)
        else:
            self.centred(side.title_en, 77 * mm, 18, width - 50 * mm, bold=True, smallest=10, lines=2)
        when_and_where = (
            (side.dates_en, side.place_en, 69 * mm, 11),
            *([(side.dates_zh, side.place_zh, 63.5 * mm, 10)] if bilingual else []),
        )
        for dates, place, y, size in when_and_where:
            self.centred(" · ".join(part for part in (dates, place) if part), y, size, width - 60 * mm)

    def draw_signatories(self, side: EventSide, bilingual: bool) -> None:
        self.signatories(side.signatories, bilingual)

    def logos(self, images: tuple[bytes, ...], y: float, height: float) -> None:
        readers = [self.image(data) for data in images]
        if not readers:
            return
        gap = 10 * mm
        sizes = []
        for reader in readers:
            w, h = reader.getSize()
            sizes.append(min(height * w / h, 60 * mm))
        x = (PAGE[0] - sum(sizes) - gap * (len(sizes) - 1)) / 2
        for reader, width in zip(readers, sizes, strict=False):
            self.canvas.drawImage(reader, x, y, width, height, preserveAspectRatio=True, anchor="c", mask="auto")
            x += width + gap

    def signatories(self, people: tuple[tuple[str, Translated | str, bytes], ...], bilingual: bool) -> None:
        """Each signature over a line, the name and title under it; on a bilingual certificate the title
        in Chinese too, under the English (all a little higher, clear of the date of issue)."""
        centres = {1: (120 * mm,), 2: (75 * mm, 170 * mm)}.get(len(people), ())
        titles = [
            (text_in(title, "en"), text_in(title, "zh") if bilingual else "") for _name, title, _signature in people
        ]
        titles = [(english, chinese if chinese != english else "") for english, chinese in titles]
        up = 4.5 * mm if any(chinese for _english, chinese in titles) else 0
        c = self.canvas
        for (name, _title, signature), (english, chinese), x in zip(people, titles, centres, strict=False):
            if signature:
                c.drawImage(
                    self.image(signature),
                    x - 30 * mm,
                    29 * mm + up,
                    60 * mm,
                    14 * mm,
                    preserveAspectRatio=True,
                    anchor="c",
                    mask="auto",
                )
            c.setStrokeColor(RULE)
            c.setLineWidth(0.8)
            c.line(x - 32 * mm, 28 * mm + up, x + 32 * mm, 28 * mm + up)
            self.centred(name, 23 * mm + up, 11, 70 * mm, bold=True, x=x)
            self.centred(english, 18.5 * mm + up, 9, 70 * mm, colour=MUTED, x=x)
            if chinese:
                self.centred(chinese, 18.5 * mm + up - 4.2 * mm, 8.5, 70 * mm, colour=MUTED, x=x)

    # what is the holder's own

    def page(self, sheet: Sheet) -> None:
        c = self.canvas
        width = PAGE[0]
        c.doForm(self.shared(sheet.event, sheet.bilingual, self.draw_head))
        native = sheet.holder_native_name
        self.centred(sheet.holder_name, 113 * mm, 28, width - 70 * mm, bold=True, smallest=10, lines=2 if native else 3)
        if native:
            self.centred(native, 101 * mm, 24, width - 70 * mm, bold=True, smallest=10, lines=2)
        c.doForm(self.shared(sheet.event, sheet.bilingual, self.draw_event))
        hours = hours_label(sheet.hours)
        if sheet.sessions_counted:
            key, values = (
                "figures",
                {"attended": sheet.sessions_attended, "counted": sheet.sessions_counted, "hours": hours},
            )
        else:
            key, values = "hours", {"hours": hours}
        self.label(sheet.event, key, 54 * mm, 11, sheet.bilingual, colour=INK, gap=5 * mm, **values)
        c.doForm(self.shared(sheet.event, sheet.bilingual, self.draw_signatories))

        qr_size, qr_x, qr_y = 30 * mm, width - 47 * mm, 18 * mm
        draw_fast_qr(c, sheet.url, qr_x, qr_y, qr_size, error="m")
        self.centred(sheet.code_for_reading, 15 * mm, 8, 40 * mm, colour=INK, x=qr_x + qr_size / 2)
        self.centred(sheet.event.english["verify"], 49.5 * mm, 7, 40 * mm, x=qr_x + qr_size / 2)
        if sheet.bilingual:
            self.centred(sheet.event.chinese["verify"], 46.5 * mm, 7, 40 * mm, x=qr_x + qr_size / 2)
        issued = sheet.event.english["issued"].format(date=sheet.issued_en)
        c.setFillColor(MUTED)
        wide = draw_string(c, 20 * mm, 15 * mm, issued, 8)
        if sheet.bilingual:
            issued_zh = sheet.event.chinese["issued"].format(date=sheet.issued_zh)
            draw_string(c, 20 * mm + wide + 3 * mm, 15 * mm, issued_zh, 8)


def author_of(sheets: list[Sheet]) -> str:
    """The organisations that issue the certificates, else the site's name."""
    return (sheets[0].event.issuers_in("en") if sheets else "") or SITE_NAME


def new_canvas(buffer: BytesIO, title: str, author: str = SITE_NAME, subject: str = ENGLISH["subject"]) -> Canvas:
    canvas = Canvas(buffer, pagesize=PAGE, pageCompression=1, invariant=0, lang="en", initialFontName=LATIN)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject)
    canvas.setCreator(SITE_NAME)
    return canvas


@contextmanager
def binary_streams() -> Iterator[None]:
    """Compressed streams written as they are, not also in ASCII85 (ReportLab's default, a setting of
    the whole process, read when the pages and images are written): a sixth smaller, and ReportLab's
    ASCII85 encoder, in Python, took half the time of a thousand certificates."""
    ascii85 = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = ascii85


def render_certificates(sheets: list[Sheet], title: str = "Certificates of attendance") -> bytes:
    """Many certificates in one PDF, one a page."""
    return CertificatePainter().document(sheets, title)


def single_title(sheet: Sheet) -> str:
    return f"{sheet.event.english['subject']}: {sheet.holder_name}"


def render_certificate(sheet: Sheet) -> bytes:
    """One certificate as a PDF of its own."""
    return CertificatePainter().document([sheet], single_title(sheet))


def filename_of(sheet: Sheet) -> str:
    """certificate-li-wei-3F9A0C1B.pdf: ASCII, so every archive tool and mail client takes it."""
    name = re.sub(r"[^a-z0-9]+", "-", sheet.holder_name.lower()).strip("-")[:60] or "holder"
    return f"certificate-{name}-{sheet.code[:8]}.pdf"


def zip_of(sheets: list[Sheet]) -> bytes:
    """A ZIP archive of one PDF per certificate (PDFs are compressed already: stored as they are)."""
    buffer = BytesIO()
    painter = CertificatePainter()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for sheet in sheets:
            archive.writestr(filename_of(sheet), painter.document([sheet], single_title(sheet)))
    return buffer.getvalue()
