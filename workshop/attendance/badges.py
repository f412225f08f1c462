"""Badges: a PDF with, for each confirmed registration, the name in Latin letters and in the person's
own script, the organisation, the country, the role at the event (participant, speaker, organiser),
the event's title and dates, and a QR code of the registration's ticket code for the check-in desk.

Two layouts: A6, one badge a page; or A4 sheets of eight (two by four) with cutting marks.

Drawn straight on the canvas, without flowables, so a thousand badges take a second or two: the
fonts are registered once per process (``workshop.pdf.fonts``), the QR code is made by zxing-cpp with a
fixed mask and drawn as one path of rectangles (``workshop.pdf.qr``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from io import BytesIO

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy.orm import selectinload

from .. import security
from ..agenda.models import Speaker
from ..countries import country_names
from ..errors import Forbidden, NotFound
from ..events.models import Event
from ..extensions import db
from ..formatting import date_range_in_zone
from ..letterhead import services as letterheads
from ..pdf.fitting import Fitted, fit, shortened_in, wrap
from ..pdf.fonts import LATIN, draw_string, language_tag, plain
from ..pdf.qr import draw_fast_qr
from ..pdf.styles import INK, MUTED, RULE
from ..registration.models import Registration
from ..registration.states import State
from . import recording


class Role(enum.Enum):
    PARTICIPANT = "participant"
    SPEAKER = "speaker"
    ORGANISER = "organiser"


ROLE_LABELS = {Role.PARTICIPANT: _l("Participant"), Role.SPEAKER: _l("Speaker"), Role.ORGANISER: _l("Organiser")}
ROLE_COLOURS = {
    Role.PARTICIPANT: colors.HexColor("#0d6efd"),
    Role.SPEAKER: colors.HexColor("#198754"),
    Role.ORGANISER: colors.HexColor("#b02a37"),
}

LAYOUTS = ("a6", "a4")
LAYOUT_LABELS = {"a6": _l("A6, one badge a page"), "a4": _l("A4, eight badges a sheet, with cutting marks")}
PER_SHEET = 8  # A4: two columns, four rows
SHEET_BADGE = (95 * mm, 68 * mm)  # 190 × 272 mm of badges on 210 × 297 mm: 10 and 12.5 mm left for the marks


@dataclass(frozen=True)
class Badge:
    registration_id: int
    full_name: str
    native_name: str
    organisation: str
    country: str  # the country's name, in the reader's language
    role: Role
    code: str  # the ticket code, as the QR code holds it
    locale: str = "en"  # the holder's language: their badge speaks it, whoever prints it

    @property
    def code_for_reading(self) -> str:
        """ABCD-EFGH-JKMN-PQRS: easier to read out and type (the desk ignores the dashes)."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


# --- which badges ----------------------------------------------------------------------------


def confirmed_registrations(event: Event, ids: list[int] | None = None) -> list[Registration]:
    statement = (
        db.select(Registration)
        .where(Registration.event_id == event.id, Registration.state == State.CONFIRMED)
        .options(selectinload(Registration.user))  # each badge speaks its holder's language
    )
    if ids is not None:
        statement = statement.where(Registration.id.in_(ids))
    return db.session.scalars(statement.order_by(db.func.lower(Registration.full_name), Registration.id)).all()


def badges_for(event: Event, registrations: list[Registration]) -> list[Badge]:
    """The badges of these registrations of ``event``, with their tickets made where missing (not committed)."""
    tickets = recording.tickets_for(registrations)
    speakers = set(
        db.session.scalars(db.select(Speaker.user_id).where(Speaker.event_id == event.id, Speaker.user_id.is_not(None)))
    )
    organisers = {user.id for user in event.organisers}
    languages = current_app.config["LANGUAGES"]
    locales = {r.id: r.user.locale if r.user.locale in languages else "en" for r in registrations}
    return [
        Badge(
            registration_id=registration.id,
            full_name=registration.full_name,
            native_name=registration.native_name if registration.native_name != registration.full_name else "",
            organisation=registration.organisation,
            country=country_names(locales[registration.id]).get(registration.country, registration.country or ""),
            role=Role.ORGANISER
            if registration.user_id in organisers
            else Role.SPEAKER
            if registration.user_id in speakers
            else Role.PARTICIPANT,
            code=tickets[registration.id].code,
            locale=locales[registration.id],
        )
        for registration in registrations
    ]


