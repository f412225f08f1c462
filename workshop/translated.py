"""Texts that organisers, speakers and rapporteurs write in several languages: an event's title,
a session's description, a question and its options, a message to participants.

A ``Translated`` holds one text per language (``{"en": "...", "zh": "..."}``), stored as JSON in one
column (``TranslatedText``), so a third language needs no new column. Shown, it is the reader's
language (Flask-Babel's locale in force: the request's, or an e-mail's recipient's under
``force_locale``), else the first language that has the text: ``str(event.title)`` and
``{{ event.title }}`` give what the reader should see. ``is_fallback`` tells when that is not the
reader's language, for the discreet mark the pages put beside it (``fallback_mark``).

It is deliberately not a ``str``: code that would treat it as one (slice it, measure it, put it in
JSON) fails instead of silently choosing a language.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from .language_of_parts import language_of

LANGUAGES = ("en", "zh")  # the order texts fall back in; a new language is added here and in LANGUAGES of config
DEFAULT_LANGUAGE = LANGUAGES[0]
LANGUAGE_LABELS = {"en": _l("English"), "zh": _l("Chinese")}


def reader_language() -> str:
    """The language of whoever reads what is being made: the locale in force, else English."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


@functools.total_ordering
class Translated:
    """One text in several languages; immutable. Built from a mapping, a plain string (whose
    language its script tells), or the JSON a column stores (read only when first needed)."""

    __slots__ = ("_raw", "_texts")

    def __init__(self, texts: Mapping[str, str] | str | None = None, *, stored: str | None = None) -> None:
        self._raw = stored
        self._texts: dict[str, str] | None = None
        if stored is None:
            self._texts = _cleaned(texts)

    @classmethod
    def of(cls, value: Translated | Mapping[str, str] | str | None) -> Translated:
        return value if isinstance(value, Translated) else cls(value)

    @property
    def texts(self) -> dict[str, str]:
        """The text of each language that has one, in the order of ``LANGUAGES`` then any other."""
        if self._texts is None:
            self._texts = _parsed(self._raw or "")
        return self._texts

    def get(self, language: str) -> str:
        """The text in ``language`` exactly; "" when it has none."""
        return self.texts.get(language, "")

    def language_shown(self, language: str | None = None) -> str | None:
        """The language a reader of ``language`` (the reader's by default) is shown; None when empty."""
        language = language or reader_language()
        texts = self.texts
        if texts.get(language):
            return language
        return next(iter(texts), None)

    def in_language(self, language: str | None = None) -> str:
        """The text for a reader of ``language`` (the reader's by default), else the first there is."""
        shown = self.language_shown(language)
        return self.texts[shown] if shown else ""

    def is_fallback(self, language: str | None = None) -> bool:
        """Whether a reader of ``language`` is shown another language, for want of a translation."""
        language = language or reader_language()
        shown = self.language_shown(language)
        return shown is not None and shown != language

    def missing(self, languages: Iterable[str] = LANGUAGES) -> list[str]:
        """The languages without this text, when it has any text at all."""
        if not self:
            return []
        return [language for language in languages if not self.texts.get(language)]

    def with_text(self, language: str, text: str) -> Translated:
        return Translated({**self.texts, language: text})

    def strip(self) -> Translated:
        return Translated({language: text.strip() for language, text in self.texts.items()})

    def both(self, separator: str = " / ") -> str:
        """Every language's text, for a document read in either (each once, in ``LANGUAGES`` order)."""
        return separator.join(dict.fromkeys(self.texts.values()))

    def fallback_mark(self) -> Markup:
        """A discreet mark to put after the text when the reader is shown another language, naming it."""
        if not self.is_fallback():
            return Markup("")
        shown = self.language_shown() or ""
        note = _("not yet translated, shown in %(language)s", language=LANGUAGE_LABELS.get(shown, shown))
        return Markup(
            ' <span class="fallback-mark" title="{note}"><span aria-hidden="true">{code}</span>'
            '<span class="visually-hidden">{note}</span></span>'
        ).format(code=shown.upper(), note=note)

    def to_json(self) -> str:
        return json.dumps(self.texts, ensure_ascii=False) if self.texts else ""

    def __str__(self) -> str:
        return self.in_language()

    def __html__(self) -> Markup:
        return escape(self.in_language())

    def __format__(self, spec: str) -> str:
        return format(self.in_language(), spec)

    def __bool__(self) -> bool:
        return bool(self.texts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Translated):
            return self.texts == other.texts
        if isinstance(other, str):
            return self.in_language() == other
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Translated | str):
            return self.in_language() < str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self.texts.items()))

    def __repr__(self) -> str:
        return f"Translated({self.texts!r})"


def _cleaned(texts: Mapping[str, str] | str | None) -> dict[str, str]:
    if texts is None:
        return {}
    if isinstance(texts, str):
        return {language_of(texts) or DEFAULT_LANGUAGE: texts} if texts else {}
    given = {language: str(text) for language, text in texts.items() if text}
    ordered = {language: given[language] for language in LANGUAGES if language in given}
    return ordered | given


def _parsed(raw: str) -> dict[str, str]:
    """The texts a column holds: a JSON object by language, or a plain text written before there
    were translations (its language told by its script)."""
    if raw.startswith("{"):
        try:
            texts = json.loads(raw)
        except ValueError:
            texts = None
        if isinstance(texts, dict):
            return _cleaned(texts)
    return _cleaned(raw)


class TranslatedText(TypeDecorator):
    """A column holding a ``Translated`` as JSON text; a plain ``str`` given to it is one language's
    text, told by its script. Read back lazily: a page that shows one title parses one."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return Translated.of(value).to_json()

    def process_result_value(self, value, dialect):
        return Translated(stored=value or "")

    def coerce_compared_value(self, op, value):
        # Compared in SQL (a search for words in the titles), a value is matched against the stored JSON as it is.
        return Text()

    def compare_values(self, x, y):
        # Two versions that read the same in one language may differ in another: compare them all.
        if isinstance(x, Translated) and isinstance(y, Translated):
            return x.texts == y.texts
        return x == y

    def copy_value(self, value):
        return value  # immutable


def joined(parts, separator: str = ", ") -> str:
    """The parts that are not empty, each in the reader's language, on one line: "Room 2, Nottingham"."""
    return separator.join(str(part) for part in parts if part)


def text_in(value: Translated | str | None, language: str) -> str:
    """``value`` for a reader of ``language``: a plain text (kept before translations) as it is."""
    return Translated.of(value).in_language(language)


def too_long(text: Translated, limit: int):
    """What to tell the writer when one language's text is longer than ``limit``; None when none is."""
    for language, written in text.texts.items():
        if len(written) > limit:
            return _l(
                "The %(language)s text is longer than %(max)d characters.",
                language=LANGUAGE_LABELS.get(language, language),
                max=limit,
            )
    return None
