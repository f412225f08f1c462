"""The printable programme: a PDF of the agenda, day by day in the event's time zone.

A header with the event's title, dates and venue; then for each day a table of the sessions with
their times, title and kind, place, and speakers with their roles. Cancelled sessions stay in the
table, struck through and marked. Every run of text is set in the shipped font that has its script
(see ``workshop.pdf.fonts``), so it renders, and readers can search and copy it.
"""

from io import BytesIO

from babel import Locale
from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, SimpleDocTemplate, Spacer, TableStyle

from ..events.models import Event
from ..formatting import country_name, date_range_in_zone, time_span, zone_label
from ..letterhead import services as letterheads
from ..pdf import styles
from ..pdf.fonts import LATIN, markup
from ..pdf.text import Paragraph
from ..timeutil import utc_to_local
from ..translated import joined
from .forms import SESSION_KIND_LABELS
from .ical import speaker_with_role
from .models import AgendaSession
from .timetable import Day, timetable

COLUMN_WIDTHS = (
    36 * mm,
    58 * mm,
    36 * mm,
    44 * mm,
)  # time, session, place, speakers: the width of A4 within the margins


def session_cell(session: AgendaSession, sheet) -> list:
    title = markup(session.title)
    if session.cancelled:
        title = f"<strike>{title}</strike>"
    details = [str(SESSION_KIND_LABELS[session.kind])]
    if session.track:
        details.append(_("Track: %(track)s", track=session.track))
    cell = [Paragraph(title, sheet["cell_bold"]), Paragraph(markup(" · ".join(details)), sheet["cell_small"])]
    if session.cancelled:
        cell.append(
            Paragraph(f'<font color="{styles.DANGER.hexval()}">{markup(_("Cancelled"))}</font>', sheet["cell_bold"])
        )
    return cell


def place_cell(session: AgendaSession, sheet) -> list:
    """Where, and for site visits and travel how to get there (a study tour's itinerary)."""
    cell = [styles.para(session.place, sheet["cell"])]
    if session.directions.strip():
        cell.append(styles.para(session.directions.strip(), sheet["cell_small"]))
    return cell


def day_table(day: Day, sheet, locale: Locale) -> LongTable:
    header = [
        Paragraph(markup(label), sheet["cell_bold"]) for label in (_("Time"), _("Session"), _("Place"), _("Speakers"))
    ]
    rows = [header]
    for slot in day.slots:
        session = slot.session
        rows.append(
            [
                styles.para(time_span(slot.starts, slot.ends, locale), sheet["cell"]),
                session_cell(session, sheet),
                place_cell(session, sheet),
                styles.lines([speaker_with_role(link) for link in session.speakers], sheet["cell"]),
            ]
        )
    table = LongTable(rows, colWidths=COLUMN_WIDTHS, repeatRows=1)
    commands = styles.table_commands(padding=4)
    for row, slot in enumerate(day.slots, start=1):
        if slot.session.cancelled:
            commands.append(("TEXTCOLOR", (0, row), (-1, row), styles.MUTED))
    table.setStyle(TableStyle(commands))
    return table


def day_heading(day: Day, locale: Locale) -> str:
    heading = format_date(day.date, "full", locale=locale)
    if day.number:
        return _("Day %(number)d · %(date)s", number=day.number, date=heading)
    return heading


def header(event: Event, sheet) -> list:
    where = joined((event.venue, event.city, country_name(event.country)))
    flowables = [
        styles.para(event.title, sheet["title"]),
        styles.para(date_range_in_zone(event.starts_at, event.ends_at, event.timezone), sheet["subtitle"]),
    ]
    if where:
        flowables.append(styles.para(where, sheet["subtitle"]))
    if event.summary:
        flowables += [Spacer(1, 4), styles.para(event.summary, sheet["body"])]
    flowables += [
        Spacer(1, 6),
        styles.para(
            _("Programme. All times are in %(zone)s.", zone=zone_label(event.timezone, event.starts_at)), sheet["small"]
        ),
    ]
    return flowables


def programme_pdf(event: Event, sessions: list[AgendaSession]) -> bytes:
    """The programme of ``event`` as a PDF, in the reader's language."""
    locale = Locale.parse(str(get_locale()))
    sheet = styles.stylesheet()
    # A day's heading stays with the first rows of its table, never alone at the foot of a page.
    sheet["day"] = ParagraphStyle("day", parent=sheet["heading"], keepWithNext=1)
    zone = event.timezone
    story = header(event, sheet)
    days = timetable(sessions, zone, first_day=utc_to_local(event.starts_at, zone).date())
    if not days:
        story += [Spacer(1, 12), styles.para(_("The programme has no sessions yet."), sheet["body"])]
    for day in days:
        story.append(Paragraph(markup(day_heading(day, locale)), sheet["day"]))
        story.append(day_table(day, sheet, locale))

    buffer = BytesIO()
    footer = styles.page_footer(event.title, lambda number: _("Page %(number)d", number=number))
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=styles.MARGIN,
        rightMargin=styles.MARGIN,
        topMargin=styles.MARGIN,
        bottomMargin=styles.MARGIN,
        title=str(event.title),
        subject=_("Programme"),
        author=letterheads.author_of(event),
        lang=str(locale).replace("_", "-"),
        initialFontName=LATIN,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
