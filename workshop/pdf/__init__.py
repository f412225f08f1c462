"""Shared ReportLab pieces for the product's PDFs: fonts that show Chinese (``fonts``), and the
paragraph styles and page decoration every document uses (``styles``)."""

from reportlab import rl_config

# ReportLab checks each attribute a chart's shapes are given as it is set: a help while a chart is being
# written (its documentation says so) that costs a report's charts a fifth of their drawing. The tests
# draw every chart.
rl_config.shapeChecking = 0
