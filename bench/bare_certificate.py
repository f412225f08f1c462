"""The same certificate page drawn by a bare ReportLab script, without the application: no
database, no settings, no shared drawing; the text, frame and QR code (segno, drawn as one path of
runs) on every page. The yardstick for ``bench/certificates.py``."""

from io import BytesIO

import segno
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

PAGE = landscape(A4)


def render(people: list[tuple[str, str, str]], url: str = "https://workshops.example.org/certificates/verify/") -> bytes:
    """``people``: (name, name in own script, code); one page each, as one PDF."""
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = BytesIO()
    c = Canvas(buffer, pagesize=PAGE, pageCompression=1)
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
        matrix = segno.make_qr(url + code, error="m", mask=2, boost_error=False).matrix
        module = 30 * mm / (len(matrix) + 4)
        path = c.beginPath()
        x0, y0 = width - 47 * mm + 2 * module, 18 * mm + 30 * mm - 2 * module
        for row_number, row in enumerate(matrix):
            column = 0
            while column < len(row):
                if row[column]:
                    start = column
                    while column < len(row) and row[column]:
                        column += 1
                    path.rect(x0 + start * module, y0 - (row_number + 1) * module, (column - start) * module, module)
                else:
                    column += 1
        c.setFillColorRGB(0, 0, 0)
        c.drawPath(path, stroke=0, fill=1)
        c.setFont("Helvetica", 8)
        c.drawCentredString(width - 32 * mm, 15 * mm, "-".join(code[i : i + 4] for i in range(0, len(code), 4)))
        c.drawString(20 * mm, 15 * mm, "Issued on March 15, 2027")
        c.showPage()
    c.save()
    return buffer.getvalue()
