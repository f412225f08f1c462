"""The same report laid out by a bare ReportLab platypus script: the yardstick for
``bench/workshop_report.py``.

It is handed the report's data already compiled (untimed) and lays out the same pages in one
SimpleDocTemplate pass, part for part: the cover, the contents (the headings' lines, without their
page numbers), the written sections, the agenda, the speakers with their roles and biographies, the
session summaries under their headings, each figure as a chart and a table of counts, the evaluation's
answers and comments, and the annexes' tables (participants, materials) with the same columns. Texts
are set as written: a paragraph per line of Markdown source (no Markdown, no escaping; Helvetica, or
the CJK font for a whole paragraph with any character beyond ASCII), every table cell a paragraph,
dates by ``strftime``, and "page N" at the foot of each page: the same fifty pages as the application's
report, each part starting on about the same page. What the application adds beyond it is what the
ratio measures: Markdown, escaping, page numbers in the contents, running headers, "page N of M",
bookmarks, chart styling, the CJK font for the Chinese runs of a line only.
"""

from io import BytesIO

from babel import Locale
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import CondPageBreak, LongTable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from workshop.feedback.models import EvaluationQuestionKind

CJK = "STSong-Light"
COUNTRIES = Locale.parse("en").territories
GRID = TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])
MARGIN = 18 * mm


def styles() -> dict[str, ParagraphStyle]:
    if CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    body = ParagraphStyle("bare-body", fontName="Helvetica", fontSize=10, leading=13, spaceAfter=5)
    bold = {"fontName": "Helvetica-Bold", "keepWithNext": 1}
    cell = ParagraphStyle("bare-cell", parent=body, fontSize=9, leading=11.5, spaceAfter=0)
    return {
        "title": ParagraphStyle("bare-title", parent=body, fontSize=26, leading=32, spaceAfter=10, **bold),
        "chapter": ParagraphStyle("bare-chapter", parent=body, fontSize=15, leading=19, spaceBefore=14, **bold),
        "section": ParagraphStyle("bare-section", parent=body, fontSize=11.5, leading=15, spaceBefore=10, **bold),
        "name": ParagraphStyle("bare-name", parent=body, fontSize=10.5, leading=13, spaceBefore=8, **bold),
        "body": body,
        "contents": ParagraphStyle("bare-contents", parent=body, spaceAfter=3),
        "contents2": ParagraphStyle("bare-contents2", parent=cell, spaceAfter=3),
        "cell": cell,
    }


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """Helvetica, or the CJK font for the whole paragraph when it has any character beyond ASCII."""
    return Paragraph(text if text.isascii() else f'<font face="{CJK}">{text}</font>', style)


def table(rows: list[list[str]], sheet, widths) -> LongTable:
    cells = [[para(text, sheet["cell"]) for text in row] for row in rows]
    made = LongTable(cells, colWidths=widths, repeatRows=1)
    made.setStyle(GRID)
    return made


