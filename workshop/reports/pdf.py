"""The compiled workshop report as one PDF, made from the current data every time it is asked for.

A4 portrait: a cover (title, dates in the event's time zone, venue, partners, the date it was
compiled); the table of contents; the sections the organisers wrote; the agenda; the speakers with
their affiliations and biographies; the session summaries in agenda order; participation by country,
sex and type of organisation; attendance per session; the evaluation's results; and as annexes the
participants who agreed to be listed and the materials. Every part that has nothing to show says so.

Labels are in the language of the request (or the default); what people wrote is printed as written,
each script in the shipped font that has it. The layout pieces are in ``pdf_layout``, the charts in ``pdf_charts``, the
figures' chapters in ``pdf_figures`` and the Markdown in ``markdown_pdf``.
"""

from __future__ import annotations

from io import BytesIO

from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, LongTable, NextPageTemplate, PageBreak, Spacer

from ..agenda.forms import SESSION_KIND_LABELS
from ..agenda.speakers import ROLE_LABELS
from ..events.models import Event
from ..formatting import date_range_in_zone, format_in_zone, zone_label
from ..letterhead import services as letterheads
from ..pdf import styles
from ..pdf.fonts import markup
from ..pdf.styles import lines, para
from ..pdf.text import Paragraph
from ..translated import joined
from ..uploads import size_label
from . import pdf_figures
from .compile import ReportData, Role, compile_report
from .markdown_pdf import markdown_flowables
from .pdf_layout import ContentsLine, ReportDocument, Story, cell, empty, header_row, table_style
from .pdf_text import Formats, name_with_native


def render_report(event: Event) -> bytes:
    """The report of ``event`` as PDF bytes, compiled from the current data."""
    return report_pdf(compile_report(event), letterheads.author_of(event))


def report_pdf(data: ReportData, author: str = "") -> bytes:
    locale = Locale.parse(str(get_locale()))
    sheet = report_styles()
    formats = Formats(locale, data.timezone)
    buffer = BytesIO()
    document = ReportDocument(
        buffer,
        header=data.title,
        header_right=_("Workshop report"),
        page_label=lambda number, total: _("Page %(number)d of %(total)d", number=number, total=total),
        title=data.title,
        subject=_("Workshop report"),
        author=author or _("Workshop Manager"),
        lang=str(locale).replace("_", "-"),
    )
    width = document.width
    story = Story(sheet["chapter"], sheet["section"])
    written_sections(story, data, sheet, width)
    agenda(story, data, sheet, formats)
    speakers(story, data, sheet, width)
    summaries(story, data, sheet, formats, width)
    pdf_figures.participation(story, data, sheet, formats, width)
    pdf_figures.attendance(story, data, sheet, formats, width)
    pdf_figures.evaluation(story, data, sheet, formats, width)
    listed_participants(story, data, sheet, formats)
    materials(story, data, sheet)
    document.entries = story.entries
    flowables = cover(data, sheet, formats) + contents(story, data, sheet) + story.flowables
    document.build(flowables)
    return buffer.getvalue()


def report_styles() -> dict[str, ParagraphStyle]:
    sheet = styles.stylesheet()
    body = sheet["body"]
    sheet["cover_title"] = ParagraphStyle("cover_title", parent=sheet["title"], fontSize=26, leading=32, spaceAfter=10)
    sheet["cover_kind"] = ParagraphStyle("cover_kind", parent=sheet["subtitle"], fontSize=15, leading=20, spaceAfter=18)
    sheet["chapter"] = ParagraphStyle(
        "chapter", parent=sheet["heading"], fontSize=15, leading=19, spaceBefore=14, spaceAfter=8, keepWithNext=1
    )
    sheet["section"] = ParagraphStyle(
        "section", parent=sheet["heading"], fontSize=11.5, leading=15, spaceBefore=10, spaceAfter=4, keepWithNext=1
    )
    sheet["contents"] = ParagraphStyle("contents", parent=body, fontSize=10, leading=13)
    sheet["note"] = ParagraphStyle("note", parent=sheet["small"], spaceAfter=6)
    sheet["empty"] = ParagraphStyle("empty", parent=body, textColor=styles.MUTED, spaceAfter=6)
    sheet["name"] = ParagraphStyle(
        "name", parent=sheet["cell_bold"], fontSize=10.5, leading=13, spaceBefore=8, keepWithNext=1
    )
    sheet["paragraph"] = ParagraphStyle("paragraph", parent=body, spaceAfter=5)
    return sheet


