"""Text in the PDFs' paragraph styles: ``Paragraph`` for markup (bold, links, bullets), ``Text`` for
plain text, which is most of a document (names, table cells, headings, comments).

``Text`` breaks and draws its lines itself, each run in the font that has it (``fonts.runs``), as a
paragraph of its markup would look, without parsing markup: a long report spent much of its time in
platypus' parser and line breaking. Lines break at spaces; a word longer than a line (a Chinese
sentence has no spaces) fills the line and goes on to the next, as platypus splits long words.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from reportlab import platypus
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth

from .fonts import (
    LATIN,
    LATIN_BOLD,
    MIRRORED,
    NO_BREAK,
    draw_runs,
    has_right_to_left,
    markup,
    measured_runs,
    seen_order,
    visual_order,
)


class Paragraph(platypus.Paragraph):
    """A paragraph that breaks its lines once for a given width. A table wraps each cell twice, to
    measure its row and again to draw it; the lines, and so the size, depend on the width alone.
    Right-to-left words (Arabic, Hebrew) are drawn in the order they are seen, line by line."""

    _wrapped_for: float | None = None

    def draw(self):
        if not has_right_to_left(self.plain_text()):
            return super().draw()
        broken = self.blPara
        self.blPara = seen_in_order(broken)
        try:
            return super().draw()
        finally:
            self.blPara = broken

    def plain_text(self) -> str:
        """The text without markup; the parts of a split paragraph have only their fragments."""
        if self.text is not None:
            return self.text
        return "".join(getattr(fragment, "text", "") for fragment in self.frags)

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


LINE_ALIGN = {TA_LEFT: "left", TA_CENTER: "centre", TA_RIGHT: "right"}
LINE_FONTS = {LATIN: False, LATIN_BOLD: True}  # a style's font -> whether its runs are bold
SPACES = re.compile(r"[ \t\n\r\f\v]+")  # what a paragraph collapses into one space


@dataclass(frozen=True)
class Word:
    """A word of a text: its runs, each with its font's name, its width, and the space before it."""

    runs: tuple[tuple[str, str], ...]
    width: float
    space: tuple[str, float] = ("", 0.0)  # the font and width of the space before it; none for a first word


@dataclass(frozen=True)
class Line:
    """A line as it is drawn: its runs, each with its font's name, and its width."""

    runs: tuple[tuple[str, str], ...]
    width: float

    @property
    def spaces(self) -> int:
        """What a paragraph counts as the line's spaces when it squeezes them."""
        return sum(run.count(" ") + run.count("\xa0") for run, _font in self.runs)


class Text(platypus.Flowable):
    """Plain text in a paragraph style, each of ``texts`` starting a line. It looks as the paragraph of
    its markup would; for what it does not draw itself (a style with indents, a border or a bullet; a
    font other than Noto Sans; control characters or right-to-left words) it is that paragraph."""

    def __init__(self, texts: tuple[str, ...], style: ParagraphStyle):
        super().__init__()
        self.texts = texts
        self.style = style
        self._measured: list[Measured] | None = None  # each text measured; [] when the paragraph draws them
        self._broken: tuple[float, list[Line]] | None = None  # the lines for a width
        self._fixed: list[Line] | None = None  # a part of a split text: its lines, whatever the width
        self._lines: list[Line] | None = None  # what ``draw`` draws; None: the paragraph
        self._paragraph: Paragraph | None = None

    @property
    def paragraph(self) -> Paragraph:
        if self._paragraph is None:
            self._paragraph = Paragraph("<br/>".join(markup(text) for text in self.texts), self.style)
        return self._paragraph

    def lines_for(self, width: float) -> list[Line] | None:
        """The lines in ``width``; None when the paragraph draws the text."""
        if self._fixed is not None:
            return self._fixed
        if self._measured is None:
            self._measured = measured(self.texts, self.style)
        if not self._measured:
            return None
        if self._broken is None or self._broken[0] != width:
            self._broken = (width, [line for text in self._measured for line in text.lines(width)])
        return self._broken[1]

    def wrap(self, available_width, available_height):
        self._lines = self.lines_for(available_width)
        if self._lines is None:
            self.width, self.height = self.paragraph.wrap(available_width, available_height)
        else:
            self.width, self.height = available_width, len(self._lines) * self.style.leading
        return self.width, self.height

    def split(self, available_width, available_height):
        """Two parts at a line, as a paragraph splits: not after its first line alone (an orphan)."""
        lines = self.lines_for(available_width)
        if lines is None:
            return self.paragraph.split(available_width, available_height)
        style = self.style
        fitting = int(available_height / style.leading)
        if fitting == 0 or (fitting <= 1 and not style.allowOrphans):
            return []
        if len(lines) <= fitting:
            return [self]
        if not style.allowWidows and len(lines) == fitting + 1:
            if len(lines) <= 3 and not (style.allowOrphans and len(lines) == 3):
                return []
            fitting -= 1
        return [self.part(lines[:fitting]), self.part(lines[fitting:])]

    def part(self, lines: list[Line]) -> Text:
        part = Text(self.texts, self.style)  # not a copy: platypus marks a text it moved on as such
        part._fixed = lines
        return part

    def minWidth(self):
        return self.paragraph.minWidth()

    def draw(self):
        if self._lines is None:
            self.paragraph.drawOn(self.canv, 0, 0)
            return
        style = self.style
        align = LINE_ALIGN[style.alignment]
        x = {"left": 0, "centre": self.width / 2, "right": self.width}[align]
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(style.textColor)
        for number, line in enumerate(self._lines):
            y = self.height - style.fontSize - number * style.leading  # where a paragraph puts the baseline
            over = line.width - self.width
            if over > 1e-8 and line.spaces:  # its spaces squeezed (``broken``), the line fills the width
                draw_runs(canvas, 0, y, line.runs, style.fontSize, line.width, word_space=-over / line.spaces)
            else:
                draw_runs(canvas, x, y, line.runs, style.fontSize, line.width, align)
        canvas.restoreState()


