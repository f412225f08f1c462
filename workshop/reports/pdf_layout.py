"""The report's pages: a cover without decoration, then pages with a running header (the event's
title) and a footer ("Page 3 of 41"), numbered headings that are bookmarks in the PDF's outline,
and a table of contents that links to them.

The document is laid out once. What is only known at the end (how many pages there are, on which
page each heading fell) is drawn as form XObjects that the pages name as they are drawn and that are
written by the story's last flowable, on the last page: PDF lets a page use a form defined later. A
contents line has the same height whatever its page number, so nothing moves, and the report costs
one layout instead of the two or more that platypus' ``multiBuild`` would need.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, CondPageBreak, Flowable, Frame, PageTemplate, TableStyle

from ..pdf import styles
from ..pdf.fonts import LATIN, draw_string, latin, string_width
from ..pdf.styles import para
from ..pdf.text import Paragraph, Text

PAGE_WIDTH, PAGE_HEIGHT = A4
HEADER_GAP = 8 * mm  # between the running header's rule and the text
NUMBER_ROOM = 12 * mm  # kept free for the page number at the end of a contents line


@dataclass(frozen=True)
class Entry:
    """A heading as the table of contents lists it."""

    key: str  # its bookmark
    number: str  # "3", "3.2", "A"
    title: str
    level: int  # 1 or 2

    @property
    def label(self) -> str:
        return f"{self.number}  {self.title}" if self.number else self.title


class Heading(Text):
    """A numbered heading; the document notes its page, bookmarks it and adds it to the outline."""

    def __init__(self, entry: Entry, style: ParagraphStyle):
        super().__init__((entry.label,), style)
        self.entry = entry
        self.bottom = 0.0  # on the page, once drawn

    def split(self, available_width, available_height):
        return []  # a heading goes whole to the next page

    def draw(self):
        self.bottom = self.canv.absolutePosition(0, 0)[1]
        super().draw()

    @property
    def bookmark_top(self) -> float:
        """Where a reader who follows the bookmark sees the page begin: about the heading's top."""
        return self.bottom + self.height + 6 - self.getSpaceAfter()


class ContentsLine(Flowable):
    """One line of the table of contents: the heading's number and title, and its page number (a form
    written at the end). The whole line links to the heading."""

    def __init__(self, entry: Entry, style: ParagraphStyle):
        super().__init__()
        self.entry = entry
        self.style = style
        self.indent = (entry.level - 1) * 8 * mm

    def wrap(self, available_width, available_height):
        self.width = available_width
        self.height = self.style.leading + 3
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        room = self.width - self.indent - NUMBER_ROOM
        styles.one_line(self.entry.label, self.style, room).drawOn(canvas, self.indent, 3)
        canvas.saveState()
        canvas.translate(self.width, 3 + self.style.leading - self.style.fontSize)
        canvas.doForm(contents_form(self.entry.key))
        canvas.restoreState()
        canvas.linkRect("", self.entry.key, (self.indent, 0, self.width, self.height), relative=1)


class LastFlowable(Flowable):
    """Takes no room; when it is drawn, on the last page, everything before it has its page."""

    def __init__(self, at_the_end: Callable):
        super().__init__()
        self.at_the_end = at_the_end

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        self.at_the_end(self.canv)


def contents_form(key: str) -> str:
    return f"contents-{key}"


def page_form(number: int) -> str:
    return f"page-label-{number}"


class ReportDocument(BaseDocTemplate):
    """A4 portrait: the first page is the cover (``cover_page`` draws its background), every later one
    carries ``header`` and the label ``page_label(number, total)``."""

    def __init__(self, buffer, header: str, header_right: str, page_label: Callable[[int, int], str], **info):
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=styles.MARGIN,
            rightMargin=styles.MARGIN,
            topMargin=styles.MARGIN + HEADER_GAP,
            bottomMargin=styles.MARGIN,
            initialFontName=LATIN,
            **info,
        )
        self.header = header
        self.header_right = header_right
        self.page_label = page_label
        self.heading_pages: dict[str, int] = {}
        self._header_line: Paragraph | None = None
        self.entries: list[Entry] = []
        cover = Frame(styles.MARGIN, styles.MARGIN, self.width, PAGE_HEIGHT - 2 * styles.MARGIN, id="cover")
        body = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[cover]),
                PageTemplate(id="body", frames=[body], onPage=self.decorate),
            ]
        )

    def build(self, flowables, **options) -> None:
        super().build([*flowables, LastFlowable(self.write_what_the_end_knows)], **options)

    def decorate(self, canvas, doc) -> None:
        canvas.saveState()
        top = PAGE_HEIGHT - styles.MARGIN
        right = PAGE_WIDTH - self.rightMargin
        canvas.setStrokeColor(styles.RULE)
        canvas.setLineWidth(0.5)
        canvas.line(self.leftMargin, top - 4, right, top - 4)
        canvas.setFillColor(styles.MUTED)
        draw_string(canvas, right, top, self.header_right, 8, align="right")
        self.header_line(canvas).drawOn(canvas, self.leftMargin, top - 2)
        bottom = styles.MARGIN / 2
        canvas.line(self.leftMargin, bottom + 10, right, bottom + 10)
        canvas.translate(right, bottom)
        canvas.doForm(page_form(doc.page))
        canvas.restoreState()

    def header_line(self, canvas) -> Paragraph:
        """The running header, shortened to its room once for every page."""
        if self._header_line is None:
            room = self.width - string_width(self.header_right, 8) - 10 * mm
            self._header_line = styles.one_line(self.header, styles.FOOTER, room)
        return self._header_line

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, Heading):
            entry = flowable.entry
            self.heading_pages[entry.key] = self.page
            self.canv.bookmarkPage(entry.key, fit="FitH", top=flowable.bookmark_top)
            self.canv.addOutlineEntry(entry.label, entry.key, level=entry.level - 1, closed=entry.level > 1)

    def write_what_the_end_knows(self, canvas) -> None:
        """On the last page: the page labels and the contents' page numbers, now known."""
        last_page = self.page
        for number in range(2, last_page + 1):
            right_aligned_form(canvas, page_form(number), self.page_label(number, last_page))
        for entry in self.entries:
            page = self.heading_pages.get(entry.key)
            right_aligned_form(canvas, contents_form(entry.key), str(page) if page else "", size=10)


