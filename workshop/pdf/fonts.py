"""Fonts for every PDF: Latin text in Helvetica, Chinese (and anything else Helvetica lacks) in a CJK font.

The CJK font is the TrueType file named by ``CJK_FONT_PATH`` (a ``.ttf``, or a ``.ttc`` collection,
of which the first font is used), embedded as a subset of the characters used; without it,
ReportLab's CID font STSong-Light, which PDF readers supply themselves, so no file is needed.
ReportLab cannot read OpenType fonts with PostScript (CFF) outlines, such as Noto Sans CJK ``.otf``:
a file it cannot read is reported in the log and STSong-Light is used instead.
"""

import hashlib
import logging
import threading
from xml.sax.saxutils import escape

from flask import current_app
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

log = logging.getLogger(__name__)

LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
LATIN_ITALIC = "Helvetica-Oblique"
CID_FONT = "STSong-Light"

# Helvetica, as ReportLab uses it, has the characters of Windows-1252 and no others.
LATIN_ENCODING = "cp1252"

# Babel writes "9:00 AM" with a narrow no-break space, which Helvetica lacks; the ordinary no-break space
# it has keeps the time on one line just the same.
NO_BREAK = {0x202F: 0xA0, 0x2007: 0xA0}

_lock = threading.Lock()
_registered: dict[str, str] = {}  # CJK_FONT_PATH -> the font's name in ReportLab


def register_cjk_font(path: str = "") -> str:
    """Register the CJK font (once per path) and return its name for styles and ``<font face>``."""
    with _lock:
        if path in _registered:
            return _registered[path]
        name = _register_file(path) if path else None
        if name is None:
            name = _register_cid_font()
        _registered[path] = name
        return name


def _register_file(path: str) -> str | None:
    name = "CJK-" + hashlib.sha256(path.encode()).hexdigest()[:10]
    try:
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
    except (OSError, TTFError) as error:
        log.warning("CJK_FONT_PATH %s cannot be used (%s); PDFs use %s instead", path, error, CID_FONT)
        return None
    _same_face_for_every_style(name)
    return name


def _register_cid_font() -> str:
    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    _same_face_for_every_style(CID_FONT)
    return CID_FONT


def _same_face_for_every_style(name: str) -> None:
    """The font has no bold or italic: ``<b>`` and ``<i>`` around Chinese use the same face."""
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)


def cjk_font() -> str:
    """The name of the CJK font configured for this application, registered on first use."""
    return register_cjk_font(current_app.config.get("CJK_FONT_PATH") or "")


# Every character Helvetica shows: asked once per character of a long report, a set beats an encoder.
LATIN_CHARACTERS = frozenset(bytes(range(256)).decode(LATIN_ENCODING, errors="ignore"))


def is_latin(char: str) -> bool:
    return char in LATIN_CHARACTERS


def needs_cjk_font(text: str) -> bool:
    """True when Helvetica cannot show some character of ``text`` (Chinese characters, Cyrillic...)."""
    return not LATIN_CHARACTERS.issuperset(text)


def font_for(text: str, bold: bool = False) -> str:
    """One font for a whole string drawn on the canvas: Helvetica when it can, else the CJK font."""
    if needs_cjk_font(text.translate(NO_BREAK)):
        return cjk_font()
    return LATIN_BOLD if bold else LATIN


def runs(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into runs of characters that Helvetica shows (False) and that need the CJK font (True).
    Spaces and punctuation between two CJK runs stay with them, so a name like 王 芳 is one run."""
    result: list[tuple[str, bool]] = []
    for char in text:
        cjk = not is_latin(char)
        if result and (result[-1][1] == cjk or (char.isspace() and result[-1][1])):
            result[-1] = (result[-1][0] + char, result[-1][1])
        else:
            result.append((char, cjk))
    return result


def markup(text: str) -> str:
    """``text`` as Paragraph markup: escaped, with every run that needs it in the CJK font.
    "Wang Fang 王芳 (Chair)" keeps "Wang Fang" and "(Chair)" in Helvetica and shows 王芳 in the CJK font."""
    if text.isascii():
        return escape(text)  # most text, e.g. of a long report: checking every character would cost much of its time
    text = text.translate(NO_BREAK)
    if not needs_cjk_font(text):
        return escape(text)
    face = cjk_font()
    return "".join(f'<font face="{face}">{escape(run)}</font>' if cjk else escape(run) for run, cjk in runs(text))


def plain(text: str | None) -> str:
    """``text`` on one line as drawn on the canvas: its spaces and line breaks made single spaces."""
    return " ".join((text or "").translate(NO_BREAK).split())