# --- cover and contents ------------------------------------------------------------------------


def cover(data: ReportData, sheet, formats: Formats) -> list:
    where = joined((data.venue, data.city, formats.country(data.country)))
    flowables = [
        Spacer(1, 40 * mm),
        para(data.title, sheet["cover_title"]),
        para(_("Workshop report"), sheet["cover_kind"]),
        para(date_range_in_zone(data.starts_at, data.ends_at, data.timezone), sheet["subtitle"]),
    ]
    if where:
        flowables.append(para(where, sheet["subtitle"]))
    if data.partners:
        flowables += [Spacer(1, 14 * mm), para(_("Partners"), sheet["cell_bold"])]
        flowables += [para(partner, sheet["body"]) for partner in data.partners]
    if data.summary:
        flowables += [Spacer(1, 10 * mm), para(data.summary, sheet["body"])]
    flowables += [
        Spacer(1, 20 * mm),
        para(
            _(
                "Compiled on %(date)s (%(zone)s) from the data recorded at that time.",
                date=format_in_zone(data.generated_at, data.timezone),
                zone=zone_label(data.timezone, data.generated_at),
            ),
            sheet["small"],
        ),
        NextPageTemplate("body"),
        PageBreak(),
    ]
    return flowables


def contents(story: Story, data: ReportData, sheet) -> list:
    flowables = [para(_("Contents"), sheet["chapter"])]
    flowables += [
        ContentsLine(entry, sheet["contents"] if entry.level == 1 else sheet["cell"]) for entry in story.entries
    ]
    if not data.sections:
        flowables += [Spacer(1, 8), empty(_("The organisers have not written any section of the report yet."), sheet)]
    flowables.append(PageBreak())
    return flowables


# --- what people wrote -------------------------------------------------------------------------


def text_flowables(source: str, sheet, width: float) -> list:
    return markdown_flowables(source, sheet["paragraph"], sheet["cell"], width)


def written_sections(story: Story, data: ReportData, sheet, width: float) -> None:
    for section in data.sections:
        story.chapter(section.title)
        story.add(*text_flowables(section.body, sheet, width))


def roles_line(roles: list[Role]) -> str:
    return ", ".join(
        _("%(name)s (%(role)s)", name=name_with_native(role.name, role.native_name), role=ROLE_LABELS[role.role])
        for role in roles
    )


def agenda(story: Story, data: ReportData, sheet, formats: Formats) -> None:
    story.chapter(_("Agenda"))
    if not data.agenda:
        story.add(empty(_("The agenda has no sessions."), sheet))
        return
    story.add(para(_("All times are in %(zone)s.", zone=zone_label(data.timezone, data.starts_at)), sheet["note"]))
    rows = [header_row([_("When"), _("Session"), _("Speakers")], sheet)]
    for item in data.agenda:
        title = markup(item.title)
        if item.cancelled:
            title = f"<strike>{title}</strike> ({markup(_('Cancelled'))})"
        details = " · ".join(part for part in (str(SESSION_KIND_LABELS[item.kind]), item.track, item.place) if part)
        rows.append(
            [
                lines([formats.day(item.starts_at), formats.times(item.starts_at, item.ends_at)], sheet["cell"]),
                [Paragraph(title, sheet["cell_bold"]), para(details, sheet["cell_small"])],
                para(roles_line(item.speakers), sheet["cell"]),
            ]
        )
    table = LongTable(rows, colWidths=(34 * mm, 80 * mm, 60 * mm), repeatRows=1)
    table.setStyle(table_style())
    story.add(table)