def bars_up(values: list[float], width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 30, 20, width - 40, height - 30
    bars.data = [values or [0]]
    bars.categoryAxis.categoryNames = [str(n + 1) for n in range(len(values or [0]))]
    drawing.add(bars)
    return drawing


def bars_across(labels: list[str], values: list[float], width: float) -> Drawing:
    drawing = Drawing(width, 13 * len(labels) + 24)
    bars = HorizontalBarChart()
    bars.x, bars.y, bars.width, bars.height = width / 3, 16, width * 2 / 3 - 30, 13 * len(labels)
    bars.data = [values or [0]]
    bars.categoryAxis.categoryNames = labels
    bars.categoryAxis.labels.fontName = CJK
    drawing.add(bars)
    return drawing


def pie(labels: list[str], values: list[int], width: float) -> Drawing:
    drawing = Drawing(width, 120)
    chart = Pie()
    chart.x, chart.y, chart.width, chart.height = 10, 5, 110, 110
    chart.data = values or [1]
    chart.labels = labels
    drawing.add(chart)
    return drawing


class Headings:
    """The numbered headings, as the body has them and as the contents list them."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.lines: list[tuple[str, int]] = []
        self.chapters = self.sections = 0
        self.parent = ""

    def chapter(self, title: str, annex: str = "") -> list:
        if annex:
            self.parent = annex
        else:
            self.chapters += 1
            self.parent = str(self.chapters)
        self.sections = 0
        self.lines.append((f"{self.parent}  {title}", 1))
        return [CondPageBreak(A4[1] / 4), Paragraph(f"{self.parent}  {title}", self.sheet["chapter"])]

    def section(self, title: str) -> Paragraph:
        self.sections += 1
        self.lines.append((f"{self.parent}.{self.sections}  {title}", 2))
        return Paragraph(f"{self.parent}.{self.sections}  {title}", self.sheet["section"])


def render(data) -> bytes:
    """``data``: the report's ReportData, as compile_report gives it."""
    sheet = styles()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 8 * mm, bottomMargin=MARGIN
    )
    width = document.width
    headings = Headings(sheet)
    body: list = []
    for section in data.sections:
        body += headings.chapter(section.title)
        body += blocks(section.body, sheet)
    agenda(body, data, sheet, headings)
    speakers(body, data, sheet, headings)
    summaries(body, data, sheet, headings)
    figures(body, data, sheet, width, headings)
    annexes(body, data, sheet, headings)
    story = [*cover(data, sheet), Paragraph("Contents", sheet["chapter"])]
    story += [
        Paragraph(line, sheet["contents"] if level == 1 else sheet["contents2"]) for line, level in headings.lines
    ]
    story += [PageBreak(), *body]
    document.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buffer.getvalue()


def blocks(source: str, sheet) -> list[Paragraph]:
    """A paragraph per line of the Markdown source: its paragraphs, list items, quotes and table rows."""
    return [para(line, sheet["body"]) for line in source.splitlines() if line.strip()]


def cover(data, sheet) -> list:
    flowables = [
        Spacer(1, 40 * mm),
        Paragraph(data.title, sheet["title"]),
        Paragraph("Workshop report", sheet["chapter"]),
        Paragraph(f"{data.starts_at:%d %B %Y} – {data.ends_at:%d %B %Y}", sheet["body"]),
        Paragraph(", ".join(part for part in (data.venue, data.city, data.country) if part), sheet["body"]),
        Spacer(1, 14 * mm),
        Paragraph("<b>Partners</b>", sheet["body"]),
    ]
    flowables += [Paragraph(partner, sheet["body"]) for partner in data.partners]
    flowables += [Spacer(1, 10 * mm), Paragraph(data.summary, sheet["body"]), Spacer(1, 20 * mm)]
    flowables += [Paragraph(f"Compiled on {data.generated_at:%d %B %Y %H:%M} (UTC).", sheet["cell"]), PageBreak()]
    return flowables


def names(roles) -> str:
    return ", ".join(f"{role.name} {role.native_name} ({role.role.value})" for role in roles)


def agenda(story: list, data, sheet, headings: Headings) -> None:
    story += headings.chapter("Agenda")
    story.append(Paragraph("All times are in the event's time zone.", sheet["cell"]))
    rows = [["When", "Session", "Speakers"]] + [
        [
            f"{item.starts_at:%a %d %b}<br/>{item.starts_at:%H:%M}–{item.ends_at:%H:%M}",
            f"<b>{item.title}</b><br/>{item.kind.value} · {item.track} · {item.place}",
            names(item.speakers),
        ]
        for item in data.agenda
    ]
    story.append(table(rows, sheet, (34 * mm, 80 * mm, 60 * mm)))


def speakers(story: list, data, sheet, headings: Headings) -> None:
    story += headings.chapter("Speakers")
    for speaker in data.speakers:
        story.append(para(f"{speaker.full_name} {speaker.native_name}", sheet["name"]))
        story.append(Paragraph(f"{speaker.title}, {speaker.affiliation}", sheet["cell"]))
        roles = "; ".join(f"{role.role.value}: {role.session_title}" for role in speaker.roles)
        story.append(Paragraph(roles, sheet["cell"]))
        story += blocks(speaker.biography, sheet)


def summaries(story: list, data, sheet, headings: Headings) -> None:
    story += headings.chapter("Session summaries")
    for summary in data.summaries:
        story.append(headings.section(summary.session_title))
        line = f"{summary.starts_at:%a %d %b}, {summary.starts_at:%H:%M}–{summary.ends_at:%H:%M}"
        story.append(para(f"{line} · Rapporteur: {names(summary.rapporteurs)}", sheet["cell"]))
        story += blocks(summary.body, sheet)


