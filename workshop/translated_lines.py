"""Lists written one item a line, in every language: the organisations that issue an event's
documents, an event's partners. The n-th line of each language is the same item, so the English
box and the Chinese box list the same organisations in the same order; an item without a line in
one language is read in the other (``Translated``'s fallback). ``TranslatedLinesField`` is their
form field: the boxes side by side, filled from the items (``EventPartner`` rows or texts)."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms.utils import unset_value

from .translated import Translated
from .translated_fields import TranslatedField


def lines_of(text: Translated | str | None) -> list[Translated]:
    """The items of ``text``, one a line, each in the languages it has a line in; empty lines
    (in every language) are left out."""
    by_language = {language: body.splitlines() for language, body in Translated.of(text).texts.items()}
    count = max((len(lines) for lines in by_language.values()), default=0)
    items = (
        Translated({language: lines[n].strip() for language, lines in by_language.items() if n < len(lines)})
        for n in range(count)
    )
    return [item for item in items if item]


def lines_text(items: Iterable[Translated | str]) -> Translated:
    """``items`` one a line in each language, the inverse of ``lines_of``: an item without a text in
    a language leaves its line empty there, so the lines after it stay with their own items."""
    items = [Translated.of(item) for item in items if item]
    languages = dict.fromkeys(language for item in items for language in item.texts)
    return Translated({language: "\n".join(item.get(language) for item in items).rstrip() for language in languages})


def longest_line(text: Translated | str | None) -> int:
    return max((len(body) for body in Translated.of(text).texts.values()), default=0)


class TranslatedLinesField(TranslatedField):
    """A list one item a line, a box per language; filled from a list of items (anything with a
    ``name``, or texts) or from the lines as kept."""

    def process(self, formdata, data=unset_value, extra_filters=None):
        if isinstance(data, list | tuple):
            data = lines_text(getattr(item, "name", item) for item in data)
        super().process(formdata, data, extra_filters)

    def items(self) -> list[Translated]:
        return lines_of(self.data)


def translated_lines(label, max_length: int, help_text="") -> TranslatedLinesField:
    return TranslatedLinesField(label, max_length=max_length, multiline=True, description=help_text)
