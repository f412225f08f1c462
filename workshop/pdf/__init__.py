"""Shared ReportLab pieces for the product's PDFs: fonts that show Chinese (``fonts``), and the
paragraph styles and page decoration every document uses (``styles``)."""
