"""Plain text in the PDFs (``pdf.text.Text``), which draws its lines itself instead of parsing markup:
a line is where its paragraph would put it; lines break at spaces and never run past their width; a
Chinese sentence, which has no spaces, breaks between its characters; a text too long for the page goes
on to the next without losing or repeating a line; and what it does not draw itself (a bullet, an
indent, right-to-left words, control characters) is drawn by its paragraph."""

import io
import random

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import SimpleDocTemplate, Spacer

from workshop.pdf import fonts, styles
from workshop.pdf.text import Paragraph, Text
from workshop.reports.markdown_pdf import markdown_flowables

SHEET = styles.stylesheet()
CELL = SHEET["cell"]
SENTENCE = "与会者同意在下次会议前交换劳动监察数据并在各自国家召开后续会议"


def document(flowables) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(flowables)
    return buffer.getvalue()


def placed_text(data: bytes) -> list[tuple[str, float, float]]:
    """Every piece of text on the first page with where it starts."""
    placed: list[tuple[str, float, float]] = []

    def visit(text, _cm, tm, _font, _size):
        if text.strip():
            placed.append((text.strip(), round(tm[4], 2), round(tm[5], 2)))

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return placed


def text_of_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def drawn_lines(text: Text, width: float) -> list[str]:
    text.wrap(width, 1000)
    return ["".join(run for run, _font in line.runs) for line in text.lines_for(width)]


def test_a_line_of_text_is_drawn_where_its_paragraph_draws_it():
    texts = ["Wang Fang 王芳 (Chair)", "International Labour Organization", "Dec 2, 2026", "部 · 人力资源和社会保障部"]
    for style in (CELL, SHEET["cell_bold"], SHEET["heading"], SHEET["centred"]):
        as_text = document([styles.para(text, style) for text in texts])
        as_paragraph = document([Paragraph(fonts.markup(text), style) for text in texts])
        assert placed_text(as_text) == placed_text(as_paragraph), style.name
        assert len(placed_text(as_text)) >= len(texts)


def test_a_text_takes_as_many_lines_as_its_paragraph_at_any_width():
    """Random texts of Latin, Vietnamese and Chinese words, some longer than a line, in four styles:
    a paragraph squeezes a line's spaces a little before it breaks it, and so does Text."""
    choose = random.Random(7)
    latin = "the of and a in on labour migration workers recruitment fees self-employed co-operatives ministry"
    vocabulary = [
        *latin.split(" "),
        "Nguyễn",
        "Thị",
        "Lan",
        "王芳",
        "人力资源",
        "与会者同意在下次会议前交换劳动监察数据",
    ]
    for _ in range(600):
        words = " ".join(choose.choice(vocabulary) for _ in range(choose.randint(2, 30)))
        width = choose.uniform(60, 400)
        style = choose.choice([CELL, SHEET["body"], SHEET["cell_bold"], SHEET["heading"]])
        paragraph = Paragraph(fonts.markup(words), style)
        assert styles.para(words, style).wrap(width, 5000) == paragraph.wrap(width, 5000), (words, width)
    squeezed = styles.para("self-employed workers and co-operatives in the", CELL)
    assert squeezed.wrap(200, 1000) == (200, CELL.leading)
    assert styles.one_line("self-employed workers and co-operatives in the", CELL, 200).texts == squeezed.texts


def test_lines_break_at_spaces_and_never_run_past_their_width():
    words = "Governments reported on the licensing of recruitment agencies and on the fees workers pay"
    text = styles.para(words, CELL)
    _width, height = text.wrap(120, 1000)
    lines = drawn_lines(text, 120)
    assert len(lines) > 2
    assert height == len(lines) * CELL.leading
    assert " ".join(lines) == words
    assert all(line.width <= 120 * 1.01 for line in text.lines_for(120))  # spaces squeezed at most


def test_a_chinese_sentence_breaks_between_its_characters_in_the_chinese_font():
    text = styles.para(SENTENCE, CELL)
    lines = drawn_lines(text, 80)
    assert len(lines) > 2
    assert "".join(lines) == SENTENCE
    assert all(line.width <= 80 for line in text.lines_for(80))
    assert {font for line in text.lines_for(80) for _run, font in line.runs} == {fonts.cjk_font()}


def test_a_word_longer_than_the_line_fills_the_line_it_starts_on_and_goes_on():
    address = "https://www.ilo.org/global/topics/labour-migration/publications/fair-recruitment-initiative"
    text = styles.para(f"See {address}", CELL)
    lines = drawn_lines(text, 150)
    assert lines[0].startswith("See https://")
    assert "".join(lines) == f"See {address}"
    assert all(line.width <= 150 for line in text.lines_for(150))


def test_spaces_and_line_breaks_in_the_text_become_one_space_as_in_a_paragraph():
    assert drawn_lines(styles.para("  Room 3\n\nsecond  floor ", CELL), 400) == ["Room 3 second floor"]
    assert drawn_lines(styles.lines(["Dec 2, 2026", "9:00\u202fAM – 10:30\u202fAM"], CELL), 400) == [
        "Dec 2, 2026",
        "9:00\xa0AM – 10:30\xa0AM",
    ]


def test_a_text_longer_than_the_page_goes_on_to_the_next_without_losing_or_repeating_a_line():
    numbered = " ".join(f"word{n:03d}" for n in range(900))
    page_room = A4[1] - 2 * 72
    data = document([Spacer(1, page_room - 3.5 * CELL.leading), styles.para(numbered, CELL)])
    pages = text_of_pages(data)
    assert len(pages) >= 2
    found = " ".join(" ".join(pages).split()).split(" ")
    assert found == [f"word{n:03d}" for n in range(900)]
    assert len(pages[0].split()) >= 2 * 6  # the first page has three lines of it, not one left alone


def test_a_text_left_with_one_line_at_the_foot_of_a_page_starts_on_the_next():
    text = styles.para(" ".join(["recruitment"] * 60), CELL)
    assert text.split(200, CELL.leading * 1.5) == []
    first, rest = text.split(200, CELL.leading * 2.5)
    assert first.wrap(200, 1000)[1] == 2 * CELL.leading
    assert drawn_lines(first, 200) + drawn_lines(rest, 200) == drawn_lines(text, 200)


def test_what_text_does_not_draw_itself_is_drawn_by_its_paragraph():
    indented = ParagraphStyle("indented", parent=CELL, leftIndent=12)
    italic = ParagraphStyle("italic", parent=CELL, fontName=fonts.LATIN_ITALIC)
    cases = [
        ("Dr. محمد علي (Cairo)", CELL),  # right-to-left words
        ("Room\x073", CELL),  # a control character
        ("Room 3", indented),
        ("Room 3", italic),
    ]
    for words, style in cases:
        text = styles.para(words, style)
        assert text.wrap(300, 1000) == Paragraph(fonts.markup(words), style).wrap(300, 1000)
        assert text.lines_for(300) is None
    shown = text_of_pages(document([styles.para("Dr. محمد علي (Cairo)", CELL)]))[0]
    assert "Dr." in shown and "(Cairo)" in shown


def test_a_formatted_or_right_to_left_paragraph_too_long_for_the_page_goes_on_to_the_next():
    body = SHEET["body"]
    for source in ("**Fair** recruitment " * 300, "Dr. محمد علي " * 300):
        data = document([Spacer(1, 600), *markdown_flowables(source, body, CELL, 400)])
        pages = text_of_pages(data)
        assert len(pages) >= 2
        assert len(" ".join(pages).split()) >= 600