@dataclass
class Measured:
    """One of a text's lines before it is broken: its runs, each with its font's name, and its width."""

    runs: tuple[tuple[str, str], ...]
    width: float
    size: float
    shrinkage: float = 0.0
    _words: list[Word] | None = None

    def lines(self, width: float) -> list[Line]:
        if self.width <= width:
            return [Line(self.runs, self.width)]
        if self._words is None:
            self._words = words(self.runs, self.size)
        return broken(self._words, width, self.size, self.shrinkage)


def measured(texts: tuple[str, ...], style: ParagraphStyle) -> list[Measured]:
    """Each text measured, when ``Text`` draws them in ``style``; else []."""
    bold = LINE_FONTS.get(style.fontName)
    if bold is None or not texts or not line_style(style):
        return []
    size = style.fontSize
    result = []
    for text in texts:
        text = SPACES.sub(" ", text.translate(NO_BREAK)).strip(" ")
        if not is_plain(text):
            return []
        text_runs, width = measured_runs(text, size, bold)
        result.append(Measured(text_runs, width, size, style.spaceShrinkage or 0.0))
    return result


def line_style(style: ParagraphStyle) -> bool:
    """Whether a paragraph of ``style`` draws lines just as their runs are: no indents, no border or
    background, no bullet, no transformation."""
    return (
        style.alignment in LINE_ALIGN
        and style.leftIndent == style.rightIndent == style.firstLineIndent == 0
        and not (style.backColor or style.borderWidth or style.textTransform or style.wordWrap or style.endDots)
        and not getattr(style, "bulletText", None)
        and not getattr(style, "autoLeading", None)
    )


def is_plain(text: str) -> bool:
    """Whether ``Text`` shows ``text`` as its paragraph would: something to show, no control character
    or space other than the ordinary and the no-break one, no right-to-left word."""
    return bool(text) and text.replace("\xa0", "a").isprintable() and not has_right_to_left(text)


def words(text_runs: tuple[tuple[str, str], ...], size: float) -> list[Word]:
    """The words (between single spaces) of runs, each with its font's name."""
    result: list[Word] = []
    pieces: list[tuple[str, str]] = []
    width = 0.0
    space: tuple[str, float] = ("", 0.0)
    for run, font in text_runs:
        for number, piece in enumerate(run.split(" ")):
            if number:  # a space ends the word
                result.append(Word(tuple(pieces), width, space))
                pieces, width, space = [], 0.0, (font, stringWidth(" ", font, size))
            if piece:
                pieces.append((piece, font))
                width += stringWidth(piece, font, size)
    result.append(Word(tuple(pieces), width, space))
    return result


def broken(words: list[Word], width: float, size: float, shrinkage: float = 0.0) -> list[Line]:
    """The words in lines of ``width``: as many words on a line as fit, its spaces squeezed by up to
    ``shrinkage`` of their width as a paragraph does (``ParagraphStyle.spaceShrinkage``); a word longer
    than a line fills the line it starts on and as many more as it needs."""
    lines: list[Line] = []
    line: list[tuple[str, str]] = []
    used = spaces = 0.0  # the line's width, and its spaces' width

    def end_line():
        nonlocal line, used, spaces
        lines.append(Line(joined(line), used))
        line, used, spaces = [], 0.0, 0.0

    for word in words:
        space_font, space = word.space
        if line and used + space + word.width <= width + shrinkage * (spaces + space):
            line += [(" ", space_font), *word.runs]
            used += space + word.width
            spaces += space
        elif word.width <= width or not word.runs:
            if line:
                end_line()
            line, used = list(word.runs), word.width
        else:
            if line:
                line.append((" ", space_font))
                used += space
            for char, font, char_width in characters(word, size):
                if line and used + char_width > width:
                    if line[-1][0] == " ":
                        used -= space
                        line.pop()
                    end_line()
                line.append((char, font))
                used += char_width
    if line or not lines:
        end_line()
    return lines


def characters(word: Word, size: float):
    """The word's characters, each with its font and width."""
    for run, font in word.runs:
        for char in run:
            yield char, font, stringWidth(char, font, size)


def joined(pieces: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Adjacent pieces in the same font as one run."""
    result: list[list[str]] = []
    for text, font in pieces:
        if result and result[-1][1] == font:
            result[-1][0] += text
        else:
            result.append([text, font])
    return tuple((text, font) for text, font in result)
