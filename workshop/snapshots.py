"""Frozen dataclasses kept as JSON in a text column: what a signed document keeps as it was signed.
A text written in several languages (``Translated``) is kept with all of them, so the document
can be shown in its reader's language."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Self

from .translated import Translated


class Snapshot:
    """A mixin for frozen dataclasses whose fields are text, numbers and tuples of them."""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, default=_texts_of)

    @classmethod
    def from_json(cls, text: str) -> Self:
        return cls(**{name: _tuples(value) for name, value in json.loads(text or "{}").items()})


def _texts_of(value):
    if isinstance(value, Translated):
        return value.texts
    raise TypeError(f"{type(value).__name__} is not kept in a snapshot")


def _tuples(value):
    """JSON gives lists back (the dataclass compares and hashes tuples), and texts by language as objects."""
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    if isinstance(value, dict):
        return Translated(value)
    return value
