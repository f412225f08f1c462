"""Paragraph styles and page decoration shared by every PDF (programme, certificates, report)."""

from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from .fonts import LATIN, LATIN_BOLD, draw_string
from .text import Text

INK = colors.HexColor("#212529")
MUTED = colors.HexColor("#6c757d")
RULE = colors.HexColor("#dee2e6")
SHADE = colors.HexColor("#f1f3f5")
DANGER = colors.HexColor("#b02a37")
MARGIN = 18 * mm


def stylesheet() -> dict[str, ParagraphStyle]:
    """The styles by name: title, subtitle, heading, body, small, cell, cell_small, cell_bold."""
    body = ParagraphStyle("body", fontName=LATIN, bulletFontName=LATIN, fontSize=10, leading=13, textColor=INK)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=LATIN_BOLD, fontSize=20, leading=25, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=12, leading=16, textColor=MUTED, spaceAfter=2),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=LATIN_BOLD, fontSize=13, leading=17, spaceBefore=12, spaceAfter=6
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor=MUTED),
        "centred": ParagraphStyle("centred", parent=body, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=LATIN_BOLD, fontSize=9, leading=11.5),
        "cell_small": ParagraphStyle("cell_small", parent=body, fontSize=8, leading=10, textColor=MUTED),
    }


def para(text: str, style: ParagraphStyle) -> Text:
    """A paragraph of plain text (not markup): escaped, Chinese in the CJK font."""
    return Text((str(text),), style)


def lines(texts: list[str], style: ParagraphStyle) -> Text:
    """Several lines of plain text in one paragraph (for a table cell)."""
    return Text(tuple(str(text) for text in texts if text), style)


def table_commands(header_rows: int = 1, rules: str = "LINEBELOW", padding: float = 3) -> list[tuple]:
    """How every table looks: cells aligned at the top, a thin rule below each row (or ``GRID``),
    the header rows shaded. A list, so a table can add its own."""
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), LATIN),  # not the table's default, Helvetica, which is not embedded
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        (rules, (0, 0), (-1, -1), 0.5, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE))
    return commands


FOOTER = ParagraphStyle("footer", fontName=LATIN, bulletFontName=LATIN, fontSize=8, leading=10, textColor=MUTED)


def one_line(text: str, style: ParagraphStyle, width: float) -> Text:
    """``text`` in one line of ``width``, shortened with an ellipsis when it is longer."""
    shown = text
    while True:
        paragraph = para(shown if shown == text else shown.rstrip() + "…", style)
        _w, height = paragraph.wrap(width, style.leading * 3)
        if height <= style.leading or len(shown) <= 1:
            return paragraph
        shown = shown[: max(1, len(shown) - 5)]


def page_footer(left: str, page_label: Callable[[int], str]) -> Callable:
    """An ``onPage`` callback: ``left`` (e.g. the event's title) and the page number at the foot of each page."""

    def draw(canvas, doc) -> None:
        canvas.saveState()
        width, _height = doc.pagesize
        y = MARGIN / 2
        canvas.setStrokeColor(RULE)
        canvas.line(doc.leftMargin, y + 10, width - doc.rightMargin, y + 10)
        label = page_label(doc.page)
        room = width - doc.leftMargin - doc.rightMargin - 30 * mm  # the page number's place is kept free
        footer = one_line(left, FOOTER, room)
        footer.drawOn(canvas, doc.leftMargin, y - 2)
        canvas.setFillColor(MUTED)
        draw_string(canvas, width - doc.rightMargin, y, label, 8, align="right")
        canvas.restoreState()

    return draw
