"""Markdown written by organisers, rapporteurs and speakers, as ReportLab flowables.

The Markdown goes through ``workshop.text.render_markdown`` first (the same sanitised HTML the
pages show), then the few tags that sanitiser lets through are mapped to platypus: paragraphs,
headings, lists, block quotes, code, tables, rules, and bold, italic, code and links within a line.
Every piece of text is escaped again on the way out (``fonts.markup``), so whatever a person typed,
``<script>`` included, reaches the PDF as text or not at all, never as markup; Chinese is set in the
CJK font.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.sax.saxutils import quoteattr

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, Spacer, Table, TableStyle

from ..pdf import styles
from ..pdf.fonts import LATIN_BOLD, MONO, markup
from ..pdf.text import Paragraph, Text
from ..text import render_markdown

BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "table", "hr"}
INLINE_TAGS = {"strong": "b", "b": "b", "em": "i", "i": "i"}
VOID = {"br", "hr"}
INDENT = 5 * mm
HEADING_SIZES = {"h2": 12, "h3": 11, "h4": 10.5, "h5": 10, "h6": 10}
CODE_FONT = MONO


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)


class TreeBuilder(HTMLParser):
    """The sanitised HTML as a tree; character references are already decoded in the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


class Converter:
    """Turns the tree into flowables with styles derived from ``body`` (cached per indent)."""

    def __init__(self, body: ParagraphStyle, cell: ParagraphStyle, width: float):
        self.body = body
        self.cell = cell
        self.width = width
        self._styles: dict[tuple, ParagraphStyle] = {}

    def style(self, kind: str, indent: int = 0) -> ParagraphStyle:
        key = (kind, indent)
        if key not in self._styles:
            base = self.body
            extra: dict = {"leftIndent": indent * INDENT, "spaceAfter": 4}
            if kind in HEADING_SIZES:
                size = HEADING_SIZES[kind]
                extra.update(fontName=LATIN_BOLD, fontSize=size, leading=size * 1.3, spaceBefore=6, keepWithNext=1)
            elif kind == "quote":
                extra.update(textColor=styles.MUTED)
            elif kind == "pre":
                extra.update(fontName=CODE_FONT, fontSize=8.5, leading=10.5, backColor=styles.SHADE, borderPadding=3)
            elif kind == "item":
                extra.update(bulletIndent=(indent - 1) * INDENT + 1 * mm, spaceAfter=2)
            self._styles[key] = ParagraphStyle(f"md-{kind}-{indent}", parent=base, **extra)
        return self._styles[key]

    # --- blocks ---------------------------------------------------------------------------

    def blocks(self, node: Node, indent: int = 0, quote: bool = False) -> list[Flowable]:
        flowables: list[Flowable] = []
        loose: list[Node | str] = []  # text and inline tags outside any paragraph

        def flush():
            if loose and "".join(self.inline(part) for part in loose).strip():
                flowables.append(self.text(loose, self.style("quote" if quote else "p", indent)))
            loose.clear()

        for child in node.children:
            if isinstance(child, Node) and child.tag in BLOCKS:
                flush()
                flowables += self.block(child, indent, quote)
            else:
                loose.append(child)
        flush()
        return flowables

    def block(self, node: Node, indent: int, quote: bool) -> list[Flowable]:
        tag = node.tag
        if tag == "p":
            return [self.text(node.children, self.style("quote" if quote else "p", indent))]
        if tag in HEADING_SIZES:
            return [self.paragraph(node.children, self.style(tag, indent))]
        if tag in ("ul", "ol"):
            return self.list_items(node, indent, quote)
        if tag == "li":  # an item outside a list: as a paragraph
            return self.blocks(node, indent, quote)
        if tag == "blockquote":
            return self.blocks(node, indent + 1, quote=True)
        if tag == "pre":
            return [self.preformatted(node, indent)]
        if tag == "table":
            return [self.table(node, indent)]
        if tag == "hr":
            return [HRFlowable(width="100%", thickness=0.5, color=styles.RULE, spaceBefore=4, spaceAfter=6)]
        return self.blocks(node, indent, quote)

    def list_items(self, node: Node, indent: int, quote: bool) -> list[Flowable]:
        """Each item's first line carries the bullet (or number); what follows it in the item, nested
        lists included, is indented one step further."""
        flowables: list[Flowable] = []
        number = 0
        for item in node.children:
            if not isinstance(item, Node) or item.tag != "li":
                continue
            number += 1
            first, rest = first_line(item)
            style = self.style("item", indent + 1)
            bullet = f"{number}." if node.tag == "ol" else "•"
            paragraph = self.paragraph(first, style)
            paragraph.bulletText = bullet  # read when the paragraph is drawn
            flowables.append(paragraph)
            flowables += self.blocks(Node("li", children=rest), indent + 1, quote)
        return flowables

    def preformatted(self, node: Node, indent: int) -> Paragraph:
        text = text_of(node).strip("\n")
        lines = [markup(line).replace("  ", "&nbsp; ") or "&nbsp;" for line in text.split("\n")]
        return safe_paragraph("<br/>".join(lines), self.style("pre", indent), text)

    def table(self, node: Node, indent: int) -> Flowable:
        rows: list[list[Paragraph]] = []
        header_rows = 0
        for row in descendants(node, "tr"):
            cells = [cell for cell in row.children if isinstance(cell, Node) and cell.tag in ("th", "td")]
            if cells and all(cell.tag == "th" for cell in cells) and len(rows) == header_rows:
                header_rows += 1
            rows.append(
                [
                    self.paragraph(cell.children, self.cell, bold=True)
                    if cell.tag == "th"
                    else self.text(cell.children, self.cell)
                    for cell in cells
                ]
            )
        columns = max((len(row) for row in rows), default=0)
        if not columns:
            return Spacer(1, 0)
        for row in rows:
            row += [Paragraph("", self.cell)] * (columns - len(row))
        width = self.width - indent * INDENT
        table = Table(rows, colWidths=[width / columns] * columns, repeatRows=header_rows, hAlign="LEFT")
        table.setStyle(TableStyle(styles.table_commands(header_rows, rules="GRID")))
        table.spaceAfter = 6
        return table

    # --- within a line --------------------------------------------------------------------

    def text(self, children: list[Node | str], style: ParagraphStyle) -> Flowable:
        """A paragraph; plain text when it has no formatting (drawn without parsing markup)."""
        if all(isinstance(child, str) for child in children):
            return Text(("".join(children).strip(),), style)
        return self.paragraph(children, style)

    def paragraph(self, children: list[Node | str], style: ParagraphStyle, bold: bool = False) -> Paragraph:
        text = "".join(self.inline(child) for child in children).strip()
        if bold and text:
            text = f"<b>{text}</b>"
        return safe_paragraph(text, style, "".join(text_of(child) for child in children))

    def inline(self, node: Node | str) -> str:
        if isinstance(node, str):
            return markup(node)
        inner = "".join(self.inline(child) for child in node.children)
        if node.tag in INLINE_TAGS:
            tag = INLINE_TAGS[node.tag]
            return f"<{tag}>{inner}</{tag}>" if inner else ""
        if node.tag == "code":
            return f'<font face="{CODE_FONT}">{inner}</font>' if inner else ""
        if node.tag == "br":
            return "<br/>"
        if node.tag == "a":
            href = node.attrs.get("href", "")
            if href.startswith(("http://", "https://", "mailto:")) and inner:
                return f'<a href={quoteattr(href)} color="#0b5394">{inner}</a>'
            return inner
        return inner  # abbr, and anything else: its text