def speakers(story: Story, data: ReportData, sheet, width: float) -> None:
    story.chapter(_("Speakers"))
    if not data.speakers:
        story.add(empty(_("No speakers are on the agenda."), sheet))
        return
    for speaker in data.speakers:
        head = [para(name_with_native(speaker.full_name, speaker.native_name), sheet["name"])]
        position = joined((speaker.title, speaker.affiliation))
        if position:
            head.append(para(position, sheet["cell"]))
        if speaker.roles:
            head.append(
                para(
                    "; ".join(
                        _("%(role)s: %(session)s", role=ROLE_LABELS[r.role], session=r.session_title)
                        for r in speaker.roles
                    ),
                    sheet["cell_small"],
                )
            )
        head.append(Spacer(1, 3))
        story.add(KeepTogether(head))
        if speaker.biography.strip():
            story.add(*text_flowables(speaker.biography, sheet, width))


def summaries(story: Story, data: ReportData, sheet, formats: Formats, width: float) -> None:
    story.chapter(_("Session summaries"))
    if not data.summaries:
        story.add(empty(_("No session summary is written yet."), sheet))
        return
    for summary in data.summaries:
        story.section(summary.session_title)
        line = f"{formats.day(summary.starts_at)}, {formats.times(summary.starts_at, summary.ends_at)}"
        if summary.rapporteurs:
            names = ", ".join(name_with_native(r.name, r.native_name) for r in summary.rapporteurs)
            line += " · " + _("Rapporteur: %(names)s", names=names)
        story.add(para(line, sheet["note"]))
        story.add(*text_flowables(summary.body, sheet, width))


# --- annexes -----------------------------------------------------------------------------------


def listed_participants(story: Story, data: ReportData, sheet, formats: Formats) -> None:
    story.annex(_("List of participants"))
    confirmed = data.participation.confirmed if data.participation else 0
    if not data.listed:
        story.add(empty(_("No participant agreed to appear on the list of participants."), sheet))
        return
    story.add(
        para(
            _(
                "Confirmed participants who agreed to appear on the list: %(listed)d of %(confirmed)d.",
                listed=len(data.listed),
                confirmed=confirmed,
            ),
            sheet["note"],
        )
    )
    widths = (46 * mm, 30 * mm, 66 * mm, 32 * mm)
    style = sheet["cell"]
    rows = [header_row([_("Name"), _("Name in own script"), _("Organisation"), _("Country")], sheet)]
    for person in data.listed:
        texts = (person.full_name, person.native_name, person.organisation, formats.country(person.country))
        rows.append([cell(text, style, width) for text, width in zip(texts, widths, strict=False)])
    table = LongTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(cell_style=style))
    story.add(table)


def material_kind(material) -> str:
    if material.is_link:
        return _("Link")
    extension = material.filename.rpartition(".")[2].upper() if "." in material.filename else ""
    return extension or material.content_type


def materials(story: Story, data: ReportData, sheet) -> None:
    story.annex(_("Materials"))
    if not data.materials:
        story.add(empty(_("No materials are shared."), sheet))
        return
    widths = (74 * mm, 60 * mm, 20 * mm, 20 * mm)
    style = sheet["cell"]
    rows = [header_row([_("Title"), _("Session"), _("Type"), _("Size")], sheet)]
    for material in data.materials:
        rows.append(
            [
                lines([material.title, material.url], style)
                if material.url
                else cell(material.title, style, widths[0]),
                cell(material.session_title or _("The whole event"), style, widths[1]),
                cell(material_kind(material), style, widths[2]),
                cell(size_label(material.size) if material.size is not None else "", style, widths[3]),
            ]
        )
    table = LongTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(cell_style=style))
    story.add(table)