def right_aligned_form(canvas, name: str, text: str, size: float = 8) -> None:
    """A form that writes ``text`` ending at its origin, on the baseline."""
    canvas.beginForm(name, lowerx=-PAGE_WIDTH, lowery=-5, upperx=0, uppery=size + 5)
    canvas.setFillColor(styles.MUTED if size < 10 else styles.INK)
    if text:
        draw_string(canvas, 0, 0, text, size, align="right")
    canvas.endForm()


class Story:
    """The flowables of the report's body, with its numbered headings: chapters 1, 2, 3..., their
    sections 3.1, 3.2..., and annexes A, B."""

    def __init__(self, chapter_style: ParagraphStyle, section_style: ParagraphStyle):
        self.chapter_style = chapter_style
        self.section_style = section_style
        self.flowables: list[Flowable] = []
        self.entries: list[Entry] = []
        self.chapters = 0
        self.annexes = 0
        self.sections = 0
        self.parent = ""  # the number of the current chapter or annex

    def add(self, *flowables: Flowable) -> None:
        self.flowables.extend(flowables)

    def _heading(self, number: str, title: str, level: int) -> None:
        entry = Entry(f"h{len(self.entries) + 1}", number, title, level)
        self.entries.append(entry)
        if level == 1:
            self.flowables.append(CondPageBreak(PAGE_HEIGHT / 4))
        self.flowables.append(Heading(entry, self.chapter_style if level == 1 else self.section_style))

    def chapter(self, title: str) -> None:
        self.chapters += 1
        self.sections = 0
        self.parent = str(self.chapters)
        self._heading(self.parent, title, 1)

    def annex(self, title: str) -> None:
        self.annexes += 1
        self.sections = 0
        self.parent = ANNEX_LETTERS[self.annexes - 1]
        self._heading(self.parent, title, 1)

    def section(self, title: str) -> None:
        self.sections += 1
        self._heading(f"{self.parent}.{self.sections}" if self.parent else str(self.sections), title, 2)


ANNEX_LETTERS = "ABCDEFGHIJ"


# --- tables and empty parts ---------------------------------------------------------------------


def empty(text: str, sheet) -> Paragraph:
    """What an empty part says instead (“The agenda has no sessions.”)."""
    return para(text, sheet["empty"])


CELL_PADDING = 6  # left and right together, as platypus tables pad by default


def cell(text: str, style: ParagraphStyle, width: float):
    """A table cell: the plain string when Noto Sans shows it on one line of ``width`` (drawn by the
    table, in the style ``table_style`` gives every cell: much faster than a paragraph), else a paragraph
    that wraps (inside a word too long for the cell) with every run in the font that has it."""
    if (
        (text.isascii() or latin().characters.issuperset(text))
        and "\n" not in text
        and stringWidth(text, style.fontName, style.fontSize) <= width - CELL_PADDING
    ):
        return text
    return para(text, style)


def table_style(cell_style: ParagraphStyle | None = None) -> TableStyle:
    """Rules between rows, a shaded header; plain strings in cells drawn like ``cell_style``."""
    commands = styles.table_commands()
    if cell_style is not None:
        commands += [
            ("FONT", (0, 0), (-1, -1), cell_style.fontName, cell_style.fontSize, cell_style.leading),
            ("TEXTCOLOR", (0, 0), (-1, -1), cell_style.textColor),
        ]
    return TableStyle(commands)


def header_row(labels: list[str], sheet) -> list[Paragraph]:
    return [para(label, sheet["cell_bold"]) for label in labels]
