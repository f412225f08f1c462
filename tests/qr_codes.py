"""QR codes as a reader sees them: the modules drawn on a PDF page or in an SVG, pictured black on
white and decoded by a real decoder (zxing-cpp)."""

import re

import zxingcpp
from PIL import Image

from workshop.pdf.qr import fast_qr_operators


def drawn_qr(page) -> list[list[int]]:
    """The modules of the first QR code drawn on the page: the rectangles between its ``cm`` and ``f``."""
    content = page.get_contents().get_data().decode("latin-1")
    body = re.search(r"q 0 g [-\d. ]+ cm\n(.*?)\nf Q", content, re.S).group(1)
    return matrix_of(runs_of(body))


def qr_modules(text: str, error: str) -> list[list[int]]:
    """The modules of the QR code of ``text`` as the application draws it on badges and certificates."""
    operators, _count = fast_qr_operators(text, error)
    return matrix_of(runs_of(operators))


def runs_of(operators: str) -> list[tuple[int, int, int]]:
    """The runs of dark modules of a path of ``x y w 1 re`` rectangles, as (column, row, width)."""
    return [tuple(int(n) for n in line.split()[:3]) for line in operators.splitlines()]


def svg_qr(svg: str) -> list[list[int]]:
    """The modules of a QR code written as an SVG path of rectangles ``Mx yhWv1h-Wz``."""
    path = re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)
    return matrix_of([tuple(map(int, run)) for run in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path)])


def matrix_of(runs) -> list[list[int]]:
    """The modules (1: dark) of runs given as (column, row, width)."""
    size = max(max(row + 1, column + width) for column, row, width in runs)
    matrix = [[0] * size for _ in range(size)]
    for column, row, width in runs:
        matrix[row][column : column + width] = [1] * width
    return matrix


def picture_of(matrix, scale=8, quiet=4) -> Image.Image:
    """The modules as a black-on-white image, as a camera would see the printed code."""
    count = len(matrix)
    image = Image.new("L", ((count + 2 * quiet) * scale,) * 2, 255)
    for row, modules in enumerate(matrix):
        for column, dark in enumerate(modules):
            if dark:
                image.paste(0, ((column + quiet) * scale, (row + quiet) * scale, (column + quiet + 1) * scale, (row + quiet + 1) * scale))
    return image


def decoded(matrix, scale=8):
    """What a QR scanner reads from the modules; exactly one code must be there."""
    [result] = zxingcpp.read_barcodes(picture_of(matrix, scale=scale))
    assert result.format == zxingcpp.BarcodeFormat.QRCode
    return result
