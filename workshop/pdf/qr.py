"""QR codes drawn fast on a ReportLab canvas (badges, certificates).

The dark modules are drawn as one path of rectangles, one for each run of dark modules in a row,
written in module units (the transformation matrix does the scaling): whole numbers, so no costly
number formatting. Every code has the same fixed mask: any mask is valid, and choosing the best of
the eight is most of an encoder's time.

Two encoders make the modules:

- zxing-cpp's writer (``draw_fast_qr``, certificates: a thousand in one PDF): about 0.1 ms a code
  in C++, its image read as bytes; the runs are found by a regular expression over the bytes and
  their rectangles are written once per position and reused (``RunTexts``), so no Python loop
  visits the modules. About ten times as fast as segno with the runs written module by module.
- segno (``draw_qr``, badges: their tests check segno's matrix module by module), in pure Python.
"""

from __future__ import annotations

import re

import segno
import zxingcpp
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.canvas import Canvas

QR_MASK = 2  # any mask is valid; choosing the best one costs segno five times the encoding, zxing-cpp six
QUIET_ZONE = 2  # modules of white on each side, inside the square drawn


def draw_matrix_operators(canvas: Canvas, operators: str, count: int, x: float, y: float, size: float) -> None:
    """The path ``operators`` of a code of ``count`` modules a side, in a square of ``size`` at (x, y)."""
    module = size / (count + 2 * QUIET_ZONE)
    # Origin at the top left module, y downwards: rows are read from the top.
    canvas.addLiteral(f"q 0 g {fp_str(module, 0, 0, -module, x + QUIET_ZONE * module, y + size - QUIET_ZONE * module)} cm\n{operators}\nf Q")


# --- zxing-cpp ---------------------------------------------------------------------------------

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


def fast_qr_operators(text: str, error: str = "m") -> tuple[str, int]:
    """The path of the dark modules of the QR code of ``text`` (module units, origin at the top
    left) and the number of modules a side. ``error``: l, m, q or h."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=error.upper(), data_mask=QR_MASK)
    image = barcode.to_image(add_quiet_zones=True)
    width = image.shape[1]
    texts = run_texts(width)
    runs = map(re.Match.span, DARK_RUN.finditer(bytes(memoryview(image))))
    return "\n".join(map(texts.__getitem__, runs)), width - 2 * ZXING_QUIET_ZONE


def draw_fast_qr(canvas: Canvas, text: str, x: float, y: float, size: float, error: str = "m") -> None:
    """The QR code of ``text`` (zxing-cpp) in a square of ``size`` at (x, y), its quiet zone inside the square."""
    operators, count = fast_qr_operators(text, error)
    draw_matrix_operators(canvas, operators, count, x, y, size)


# --- segno -------------------------------------------------------------------------------------


def qr_matrix(text: str, error: str = "q", mode: str | None = None) -> tuple[tuple[int, ...], ...]:
    """The modules of the QR code of ``text``, rows from the top (1: dark). ``mode="byte"`` spares
    segno from working out the mode (a third of its time for a URL)."""
    return segno.make_qr(text, error=error, mask=QR_MASK, boost_error=False, mode=mode).matrix


def qr_operators(matrix) -> str:
    """The path of the dark modules, in module units with the origin at the top left."""
    count = len(matrix)
    operators = []
    for row_number, row in enumerate(matrix):
        column = 0
        while column < count:
            if row[column]:
                start = column
                while column < count and row[column]:
                    column += 1
                operators.append(f"{start} {row_number} {column - start} 1 re")
            else:
                column += 1
    return "\n".join(operators)


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float, error: str = "q", mode: str | None = None) -> None:
    """The QR code of ``text`` (segno) in a square of ``size`` at (x, y), its quiet zone inside the square."""
    draw_matrix(canvas, qr_matrix(text, error, mode), x, y, size)


def draw_matrix(canvas: Canvas, matrix, x: float, y: float, size: float) -> None:
    draw_matrix_operators(canvas, qr_operators(matrix), len(matrix), x, y, size)
