"""Frozen dataclasses kept as JSON in a text column: what a signed document keeps as it was signed."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Self


class Snapshot:
    """A mixin for frozen dataclasses whose fields are text, numbers and tuples of them."""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Self:
        return cls(**{name: _tuples(value) for name, value in json.loads(text or "{}").items()})


def _tuples(value):
    """JSON gives lists back; the dataclass compares and hashes tuples."""
    return tuple(_tuples(item) for item in value) if isinstance(value, list) else value
