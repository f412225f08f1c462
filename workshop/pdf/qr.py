"""QR codes, made by zxing-cpp's writer: drawn fast on a ReportLab canvas (badges, certificates: a
thousand in one PDF), or written as SVG for a page (the session's self check-in code).

The dark modules are drawn as one path of rectangles, one for each run of dark modules in a row,
written in module units (the transformation matrix does the scaling): whole numbers, so no costly
number formatting. Every code has the same fixed mask: any mask is valid, and choosing the best of
the eight is most of an encoder's time.

zxing-cpp makes a code in about 0.1 ms in C++; its image is read as bytes, the runs are found by a
regular expression over the bytes and their rectangles are written once per position and reused
(``RunTexts``), so no Python loop visits the modules.
"""

from __future__ import annotations

import re

import zxingcpp
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.canvas import Canvas

QR_MASK = 2  # any mask is valid; choosing the best one costs zxing-cpp six times the encoding
QUIET_ZONE = 2  # modules of white on each side, inside the square drawn
ZXING_QUIET_ZONE = 4  # modules of white around the image zxing-cpp draws: no run goes from a row into the next
DARK_RUN = re.compile(rb"\x00+")  # in the image, one byte a module: 0 dark, 255 light


class RunTexts(dict):
    """The rectangle of each run of dark modules, written once: keyed by where the run lies in the
    bytes of a code's image ``width`` modules wide (quiet zone included), in module units from the
    code's top left module."""

    def __init__(self, width: int):
        super().__init__()
        self.width = width

    def __missing__(self, span: tuple[int, int]) -> str:
        start, end = span
        row, column = divmod(start, self.width)
        text = self[span] = f"{column - ZXING_QUIET_ZONE} {row - ZXING_QUIET_ZONE} {end - start} 1 re"
        return text


_run_texts: dict[int, RunTexts] = {}
_RUN_TEXTS_KEPT = 200_000  # rectangles remembered for one width: a few megabytes at most


def run_texts(width: int) -> RunTexts:
    texts = _run_texts.get(width)
    if texts is None or len(texts) > _RUN_TEXTS_KEPT:
        texts = _run_texts[width] = RunTexts(width)
    return texts


def qr_image(text: str, error: str) -> tuple[bytes, int]:
    """The modules of the QR code of ``text`` with zxing-cpp's quiet zone, one byte each, row after
    row from the top; and the image's width. ``error``: l, m, q or h."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=error.upper(), data_mask=QR_MASK)
    image = barcode.to_image(add_quiet_zones=True)
    return bytes(memoryview(image)), image.shape[1]


def fast_qr_operators(text: str, error: str = "m") -> tuple[str, int]:
    """The path of the dark modules of the QR code of ``text`` (module units, origin at the top
    left) and the number of modules a side. ``error``: l, m, q or h."""
    modules, width = qr_image(text, error)
    texts = run_texts(width)
    runs = map(re.Match.span, DARK_RUN.finditer(modules))
    return "\n".join(map(texts.__getitem__, runs)), width - 2 * ZXING_QUIET_ZONE


def draw_fast_qr(canvas: Canvas, text: str, x: float, y: float, size: float, error: str = "m") -> None:
    """The QR code of ``text`` (zxing-cpp) in a square of ``size`` at (x, y), its quiet zone inside the square."""
    operators, count = fast_qr_operators(text, error)
    module = size / (count + 2 * QUIET_ZONE)
    # Origin at the top left module, y downwards: rows are read from the top.
    canvas.addLiteral(f"q 0 g {fp_str(module, 0, 0, -module, x + QUIET_ZONE * module, y + size - QUIET_ZONE * module)} cm\n{operators}\nf Q")


def svg(text: str, error: str = "m", css_class: str = "", quiet_zone: int = 2) -> str:
    """The QR code of ``text`` as an inline SVG element without a size of its own (the page's CSS
    sizes it), in module units, with ``quiet_zone`` modules of white on each side."""
    modules, width = qr_image(text, error)
    shift = ZXING_QUIET_ZONE - quiet_zone
    rectangles = []
    for run in DARK_RUN.finditer(modules):
        row, column = divmod(run.start(), width)
        length = run.end() - run.start()
        rectangles.append(f"M{column - shift} {row - shift}h{length}v1h-{length}z")
    side = width - 2 * shift
    class_attribute = f' class="{css_class}"' if css_class else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}"{class_attribute} shape-rendering="crispEdges">'
        f'<path fill="#000" d="{"".join(rectangles)}"/></svg>'
    )