def counts(label: str, rows: list[tuple[str, int]], total: int, sheet) -> LongTable:
    body = [[label, "Participants", "Share"]]
    body += [[str(key), str(n), f"{100 * n / total:.0f}%"] for key, n in rows]
    body.append(["Total", str(total), ""])
    return table(body, sheet, (90 * mm, 30 * mm, 30 * mm))


def figures(story: list, data, sheet, width: float, headings: Headings) -> None:
    """Participation, attendance and evaluation: a chart and a table of counts each."""
    participation = data.participation
    total = participation.confirmed
    story += [*headings.chapter("Participation"), Paragraph(f"Counted over {total} participants.", sheet["cell"])]
    top, others = participation.top_countries()
    story.append(headings.section("By country"))
    story.append(bars_across([code for code, _n in top] + ["Others"], [n for _code, n in top] + [others], width))
    story.append(counts("Country", participation.by_country, total, sheet))
    story.append(headings.section("By sex"))
    sexes = [(sex.value, n) for sex, n in participation.by_sex]
    story.append(pie([label for label, _n in sexes], [n for _label, n in sexes], width))
    story.append(counts("Sex", sexes, total, sheet))
    story.append(headings.section("By type of organisation"))
    kinds = [(kind.value, n) for kind, n in participation.by_organisation_type]
    story.append(bars_across([label for label, _n in kinds], [n for _label, n in kinds], width))
    story.append(counts("Type of organisation", kinds, total, sheet))

    sessions = data.attendance
    story += [*headings.chapter("Attendance per session"), Paragraph("Present at each session.", sheet["cell"])]
    story.append(bars_up([100 * (s.rate or 0) for s in sessions], width, 150))
    rows = [["#", "Session", "When", "Present", "Rate"]] + [
        [
            str(n),
            s.title,
            f"{s.starts_at:%a %d %b}<br/>{s.starts_at:%H:%M}–{s.ends_at:%H:%M}",
            f"{s.present} / {s.confirmed}",
            f"{100 * (s.rate or 0):.0f}%",
        ]
        for n, s in enumerate(sessions, start=1)
    ]
    story.append(table(rows, sheet, (10 * mm, 76 * mm, 46 * mm, 22 * mm, 20 * mm)))

    evaluation = data.evaluation
    story += [*headings.chapter("Evaluation"), Paragraph(f"{evaluation.responses} answers.", sheet["cell"])]
    for question in evaluation.questions:
        story.append(headings.section(question.label))
        if question.kind is EvaluationQuestionKind.RATING:
            story.append(Paragraph(f"Average {question.average or 0:.1f} of 5.", sheet["cell"]))
            story.append(bars_up(question.rating_counts, min(width, 90 * mm), 100))
        elif question.kind is EvaluationQuestionKind.CHOICE:
            story.append(Paragraph(f"{question.answered} answers.", sheet["cell"]))
            options = question.option_counts
            story.append(bars_across([o for o, _n in options], [n for _o, n in options], width))
        else:
            story.append(Paragraph(f"{len(question.comments)} comments.", sheet["cell"]))
            story += [para(f"“{comment}”", sheet["body"]) for comment in question.comments]


def annexes(story: list, data, sheet, headings: Headings) -> None:
    story += headings.chapter("List of participants", annex="A")
    story.append(Paragraph(f"Listed: {len(data.listed)}.", sheet["cell"]))
    listed = [["Name", "Name in own script", "Organisation", "Country"]] + [
        [p.full_name, p.native_name, p.organisation, COUNTRIES.get(p.country, p.country)] for p in data.listed
    ]
    story.append(table(listed, sheet, (46 * mm, 30 * mm, 66 * mm, 32 * mm)))
    story += headings.chapter("Materials", annex="B")
    materials = [["Title", "Session", "Type", "Size"]] + [
        [m.title, m.session_title, m.content_type, str(m.size or "")] for m in data.materials
    ]
    story.append(table(materials, sheet, (74 * mm, 60 * mm, 20 * mm, 20 * mm)))


def page_number(canvas, document) -> None:
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"Page {document.page}")
