"""Rich text: Markdown rendered to HTML, then sanitised with nh3."""

import threading
from functools import lru_cache

import markdown as markdown_lib
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


_converters = threading.local()


def converter() -> markdown_lib.Markdown:
    """This thread's Markdown converter, made once: making one loads its extensions, which cost more
    than converting a summary. ``reset`` between texts, so nothing one text defines reaches the next."""
    markdown = getattr(_converters, "markdown", None)
    if markdown is None:
        markdown = _converters.markdown = markdown_lib.Markdown(extensions=["tables", "sane_lists"])
    return markdown.reset()


def render_markdown(source: str | None) -> Markup:
    return _rendered(str(source or ""))  # a text written in several languages: the reader's


# Keyed by the text itself, so an edited text is rendered anew: an event's description is the same
# for every visitor, and rendering it was a third of its page.
@lru_cache(maxsize=256)
def _rendered(source: str) -> Markup:
    html = converter().convert(source)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)
