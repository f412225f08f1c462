"""The options of a choice question, each written in every language, and the answers that chose them.

A question keeps its options as a JSON list in ``options_json``: each item an object by language
(``{"en": "Vegetarian", "zh": "素食"}``), or a plain string kept before options had translations
(its language told by its script). ``options_of`` reads them as ``Translated`` items.

**How a chosen option is kept.** An answer keeps the option's *value*: its text in the first
language of ``LANGUAGES`` that has it (English when there is English, else Chinese), whichever
language the participant read the form in. A participant who chose "素食" on the Chinese form and
one who chose "Vegetarian" on the English form both keep "Vegetarian", so the answers count as one
option. Shown, a kept value is matched back to the option that has it in *any* language and read
in the reader's language (``option_for``), so:

- an answer kept before options had translations (the option's only text) still reads as that option,
  and so does one kept before a translation was added to a one-language option (its value then was
  the other language's text);
- changing the Chinese of an option whose value is English leaves every answer as it was;
- an answer whose option was since renamed or removed reads as the text it kept, as before.

Text rather than a position or a key keeps answers readable in exports and the database without the
question, and an edit that reorders the options changes nothing anybody answered.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from ..translated import LANGUAGES, Translated


def options_of(options_json: str | None) -> list[Translated]:
    """The options a column holds, in their order; empty items (none should be) left out."""
    try:
        items = json.loads(options_json or "[]")
    except ValueError:
        items = []
    options = [Translated.of(item) if isinstance(item, (str, dict)) else Translated() for item in items]
    return [option for option in options if option]


def options_to_json(options: Iterable[Translated | str]) -> str:
    return json.dumps([Translated.of(option).texts for option in options], ensure_ascii=False)


def option_value(option: Translated | str) -> str:
    """What an answer that chose ``option`` keeps: its text in the first language that has it."""
    return Translated.of(option).in_language(LANGUAGES[0])


def option_for(options: Iterable[Translated], value: str) -> Translated | None:
    """The option a kept value (or a posted one, in any language) stands for; None when none has it."""
    if not isinstance(value, str):
        return None
    options = list(options)
    for option in options:
        if option_value(option) == value:
            return option
    return next((option for option in options if value in option.texts.values()), None)


def readable(options: Iterable[Translated], value: str) -> Translated:
    """A kept value as its option, to read in any language; a value no option has, as it was kept."""
    return option_for(options, value) or Translated.of(value)


def kept_values(options: Iterable[Translated], value) -> list[str]:
    """The values of the options an answer chose (one or several), each as its option's value now."""
    values = value if isinstance(value, list) else [value] if isinstance(value, str) and value else []
    options = list(options)
    return [option_value(readable(options, item)) for item in values]
