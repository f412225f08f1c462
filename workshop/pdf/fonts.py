"""Fonts for every PDF: the TrueType fonts shipped in ``workshop/pdf/fonts`` (see its README), each
embedded as a subset of the characters used, so a PDF looks the same on any machine.

Text is cut into runs by the first shipped font that has each character (``runs``): Latin, Greek and
Cyrillic in Noto Sans; Chinese, Japanese and Korean in WenQuanYi Micro Hei (or the TrueType file
named by ``CJK_FONT_PATH``); Thai, Khmer, Lao, Myanmar, Bengali, Devanagari, Arabic, Hebrew and
Mongolian in their Noto Sans. A character no font has (an emoji, a rare script) is drawn as U+FFFD
"�", a visible mark that it could not be shown, never a gap. ``markup`` gives the runs as Paragraph
markup, ``draw_string`` draws them on a canvas.

Glyphs are not shaped: Indic, Khmer and Myanmar vowel signs are drawn after their consonant and
Arabic letters unjoined, left to right; the text stays in the order it was written, so it is copied
out as written (see the README beside the fonts for why).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from flask import current_app, has_app_context
from flask_babel import get_locale
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from .arabic import joined

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).parent / "fonts"

LATIN = "NotoSans"
LATIN_BOLD = "NotoSans-Bold"
LATIN_ITALIC = "NotoSans-Italic"
MONO = "NotoSansMono"
CJK = "WenQuanYiMicroHei"

PLACEHOLDER = "\ufffd"  # drawn for a character no shipped font has

# Babel writes "9:00 AM" with a narrow no-break space; the ordinary no-break space keeps it on one line too.
NO_BREAK = {0x202F: 0xA0, 0x2007: 0xA0}


@dataclass(frozen=True, eq=False)
class Face:
    """A font as runs use it: its regular and bold names in ReportLab and the characters it has."""

    regular: str
    bold: str
    characters: frozenset[str] = field(repr=False)

    def name(self, bold: bool = False) -> str:
        return self.bold if bold else self.regular


# name, regular file, bold file (None: the regular one serves for bold too), the font's index in a collection
SHIPPED = (
    (LATIN, "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", 0),
    (CJK, "WenQuanYiMicroHei.ttf", None, 0),
    ("NotoSansThai", "NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf", 0),
    ("NotoSansLao", "NotoSansLao-Regular.ttf", "NotoSansLao-Bold.ttf", 0),
    ("NotoSansKhmer", "NotoSansKhmer-Regular.ttf", "NotoSansKhmer-Bold.ttf", 0),
    ("NotoSansMyanmar", "NotoSansMyanmar-Regular.ttf", "NotoSansMyanmar-Bold.ttf", 0),
    ("NotoSansBengali", "NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf", 0),
    ("NotoSansDevanagari", "NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf", 0),
    ("NotoSansArabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf", 0),
    ("NotoSansHebrew", "NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf", 0),
    ("NotoSansMongolian", "NotoSansMongolian-Regular.ttf", None, 0),
)

_lock = threading.Lock()
_faces: list[Face] = []  # the shipped fonts in order of preference, Noto Sans first
_cjk_files: dict[str, Face | None] = {}  # CJK_FONT_PATH -> its face (None: the file cannot be used)
_chains: dict[str, tuple[Face, ...]] = {}  # CJK_FONT_PATH -> the faces in order of preference
_face_of: dict[tuple[str, str], Face | None] = {}  # (CJK_FONT_PATH, character) -> the first face that has it


def _register(name: str, filename: str | Path, index: int = 0) -> frozenset[str]:
    font = TTFont(name, str(filename), subfontIndex=index)
    pdfmetrics.registerFont(font)
    return frozenset(map(chr, font.face.charToGlyph))


def _family(regular: str, bold: str, italic: str | None = None) -> None:
    """``<b>`` and ``<i>`` inside a run of ``regular`` choose its bold (or italic) face."""
    addMapping(regular, 0, 0, regular)
    addMapping(regular, 1, 0, bold)
    addMapping(regular, 0, 1, italic or regular)
    addMapping(regular, 1, 1, bold)
    if bold != regular:
        addMapping(bold, 0, 0, regular)
        addMapping(bold, 1, 0, bold)
        addMapping(bold, 0, 1, italic or regular)
        addMapping(bold, 1, 1, bold)


def register_fonts() -> list[Face]:
    """Register the shipped fonts with ReportLab, once per process; answers their faces."""
    if _faces:
        return _faces
    with _lock:
        if _faces:
            return _faces
        faces = []
        for name, regular, bold, index in SHIPPED:
            characters = _register(name, FONT_DIR / regular, index)
            bold_name = name
            if bold:
                bold_name = f"{name}-Bold"
                characters &= _register(bold_name, FONT_DIR / bold, index)
            faces.append(Face(name, bold_name, characters))
        _register(LATIN_ITALIC, FONT_DIR / "NotoSans-Italic.ttf")
        _register(MONO, FONT_DIR / "NotoSansMono-Regular.ttf")
        for face in faces:
            _family(face.regular, face.bold, LATIN_ITALIC if face.regular == LATIN else None)
        _family(MONO, MONO)
        _faces.extend(faces)
        return _faces


def _cjk_face(path: str) -> Face:
    """The CJK font: the TrueType file at ``path`` (registered once per path), or the shipped one."""
    faces = register_fonts()
    if not path:
        return faces[1]
    with _lock:
        if path not in _cjk_files:
            _cjk_files[path] = _register_file(path)
    return _cjk_files[path] or faces[1]


def _register_file(path: str) -> Face | None:
    name = "CJK-" + hashlib.sha256(path.encode()).hexdigest()[:10]
    try:
        characters = _register(name, path)
    except (OSError, TTFError) as error:
        log.warning("CJK_FONT_PATH %s cannot be used (%s); PDFs use the shipped %s instead", path, error, CJK)
        return None
    _family(name, name)
    return Face(name, name, characters)


def _configured_path() -> str:
    return (current_app.config.get("CJK_FONT_PATH") or "") if has_app_context() else ""


def chain(path: str | None = None) -> tuple[Face, ...]:
    """The faces in order of preference: Noto Sans, the CJK font (``CJK_FONT_PATH``'s when it is set),
    the scripts' Noto fonts, then the shipped CJK font for what a configured one lacks."""
    path = _configured_path() if path is None else path
    if path not in _chains:
        faces = register_fonts()
        cjk = _cjk_face(path)
        _chains[path] = (faces[0], cjk, *faces[2:], *((faces[1],) if cjk is not faces[1] else ()))
    return _chains[path]


def cjk_font() -> str:
    """The name of the CJK font configured for this application, registered on first use."""
    return chain()[1].regular


def latin() -> Face:
    return register_fonts()[0]


# Characters that belong with the run before them: they have no script of their own (spaces, joiners,
# variation selectors) or mark the character before (accents, vowel signs).
def _follows(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Mn", "Mc", "Me", "Cf")


def _continues_placeholder(char: str) -> bool:
    """Part of the same emoji or symbol as the character before: a joiner, a variation selector, a skin
    tone, a tag (flags of regions) or a mark."""
    code = ord(char)
    return (
        code in (0x200D, 0xFE0E, 0xFE0F, 0x20E3)
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or unicodedata.category(char) in ("Mn", "Me")
    )


def face_of(char: str, faces: tuple[Face, ...]) -> Face | None:
    """The first of ``faces`` that has ``char``; None when none has it."""
    key = (faces[1].regular, char)
    if key not in _face_of:
        _face_of[key] = next((face for face in faces if char in face.characters), None)
    return _face_of[key]


def runs(text: str, path: str | None = None, visual: bool = True) -> list[tuple[str, Face]]:
    """``text`` cut into runs, each with the face that has all its characters, Arabic letters joined
    and, when ``visual`` (one line drawn on the canvas), right-to-left words in the order they are seen
    (``visual_order``; a paragraph does it line by line once broken into lines). Latin words inside
    Chinese keep Noto Sans; spaces and marks stay with the run before them when its face has them; a
    character no face has becomes ``PLACEHOLDER`` (once for an emoji with its modifiers)."""
    faces = chain(path)
    first = faces[0]
    if first.characters.issuperset(text):
        return [(text, first)] if text else []
    result: list[list] = []
    shaped = joined(with_placeholders(text, faces))
    for char in visual_order(shaped) if visual else shaped:
        face = face_of(char, faces) or first
        if result and result[-1][1] is not face and _follows(char) and char in result[-1][1].characters:
            face = result[-1][1]
        if result and result[-1][1] is face:
            result[-1][0] += char
        else:
            result.append([char, face])
    return [(run, face) for run, face in result]


def with_placeholders(text: str, faces: tuple[Face, ...] | None = None) -> str:
    """``text`` with ``PLACEHOLDER`` for each character, or emoji with its modifiers, that no face has."""
    faces = faces or chain()
    result = []
    placeholder = joining = False  # after a character without a font; after a joiner that follows one
    for char in text:
        if face_of(char, faces) is None:
            if not (placeholder and (joining or _continues_placeholder(char))):
                result.append(PLACEHOLDER)
            placeholder, joining = True, False
        elif placeholder and _continues_placeholder(char):
            joining = char == "\u200d"  # a family, a profession: several emoji joined into one
        else:
            placeholder = joining = False
            result.append(char)
    return "".join(result)


def _is_rtl(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


# Hebrew, Arabic, Syriac, Thaana, N'Ko... and their presentation forms: where a text may need reordering
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff\U0001e800-\U0001efff]")


def has_right_to_left(text: str) -> bool:
    return not text.isascii() and RIGHT_TO_LEFT.search(text) is not None


MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")


def visual_order(text: str) -> str:
    """``text`` in a left-to-right line as it is seen (``seen_order``)."""
    if not has_right_to_left(text):
        return text
    return "".join(text[index].translate(MIRRORED) if mirrored else text[index] for index, mirrored in seen_order(text))


def seen_order(text: str) -> list[tuple[int, bool]]:
    """The indices of ``text``'s characters in the order they are seen in a left-to-right line, each
    with whether it is in a reversed stretch (where a bracket is mirrored): each stretch from a
    right-to-left letter (Arabic, Hebrew) to the last one before a left-to-right letter is reversed, its
    numbers still read left to right, each letter with its marks. PDF readers reverse such stretches
    again when they extract the text, so it is copied out as it was written. (The Unicode bidirectional
    algorithm for a left-to-right paragraph, without explicit embeddings.)"""
    order: list[tuple[int, bool]] = []
    start = 0
    while start < len(text):
        if not _is_rtl(text[start]):
            order.append((start, False))
            start += 1
            continue
        end = last = start
        while end < len(text) and unicodedata.bidirectional(text[end]) != "L":
            if _is_rtl(text[end]):
                last = end
            end += 1
        while last + 1 < len(text) and unicodedata.category(text[last + 1]) in ("Mn", "Me"):
            last += 1  # a mark stays with its letter
        order += [(index, True) for index in _reversed_indices(text, start, last + 1)]
        start = last + 1
    return order


def _reversed_indices(text: str, start: int, end: int) -> list[int]:
    """The indices from ``start`` to ``end`` reversed, letters with their marks and numbers kept whole."""
    pieces: list[list[int]] = []
    for index in range(start, end):
        char = text[index]
        mark = unicodedata.category(char) in ("Mn", "Me")
        number = unicodedata.bidirectional(char) in ("EN", "AN")
        if pieces and (mark or (number and text[pieces[-1][-1]].isdigit())):
            pieces[-1].append(index)
        else:
            pieces.append([index])
    return [index for piece in reversed(pieces) for index in piece]


def visible(text: str) -> str:
    """``text`` as it is copied out of the PDF: with ``PLACEHOLDER`` where no font has a character."""
    return with_placeholders(text)


def markup(text: str, path: str | None = None) -> str:
    """``text`` as Paragraph markup: escaped, with every run that Noto Sans lacks in the face that has it.
    "Wang Fang 王芳 (Chair)" keeps "Wang Fang" and "(Chair)" in the paragraph's font."""
    text = str(text)  # a text in several languages: the reader's
    if text.isascii():
        return escape(text)  # most text, e.g. of a long report: checking every character would cost much of its time
    text = text.translate(NO_BREAK)
    first = latin()
    return "".join(
        escape(run) if face is first else f'<font face="{face.regular}">{escape(run)}</font>'
        for run, face in runs(text, path, visual=False)
    )


def font_for(text: str, bold: bool = False) -> str:
    """One font for a whole string: Noto Sans when it has every character, else the first face that
    has them all, else the CJK font (which has the most)."""
    return one_font([text], bold)[0]


def one_font(texts: list[str], bold: bool = False) -> tuple[str, list[str]]:
    """One font for several strings that a chart draws each in a single font: the first face that has
    every character, else the CJK font, in which the characters it lacks become ``PLACEHOLDER``."""
    faces = chain()
    texts = [text.translate(NO_BREAK) for text in texts]
    for face in faces:
        if all(face.characters.issuperset(text) for text in texts):
            return face.name(bold), texts
    face = faces[1]
    return face.name(bold), [
        "".join(char if char in face.characters else PLACEHOLDER for char in text) for text in texts
    ]


def string_width(text: str, size: float, bold: bool = False, path: str | None = None) -> float:
    """The width of ``text`` drawn by ``draw_string``, each run in its font."""
    return measured_runs(text, size, bold, path)[1]


def measured_runs(
    text: str, size: float, bold: bool = False, path: str | None = None
) -> tuple[tuple[tuple[str, str], ...], float]:
    """``text``'s runs on one line (``runs``), each with its font's name, and their width."""
    parts = tuple((run, face.name(bold)) for run, face in runs(text, path))
    return parts, sum(pdfmetrics.stringWidth(run, font, size) for run, font in parts)


def draw_string(
    canvas, x: float, y: float, text: str, size: float, bold: bool = False, align: str = "left", path: str | None = None
) -> float:
    """Draw ``text`` on one line, each run in its font, starting at ``x`` (``align`` "left"), centred on
    it ("centre") or ending at it ("right"); one text object, so it is copied out as one line. Answers its width."""
    parts, width = measured_runs(text, size, bold, path)
    draw_runs(canvas, x, y, parts, size, width, align)
    return width


def draw_runs(
    canvas, x: float, y: float, parts, size: float, width: float, align: str = "left", word_space: float = 0
) -> None:
    """Draw runs of ``width``, each with its font's name, as ``draw_string`` does; ``word_space`` added
    to each space (a paragraph squeezes a line's spaces a little rather than break it)."""
    if align == "centre":
        x -= width / 2
    elif align == "right":
        x -= width
    writer = canvas.beginText(x, y)
    if word_space:
        writer.setWordSpace(word_space)
    for number, (run, font) in enumerate(parts, start=1):
        writer.setFont(font, size)
        if number < len(parts):
            writer.textOut(run)
        else:
            writer.textLine(run)  # ends the line, as drawString does: text extracted after it starts a new one
    if word_space:
        writer.setWordSpace(0)
    canvas.drawText(writer)


def language_tag() -> str:
    """The reader's language as a PDF names it (its catalogue's /Lang): "en", "zh"."""
    return str(get_locale() or "en").replace("_", "-")


def plain(text: str | None) -> str:
    """``text`` on one line as drawn on the canvas: its spaces and line breaks made single spaces."""
    return " ".join(str(text or "").translate(NO_BREAK).split())


register_fonts()