def first_line(item: Node) -> tuple[list[Node | str], list[Node | str]]:
    """An item's text up to its first block, or its first paragraph; and the rest of it."""
    children = item.children
    for n, child in enumerate(children):
        if isinstance(child, Node) and child.tag in BLOCKS:
            before = children[:n]
            if "".join(text_of(part) for part in before).strip():
                return before, children[n:]
            if child.tag == "p":
                return child.children, children[n + 1 :]
            return [], children[n:]
    return children, []


def descendants(node: Node, tag: str):
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == tag:
                yield child
            else:
                yield from descendants(child, tag)


def text_of(node: Node | str) -> str:
    if isinstance(node, str):
        return node
    return "".join(text_of(child) for child in node.children)


def safe_paragraph(text: str, style: ParagraphStyle, plain: str) -> Paragraph:
    """The paragraph; should its markup ever be refused, the same text without any formatting."""
    try:
        return Paragraph(text, style)
    except ValueError:
        return Paragraph(markup(plain), style)


def markdown_flowables(source: str, body: ParagraphStyle, cell: ParagraphStyle, width: float) -> list[Flowable]:
    """The flowables of a Markdown text, ``width`` wide (for its tables)."""
    return Converter(body, cell, width).blocks(parse(str(render_markdown(source))))
