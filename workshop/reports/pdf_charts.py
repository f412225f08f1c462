"""The report's charts, drawn with reportlab.graphics: bars across (participants by country, by
type of organisation, answers to a choice), bars upwards (attendance per session, ratings) and a
pie (participants by sex). A chart's labels are in one font, the first shipped one that has them all.
"""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import STATE_DEFAULTS, Drawing, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..pdf.fonts import LATIN, one_font

# Every chart's default font, which ReportLab sets on the page even where no text uses it: Helvetica's is
# not embedded.
STATE_DEFAULTS["fontName"] = LATIN

BAR = colors.HexColor("#2f6690")
PALETTE = [colors.HexColor(c) for c in ("#2f6690", "#d9822b", "#7a9e7e", "#a23b72", "#6c757d", "#3a7ca5", "#c1666b")]
LABEL_SIZE = 7.5
BAR_HEIGHT = 13  # points per category, bars across


def font_for_labels(labels: list[str]) -> tuple[str, list[str]]:
    """One font for all of a chart's labels, and the labels as that font shows them."""
    return one_font(labels)


def shortened(label: str, font: str, width: float) -> str:
    if stringWidth(label, font, LABEL_SIZE) <= width:
        return label
    while label and stringWidth(label + "…", font, LABEL_SIZE) > width:
        label = label[:-1]
    return label.rstrip() + "…"


def value_scale(highest: float) -> tuple[float, float]:
    """The top of the value axis and its step: whole numbers, about five steps."""
    top = max(1, highest)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 6:
            return step * -(-top // step), step
    return top, top / 5


def bars_across(labels: list[str], values: list[float], width: float, percent: bool = False) -> Drawing:
    """One bar per label, labels on the left (shortened to a third of the width), values at the bars' ends."""
    font, labels = font_for_labels(labels)
    label_width = min(width / 3, max((stringWidth(label, font, LABEL_SIZE) for label in labels), default=0) + 4)
    height = BAR_HEIGHT * len(labels) + 24
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width + 4, 16
    chart.width, chart.height = width - label_width - 30, BAR_HEIGHT * len(labels)
    chart.data = [list(reversed(values))]  # the first label at the top
    chart.categoryAxis.categoryNames = [shortened(label, font, label_width) for label in reversed(labels)]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.categoryAxis.visibleTicks = False
    style_values(chart, max(values, default=0), percent)
    chart.bars[0].fillColor = BAR
    chart.bars.strokeColor = None
    chart.barLabelFormat = "%d%%" if percent else "%d"
    chart.barLabels.fontName = LATIN
    chart.barLabels.fontSize = LABEL_SIZE
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def bars_upwards(
    labels: list[str],
    values: list[float],
    width: float,
    height: float,
    percent: bool = False,
    label_every: int = 1,
    axis_title: str = "",
) -> Drawing:
    """One column per label (short labels: numbers, ratings); every ``label_every``-th label is shown."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 20 if not axis_title else 30
    chart.width, chart.height = width - 40, height - chart.y - 8
    chart.data = [values]
    font, labels = font_for_labels(labels)
    chart.categoryAxis.categoryNames = [label if n % label_every == 0 else "" for n, label in enumerate(labels)]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.visibleTicks = False
    style_values(chart, max(values, default=0), percent)
    chart.bars[0].fillColor = BAR
    chart.bars.strokeColor = None
    chart.barSpacing = 1
    drawing.add(chart)
    if axis_title:
        font, [axis_title] = font_for_labels([axis_title])
        drawing.add(
            String(chart.x + chart.width / 2, 4, axis_title, fontName=font, fontSize=LABEL_SIZE, textAnchor="middle")
        )
    return drawing


def style_values(chart, highest: float, percent: bool) -> None:
    axis = chart.valueAxis
    top, step = (100, 20) if percent else value_scale(highest)
    axis.valueMin, axis.valueMax, axis.valueStep = 0, top, step
    axis.labels.fontName = LATIN
    axis.labels.fontSize = LABEL_SIZE
    axis.labelTextFormat = "%d%%" if percent else "%d"
    axis.visibleGrid = True
    axis.gridStrokeColor = colors.HexColor("#e9ecef")
    axis.strokeColor = colors.HexColor("#adb5bd")
    chart.categoryAxis.strokeColor = colors.HexColor("#adb5bd")


def pie(labels: list[str], values: list[int], width: float) -> Drawing:
    """A pie of the non-zero values with their labels and shares beside it (nothing when all are zero)."""
    shown = [(label, value) for label, value in zip(labels, values, strict=False) if value]
    total = sum(value for _label, value in shown)
    size = 110
    drawing = Drawing(width, size + 10)
    if not total:
        return drawing
    chart = Pie()
    chart.x, chart.y, chart.width, chart.height = 10, 5, size, size
    chart.data = [value for _label, value in shown]
    chart.labels = None
    chart.slices.strokeColor = colors.white
    for n in range(len(shown)):
        chart.slices[n].fillColor = PALETTE[n % len(PALETTE)]
    drawing.add(chart)
    fonts, labels = font_for_labels([label for label, _value in shown])
    for n, (label, (_label, value)) in enumerate(zip(labels, shown, strict=True)):
        y = size - 14 * n - 10
        drawing.add(_swatch(size + 30, y, PALETTE[n % len(PALETTE)]))
        drawing.add(
            String(size + 44, y, f"{label}: {value} ({100 * value / total:.0f}%)", fontName=fonts, fontSize=8.5)
        )
    return drawing


def _swatch(x: float, y: float, colour) -> Rect:
    return Rect(x, y - 1, 9, 9, fillColor=colour, strokeColor=None)
