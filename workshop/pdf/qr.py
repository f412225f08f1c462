"""QR codes drawn fast on a ReportLab canvas (badges, certificates).

segno makes the matrix with a fixed mask (choosing the best of eight is most of its time); the dark
modules are drawn as one path of rectangles, one for each run of dark modules in a row, written in
module units (the transformation matrix does the scaling): whole numbers, so no costly number
formatting.
"""

from __future__ import annotations

import segno
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.canvas import Canvas

QR_MASK = 2  # any mask is valid; choosing the best one costs segno five times the encoding
QUIET_ZONE = 2  # modules of white on each side, inside the square drawn


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
    """The QR code of ``text`` in a square of ``size`` at (x, y), its quiet zone inside the square."""
    draw_matrix(canvas, qr_matrix(text, error, mode), x, y, size)


def draw_matrix(canvas: Canvas, matrix, x: float, y: float, size: float) -> None:
    module = size / (len(matrix) + 2 * QUIET_ZONE)
    # Origin at the top left module, y downwards: rows are read from the top.
    canvas.addLiteral(
        f"q 0 g {fp_str(module, 0, 0, -module, x + QUIET_ZONE * module, y + size - QUIET_ZONE * module)} cm\n" + qr_operators(matrix) + "\nf Q"
    )
