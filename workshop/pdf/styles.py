"""Paragraph styles and page decoration shared by every PDF (programme, certificates, report)."""

import copy
from collections.abc import Callable

from reportlab import platypus
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from .fonts import LATIN, LATIN_BOLD, MIRRORED, draw_string, has_right_to_left, markup, seen_order, visual_order

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


class Paragraph(platypus.Paragraph):
    """A paragraph that breaks its lines once for a given width. A table wraps each cell twice, to
    measure its row and again to draw it; the lines, and so the size, depend on the width alone.
    Right-to-left words (Arabic, Hebrew) are drawn in the order they are seen, line by line."""

    _wrapped_for: float | None = None

    def draw(self):
        if not has_right_to_left(self.text):
            return super().draw()
        broken = self.blPara
        self.blPara = seen_in_order(broken)
        try:
            return super().draw()
        finally:
            self.blPara = broken

    def wrap(self, available_width, available_height):
        if available_width == self._wrapped_for and hasattr(self, "blPara"):  # a split drops its lines
            return self.width, self.height
        size = super().wrap(available_width, available_height)
        self._wrapped_for = available_width
        return size


def seen_in_order(broken):
    """A copy of a paragraph's lines with each line's right-to-left words in the order they are seen
    (``fonts.seen_order``), each run keeping its font."""
    seen = copy.copy(broken)
    if broken.kind == 0:  # one font: each line is (extra space, words)
        seen.lines = [(extra, visual_order(" ".join(words)).split(" ")) for extra, words in broken.lines]
        return seen
    seen.lines = []
    for line in broken.lines:
        text = "".join(word.text for word in line.words)
        if not has_right_to_left(text):
            seen.lines.append(line)
            continue
        owners = [number for number, word in enumerate(line.words) for _char in word.text]
        words: list = []
        for index, mirrored in seen_order(text):
            char = text[index].translate(MIRRORED) if mirrored else text[index]
            if words and words[-1][0] == owners[index]:
                words[-1][1].append(char)
            else:
                words.append((owners[index], [char]))
        seen.lines.append(line.clone(words=[line.words[owner].clone(text="".join(chars)) for owner, chars in words]))
    return seen


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (not markup): escaped, Chinese in the CJK font."""
    return Paragraph(markup(text), style)


def lines(texts: list[str], style: ParagraphStyle) -> Paragraph:
    """Several lines of plain text in one paragraph (for a table cell)."""
    return Paragraph("<br/>".join(markup(text) for text in texts if text), style)


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


def one_line(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """``text`` in one line of ``width``, shortened with an ellipsis when it is longer."""
    shown = text
    while True:
        paragraph = Paragraph(markup(shown if shown == text else shown.rstrip() + "…"), style)
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
