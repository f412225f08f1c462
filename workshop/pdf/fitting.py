"""Text fitted to a width on the canvas, whatever its script and length: smaller down to a least
size, then on more lines, and only then shortened with an ellipsis on the last line."""

from __future__ import annotations

from dataclasses import dataclass

from .fonts import string_width

ELLIPSIS = "…"


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size: float


def wrap(text: str, size: float, width: float, lines: int, bold: bool = False) -> list[str]:
    """``text`` broken into at most ``lines`` lines of ``width``: at spaces, or anywhere in a word that
    is too long (Chinese, Thai have no spaces); the last line shortened with an ellipsis."""
    result: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if string_width(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            result.append(current)
            current = ""
        while len(word) > 1 and string_width(word, size, bold) > width:
            cut = _longest_prefix(word, size, width, bold)
            result.append(word[:cut])
            word = word[cut:]
        current = word
        if len(result) > lines:
            break
    if current:
        result.append(current)
    if len(result) > lines:
        result = [*result[: lines - 1], shortened(" ".join(result[lines - 1 :]), size, width, bold)]
    return result


def _longest_prefix(word: str, size: float, width: float, bold: bool) -> int:
    """How many characters of ``word`` fit in ``width`` (at least one), found by halving."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if string_width(word[:middle], size, bold) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def shortened(text: str, size: float, width: float, bold: bool = False) -> str:
    """``text`` cut with an ellipsis so that it fits in ``width`` (unchanged when it fits)."""
    if string_width(text, size, bold) <= width:
        return text
    keep = _longest_prefix(text + ELLIPSIS, size, width, bold)
    return text[: max(1, keep - 1)].rstrip() + ELLIPSIS


def fit(text: str, width: float, size: float, smallest: float, lines: int = 1, bold: bool = False) -> Fitted:
    """``text`` at the largest size down to ``smallest`` at which it fits on one line of ``width``; else on
    up to ``lines`` lines at the largest size that lets it; else at ``smallest``, the last line shortened."""
    wide = string_width(text, size, bold)
    if wide <= width:
        return Fitted((text,), size)
    one_line = max(smallest, size * width / wide * 0.999)
    if string_width(text, one_line, bold) <= width:
        return Fitted((text,), one_line)
    if lines == 1:
        return Fitted((shortened(text, smallest, width, bold),), smallest)
    step = max(0.5, (size - smallest) / 6)
    candidate = size
    while candidate > smallest:
        broken = wrap(text, candidate, width, lines + 1, bold)
        if len(broken) <= lines:
            return Fitted(tuple(broken), candidate)
        candidate -= step
    return Fitted(tuple(wrap(text, smallest, width, lines, bold)), smallest)


def shortened_in(fitted: Fitted) -> bool:
    """Whether the last line of ``fitted`` was cut with an ellipsis."""
    return bool(fitted.lines) and fitted.lines[-1].endswith(ELLIPSIS)


LEADING = 1.15  # of the size: the distance between the baselines of a text's lines


def fit_block(
    texts: list[str], width: float, size: float, smallest: float, height: float, bold: bool = False
) -> Fitted:
    """``texts`` one under the other, each wrapped in ``width`` (at spaces, or anywhere in a word too long),
    all at the largest size down to ``smallest`` at which their lines fit in ``height``; at ``smallest`` on
    as many lines as they take. Nothing is ever cut: the lines of every text in order, empty ones left out."""
    texts = [text for text in texts if text]
    candidate = size
    while True:
        lines = [line for text in texts for line in wrap(text, candidate, width, len(text) + 1, bold)]
        if len(lines) * candidate * LEADING <= height or candidate <= smallest:
            return Fitted(tuple(lines), candidate)
        candidate = max(smallest, candidate - 0.5)
