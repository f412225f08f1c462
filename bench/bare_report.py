"""The same report laid out by a bare ReportLab platypus script: the yardstick for
``bench/workshop_report.py``.

It is handed the report's data already compiled (untimed) and lays out the same parts in one
SimpleDocTemplate pass: the written sections and summaries as paragraphs of their Markdown source
(no Markdown, no escaping, no choice of font by script: a CJK font for every paragraph), the agenda,
statistics, participants and materials as tables, the speakers with their biographies, one bar
chart per figure, and "page N" at the foot of each page. What the application adds beyond it is
what the ratio measures: Markdown, escaping, contents with page numbers, running headers, "page N
of M", bookmarks, chart styling.
"""

from io import BytesIO

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import LongTable, PageBreak, Paragraph, SimpleDocTemplate, TableStyle

CJK = "STSong-Light"
GRID = TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])


def styles() -> dict[str, ParagraphStyle]:
    if CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    sample = getSampleStyleSheet()
    body = ParagraphStyle("bare-body", parent=sample["BodyText"], fontName=CJK, fontSize=9.5, leading=12.5)
    return {
        "title": sample["Title"],
        "heading": sample["Heading2"],
        "body": body,
        "cell": ParagraphStyle("bare-cell", parent=body, fontSize=8.5, leading=10.5),
    }


def table(rows: list[list[str]], sheet, widths) -> LongTable:
    cells = [[Paragraph(text, sheet["cell"]) for text in row] for row in rows]
    made = LongTable(cells, colWidths=widths, repeatRows=1)
    made.setStyle(GRID)
    return made


def chart(values: list[float], width: float) -> Drawing:
    drawing = Drawing(width, 60 * mm)
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 30, 20, width - 40, 60 * mm - 30
    bars.data = [values or [0]]
    bars.categoryAxis.categoryNames = [str(n + 1) for n in range(len(values or [0]))]
    drawing.add(bars)
    return drawing


def render(data) -> bytes:
    """``data``: the report's ReportData, as compile_report gives it."""
    sheet = styles()
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm)
    width = document.width
    story = [Paragraph(data.title, sheet["title"]), Paragraph(data.summary, sheet["body"]), PageBreak()]
    for section in data.sections:
        story += [Paragraph(section.title, sheet["heading"])]
        story += [Paragraph(block, sheet["body"]) for block in section.body.split("\n\n")]
    story.append(Paragraph("Agenda", sheet["heading"]))
    agenda = [["When", "Session", "Speakers"]] + [
        [f"{item.starts_at:%d %b %H:%M}", f"{item.title}<br/>{item.place}", ", ".join(r.name for r in item.speakers)]
        for item in data.agenda
    ]
    story.append(table(agenda, sheet, (34 * mm, 80 * mm, width - 114 * mm)))
    story.append(Paragraph("Speakers", sheet["heading"]))
    for speaker in data.speakers:
        story.append(Paragraph(f"<b>{speaker.full_name} {speaker.native_name}</b>", sheet["body"]))
        story.append(Paragraph(f"{speaker.title}, {speaker.affiliation}", sheet["body"]))
        story += [Paragraph(block, sheet["body"]) for block in speaker.biography.split("\n\n")]
    story.append(Paragraph("Session summaries", sheet["heading"]))
    for summary in data.summaries:
        story.append(Paragraph(f"<b>{summary.session_title}</b>", sheet["body"]))
        story += [Paragraph(block, sheet["body"]) for block in summary.body.split("\n\n")]
    figures(story, data, sheet, width)
    story.append(Paragraph("Participants", sheet["heading"]))
    listed = [["Name", "Organisation", "Country"]] + [
        [f"{p.full_name} {p.native_name}", p.organisation, p.country] for p in data.listed
    ]
    story.append(table(listed, sheet, (60 * mm, 80 * mm, width - 140 * mm)))
    story.append(Paragraph("Materials", sheet["heading"]))
    materials = [["Title", "Session", "File"]] + [
        [m.title, m.session_title, m.filename or m.url] for m in data.materials
    ]
    story.append(table(materials, sheet, (60 * mm, 60 * mm, width - 120 * mm)))
    document.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buffer.getvalue()


def figures(story: list, data, sheet, width: float) -> None:
    """Participation, attendance and evaluation: a table of counts and a chart each."""
    participation = data.participation
    for label, rows in (
        ("Country", participation.by_country),
        ("Sex", participation.by_sex),
        ("Type of organisation", participation.by_organisation_type),
    ):
        story.append(
            table([[label, "Participants"]] + [[str(key), str(n)] for key, n in rows], sheet, (90 * mm, 40 * mm))
        )
        story.append(chart([n for _key, n in rows], width))
    sessions = data.attendance
    story.append(
        table(
            [["Session", "Present"]] + [[s.title, f"{s.present}/{s.confirmed}"] for s in sessions],
            sheet,
            (110 * mm, 40 * mm),
        )
    )
    story.append(chart([s.present for s in sessions], width))
    for question in data.evaluation.questions:
        story.append(Paragraph(question.label, sheet["body"]))
        counts = question.rating_counts or [n for _option, n in question.option_counts]
        if counts:
            story.append(chart(counts, width))
        story += [Paragraph(comment, sheet["body"]) for comment in question.comments]


def page_number(canvas, document) -> None:
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"Page {document.page}")