def event_badges(actor, event: Event, ids: list[int] | None = None) -> list[Badge]:
    """The badges an organiser prints: every confirmed registration of ``event``, or those of ``ids``
    (ids of other events' or unconfirmed registrations are left out). Makes the missing tickets."""
    if not security.can_manage_event(actor, event):
        raise Forbidden(_l("Only the event's organisers print its badges."))
    badges = badges_for(event, confirmed_registrations(event, ids))
    db.session.commit()
    return badges


def own_badge(actor, registration_id: int) -> tuple[Event, Badge]:
    """A participant's own badge. NotFound when the registration is not theirs (or its event not
    public); Forbidden while it is not confirmed."""
    registration = db.session.get(Registration, registration_id)
    if (
        registration is None
        or not security.is_signed_in(actor)
        or registration.user_id != actor.id
        or not registration.event.is_public
    ):
        raise NotFound(registration_id)
    if registration.state is not State.CONFIRMED:
        raise Forbidden(_l("A badge is ready once your registration is confirmed."))
    event = registration.event
    [badge] = badges_for(event, [registration])
    db.session.commit()
    return event, badge


# --- drawing ----------------------------------------------------------------------------------


class BadgePainter:
    """Draws badges on one canvas; what every badge of the event shares is worked out once."""

    def __init__(self, canvas: Canvas, event: Event):
        self.canvas = canvas
        self.event = event
        self.words: dict[str, tuple[str, str, dict[Role, str]]] = {}  # by language: the title, the dates, the roles
        self.fitted: dict[tuple, Fitted] = {}

    def words_of(self, badge: Badge) -> tuple[str, str, dict[Role, str]]:
        """The event's title and dates and the roles' names in the holder's language, worked out once
        for each language."""
        if badge.locale not in self.words:
            event = self.event
            with force_locale(badge.locale):
                dates = plain(date_range_in_zone(event.starts_at, event.ends_at, event.timezone))
                roles = {role: plain(str(label)) for role, label in ROLE_LABELS.items()}
                self.words[badge.locale] = (plain(event.title), dates, roles)
        return self.words[badge.locale]

    def fit(self, text: str, width: float, size: float, smallest: float, lines: int = 1, bold=False) -> Fitted:
        """Remembered, as titles, organisations and countries come again and again."""
        key = (text, width, size, smallest, lines, bold)
        if key not in self.fitted:
            self.fitted[key] = fit(text, width, size, smallest, lines, bold)
        return self.fitted[key]

    def draw(self, fitted: Fitted, x: float, y: float, colour=INK, centred=False, bold=False, leading=1.2) -> float:
        """The lines of ``fitted`` from the baseline ``y`` down; answers the baseline after the last."""
        self.canvas.setFillColor(colour)
        for line in fitted.lines:
            draw_string(self.canvas, x, y, line, fitted.size, bold, "centre" if centred else "left")
            y -= fitted.size * leading
        return y

    def one_line(
        self,
        text: str,
        x: float,
        y: float,
        width: float,
        size: float,
        smallest: float,
        bold=False,
        colour=INK,
        centred=False,
    ) -> None:
        """``text`` on one line of ``width``, smaller down to ``smallest``, then shortened."""
        text = plain(text)
        if text:
            self.draw(self.fit(text, width, size, smallest, 1, bold), x, y, colour, centred, bold)

    def lines(
        self,
        text: str,
        x: float,
        y: float,
        width: float,
        size: float,
        count: int,
        bold=False,
        colour=INK,
        centred=False,
    ) -> float:
        """Up to ``count`` lines from the baseline ``y`` down at ``size``; smaller, down to two thirds of
        it, if they are too few. Answers the baseline after the last."""
        text = plain(text)
        if not text:
            return y
        broken = wrap(text, size, width, count + 1, bold)
        fitted = (
            Fitted(tuple(broken), size)
            if len(broken) <= count
            else self.fit(text, width, size, size * 2 / 3, count, bold)
        )
        self.draw(fitted, x, y, colour, centred, bold)
        return y - (len(fitted.lines) - 1) * fitted.size * 1.2 - size * 1.2  # what follows keeps its distance

    def name(self, text: str, x: float, y: float, width: float, size: float, centred=False) -> float:
        """A name as large as it fits: one line at ``size``; a long one on two lines, a little smaller;
        else smaller still down to a third of the size, on up to three lines. Answers the baseline after it."""
        text = plain(text)
        if not text:
            return y
        fitted = self.fit(text, width, size, size * 0.58, 2, True)
        if len(fitted.lines) == 1 and fitted.size < size * 0.8:  # two lines a little smaller read better
            for smaller in (size * 0.8, size * 0.68, size * 0.58):
                two = wrap(text, smaller, width, 3, True)
                if len(two) == 2:
                    fitted = Fitted(tuple(two), smaller)
                    break
        if shortened_in(fitted):
            fitted = self.fit(text, width, size * 0.58, size / 3, 3, True)
        return self.draw(fitted, x, y, INK, centred, True, 1.15) - size * 0.25

    def qr(self, code: str, x: float, y: float, size: float) -> None:
        """The QR code of ``code`` in a square of ``size`` at (x, y), its quiet zone inside the square."""
        draw_fast_qr(self.canvas, code, x, y, size, error="q")

    def role_band(self, badge: Badge, x: float, y: float, width: float, height: float, size: float) -> None:
        c = self.canvas
        c.setFillColor(ROLE_COLOURS[badge.role])
        c.rect(x, y, width, height, stroke=0, fill=1)
        label = self.words_of(badge)[2][badge.role]
        fitted = self.fit(label.upper() if label.isascii() else label, width - 4 * mm, size, size * 0.6, bold=True)
        baseline = y + (height - fitted.size * 0.7) / 2
        self.draw(fitted, x + width / 2, baseline, colors.white, centred=True, bold=True)

    def rule(self, x1: float, x2: float, y: float) -> None:
        self.canvas.setStrokeColor(RULE)
        self.canvas.setLineWidth(0.6)
        self.canvas.line(x1, y, x2, y)

    def portrait(self, badge: Badge, x: float, y: float, width: float, height: float) -> None:
        """A6: the event at the top, the names large, the organisation and country, the QR code
        below them and the role across the foot."""
        pad = 7 * mm
        inner, centre = width - 2 * pad, x + width / 2
        title, dates, _roles = self.words_of(badge)
        line_y = self.lines(title, centre, y + height - pad - 9, inner, 10, 2, bold=True, centred=True)
        self.one_line(dates, centre, line_y, inner, 9, 7, colour=MUTED, centred=True)
        self.rule(x + pad, x + width - pad, line_y - 7)

        line_y -= 7 + 12 * mm
        line_y = self.name(badge.full_name, centre, line_y, inner, 24, centred=True)
        if badge.native_name:
            line_y = self.name(badge.native_name, centre, line_y, inner, 22, centred=True)
        line_y = self.lines(badge.organisation, centre, line_y - 1 * mm, inner, 11, 2, centred=True)
        self.one_line(badge.country, centre, line_y, inner, 10, 8, colour=MUTED, centred=True)

        band, qr_size = 13 * mm, 38 * mm
        qr_y = y + band + 7 * mm
        self.qr(badge.code, centre - qr_size / 2, qr_y, qr_size)
        self.one_line(badge.code_for_reading, centre, qr_y - 2 * mm, inner, 8, 6, colour=MUTED, centred=True)
        self.role_band(badge, x, y, width, band, 16)

    def landscape(self, badge: Badge, x: float, y: float, width: float, height: float) -> None:
        """One of eight on an A4 sheet: the event at the top, the names and organisation on the
        left, the QR code on the right, the role across the foot."""
        pad, band, qr_size = 4.5 * mm, 8 * mm, 29 * mm
        left, text_width = x + pad, width - 2 * pad - qr_size - 2 * mm
        top = y + height - pad - 7
        title, dates, _roles = self.words_of(badge)
        self.one_line(title, left, top, width - 2 * pad, 8, 6, bold=True)
        self.one_line(dates, left, top - 9, width - 2 * pad, 7, 6, colour=MUTED)
        self.rule(left, x + width - pad, top - 14)

        qr_x, qr_y = x + width - pad - qr_size, y + band + 5 * mm
        self.qr(badge.code, qr_x, qr_y, qr_size)
        self.one_line(
            badge.code_for_reading,
            qr_x + qr_size / 2,
            qr_y - 2 * mm,
            qr_size + 2 * mm,
            6.5,
            5,
            colour=MUTED,
            centred=True,
        )

        line_y = top - 14 - 7 * mm
        line_y = self.name(badge.full_name, left, line_y, text_width, 16)
        if badge.native_name:
            line_y = self.name(badge.native_name, left, line_y, text_width, 15)
        line_y = self.lines(badge.organisation, left, line_y, text_width, 8.5, 2)
        self.one_line(badge.country, left, line_y, text_width, 8, 6, colour=MUTED)
        self.role_band(badge, x, y, width, band, 11)


