"""Arabic letters joined as they are written, without a shaping engine: each letter replaced by its
isolated, final, initial or medial presentation form (Unicode's Arabic Presentation Forms, which
Noto Sans Arabic has), lam with alef by their ligature. The forms are read from the Unicode
database's decompositions ("<final> 0628" for U+FE90), so no table is written here. Text extracted
from the PDF gives the presentation forms, which NFKC normalisation turns back into the letters."""

from __future__ import annotations

import unicodedata
from functools import cache

FORMS = ("isolated", "final", "initial", "medial")


@cache
def _tables() -> tuple[dict[str, dict[str, str]], dict[tuple[str, str, str], str]]:
    """Each letter's forms by name, and the lam-alef ligatures by (lam, alef, form)."""
    letters: dict[str, dict[str, str]] = {}
    ligatures: dict[tuple[str, str, str], str] = {}
    for code in (*range(0xFB50, 0xFDFF), *range(0xFE70, 0xFEFF)):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) < 2 or parts[0].strip("<>") not in FORMS:
            continue
        form, letters_of = parts[0].strip("<>"), [chr(int(part, 16)) for part in parts[1:]]
        if len(letters_of) == 1:
            letters.setdefault(letters_of[0], {}).setdefault(form, chr(code))
        elif (
            len(letters_of) == 2
            and letters_of[0] == "\u0644"
            and unicodedata.name(letters_of[1]).startswith("ARABIC LETTER ALEF")
        ):
            ligatures[(letters_of[0], letters_of[1], form)] = chr(code)
    return letters, ligatures


def _joins_both_ways(char: str) -> bool:
    forms = _tables()[0].get(char, {})
    return "initial" in forms or "medial" in forms or char == "\u0640"  # tatweel joins both ways


def _joins(char: str) -> bool:
    return char in _tables()[0] or char == "\u0640"


def _transparent(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Me", "Cf") and char != "\u200c"


def joined(text: str) -> str:
    """``text`` (in the order it is written) with its Arabic letters in their joining forms."""
    letters, ligatures = _tables()
    if not any(char in letters for char in text):
        return text
    result: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char not in letters:
            result.append(char)
            index += 1
            continue
        before = _neighbour(text, index, -1)
        after = _neighbour(text, index, 1)
        joins_before = before is not None and _joins_both_ways(before)
        following = text[index + 1 : index + 2]
        if (char, following, "isolated") in ligatures:  # lam then alef: one ligature
            form = "final" if joins_before else "isolated"
            result.append(ligatures.get((char, following, form)) or ligatures[(char, following, "isolated")])
            index += 2
            continue
        joins_after = _joins_both_ways(char) and after is not None
        form = FORMS[2 * joins_after + joins_before]
        forms = letters[char]
        result.append(forms.get(form) or forms.get("final" if joins_before else "isolated") or char)
        index += 1
    return "".join(result)


def _neighbour(text: str, index: int, step: int) -> str | None:
    """The letter before (``step`` -1) or after (1) the one at ``index`` that it may join, marks skipped."""
    index += step
    while 0 <= index < len(text) and _transparent(text[index]):
        index += step
    return text[index] if 0 <= index < len(text) and _joins(text[index]) else None
