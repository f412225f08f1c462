"""The same certificate page drawn by a bare ReportLab script, without the application: no
database, no settings, no shared drawing; the text, frame and QR code on every page. The
yardstick for ``bench/certificates.py``.

It is the fastest bare script found, with the same tricks for the QR code and the streams as the
application, so that the ratio measures what the application adds (data, fonts chosen by script,
long names fitted) and what it saves (the event's drawing shared by its pages): the QR code from
zxing-cpp's writer with a fixed mask, its dark modules as runs found by a regular expression over
the image's bytes, one path of rectangles in module units; compressed streams without ASCII85.
"""

import re
from io import BytesIO

import zxingcpp
from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

PAGE = landscape(A4)
DARK_RUN = re.compile(rb"\x00+")
QUIET = 4  # zxing-cpp's quiet zone, in modules


def qr_path(text: str) -> tuple[str, int]:
    """The rectangles of the runs of dark modules, in module units from the top left, and the size."""
    image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M", data_mask=2).to_image()
    width = image.shape[1]
    rectangles = []
    for run in DARK_RUN.finditer(bytes(memoryview(image))):
        start, end = run.span()
        row, column = divmod(start, width)
        rectangles.append(f"{column - QUIET} {row - QUIET} {end - start} 1 re")
    return "\n".join(rectangles), width - 2 * QUIET


def render(
    people: list[tuple[str, str, str]], url: str = "https://workshops.example.org/certificates/verify/"
) -> bytes:
    """``people``: (name, name in own script, code); one page each, as one PDF."""
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    ascii85, rl_config.useA85 = rl_config.useA85, 0
    try:
        buffer = BytesIO()
        c = Canvas(buffer, pagesize=PAGE, pageCompression=1)
        draw_pages(c, people, url)
        c.save()
    finally:
        rl_config.useA85 = ascii85
    return buffer.getvalue()


def draw_pages(c: Canvas, people: list[tuple[str, str, str]], url: str) -> None:
    width, height = PAGE
    for name, native, code in people:
        c.setStrokeColorRGB(0.05, 0.23, 0.45)
        c.setLineWidth(2.5)
        c.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
        c.setLineWidth(0.6)
        c.rect(12.5 * mm, 12.5 * mm, width - 25 * mm, height - 25 * mm)
        c.setFont("Helvetica-Bold", 12)
        c.drawCentredString(width / 2, 170 * mm, "International Labour Organization · Tsinghua University")
        c.setFont("Helvetica-Bold", 30)
        c.drawCentredString(width / 2, 152 * mm, "CERTIFICATE OF ATTENDANCE")
        c.setFont("Helvetica", 12)
        c.drawCentredString(width / 2, 131 * mm, "This is to certify that")
        c.setFont("Helvetica-Bold", 28)
        c.drawCentredString(width / 2, 113 * mm, name)
        c.setFont("STSong-Light", 24)
        c.drawCentredString(width / 2, 101 * mm, native)
        c.setFont("Helvetica", 12)
        c.drawCentredString(width / 2, 91 * mm, "attended")
        c.setFont("Helvetica-Bold", 18)
        c.drawCentredString(width / 2, 77 * mm, "Social Dialogue and Labour Relations Workshop")
        c.setFont("Helvetica", 11)
        c.drawCentredString(width / 2, 69 * mm, "Mar 12 – 14, 2027 · Friendship Hotel, Beijing, China")
        c.drawCentredString(width / 2, 54 * mm, "present at 2 of 3 sessions, 3 hours in all")
        for x, signatory in ((75 * mm, "Chang-Hee Lee"), (170 * mm, "Wang Fang")):
            c.line(x - 32 * mm, 28 * mm, x + 32 * mm, 28 * mm)
            c.setFont("Helvetica-Bold", 11)
            c.drawCentredString(x, 23 * mm, signatory)
            c.setFont("Helvetica", 9)
            c.drawCentredString(x, 18.5 * mm, "Director")
        path, count = qr_path(url + code)
        module = 30 * mm / (count + 4)
        c.addLiteral(
            f"q 0 g {module:.4f} 0 0 {-module:.4f} {width - 47 * mm + 2 * module:.2f} {48 * mm - 2 * module:.2f} "
            f"cm\n{path}\nf Q"
        )
        c.setFont("Helvetica", 8)
        c.drawCentredString(width - 32 * mm, 15 * mm, "-".join(code[i : i + 4] for i in range(0, len(code), 4)))
        c.drawString(20 * mm, 15 * mm, "Issued on March 15, 2027")
        c.showPage()