def cutting_marks(
    canvas: Canvas, left: float, bottom: float, columns: int, rows: int, width: float, height: float
) -> None:
    """Short lines in the page's margin, in line with every cut, so the sheet can be cut with a guillotine."""
    gap, length = 2 * mm, 5 * mm
    right, top = left + columns * width, bottom + rows * height
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.3)
    for column in range(columns + 1):
        x = left + column * width
        canvas.line(x, top + gap, x, top + gap + length)
        canvas.line(x, bottom - gap, x, bottom - gap - length)
    for row in range(rows + 1):
        y = bottom + row * height
        canvas.line(left - gap, y, left - gap - length, y)
        canvas.line(right + gap, y, right + gap + length, y)


def render_badges(event: Event, badges: list[Badge], layout: str = "a6") -> bytes:
    """The badges as one PDF; each in its holder's language (the role, the country, the dates), the
    document's own title in the reader's."""
    buffer = BytesIO()
    pagesize = A6 if layout == "a6" else A4
    canvas = Canvas(
        buffer, pagesize=pagesize, pageCompression=1, invariant=0, lang=language_tag(), initialFontName=LATIN
    )
    canvas.setTitle(_("Badges: %(event)s", event=event.title))
    canvas.setAuthor(letterheads.author_of(event))
    canvas.setSubject(_("Badges"))
    canvas.setCreator(_("Workshop Manager"))
    painter = BadgePainter(canvas, event)
    if layout == "a6":
        page_width, page_height = A6
        for badge in badges:
            painter.portrait(badge, 0, 0, page_width, page_height)
            canvas.showPage()
    else:
        width, height = SHEET_BADGE
        columns, rows = 2, PER_SHEET // 2
        left, bottom = (A4[0] - columns * width) / 2, (A4[1] - rows * height) / 2
        for start in range(0, len(badges), PER_SHEET):
            for place, badge in enumerate(badges[start : start + PER_SHEET]):
                row, column = divmod(place, columns)
                painter.landscape(badge, left + column * width, bottom + (rows - 1 - row) * height, width, height)
            cutting_marks(canvas, left, bottom, columns, rows, width, height)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()
