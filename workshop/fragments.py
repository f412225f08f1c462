"""Pieces of pages made once by this process and shown again while what they show is unchanged.

A piece is kept under a key that names the version of everything it shows (for an agenda: the
event's ``agenda_revision``, which every change to the event, its sessions and speakers raises in
the same transaction, with the language and the time zone). A change to the data makes a new key,
so no page shows a piece older than the data it read, whichever server made the piece. Each
application keeps its own pieces, the most recently used, up to ``KEPT``."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app, request
from flask_babel import get_locale

KEPT = 64  # an agenda of 300 sessions is about 250 KB


class Fragments:
    def __init__(self, kept: int = KEPT) -> None:
        self._pieces: OrderedDict[Hashable, Any] = OrderedDict()
        self._kept = kept
        self._lock = threading.Lock()

    def get_or_make[Piece](self, key: Hashable, make: Callable[[], Piece]) -> Piece:
        with self._lock:
            piece = self._pieces.get(key)
            if piece is not None:
                self._pieces.move_to_end(key)
                return piece
        piece = make()
        with self._lock:
            self._pieces[key] = piece
            while len(self._pieces) > self._kept:
                self._pieces.popitem(last=False)
        return piece


def kept_or_made[Piece](key: Hashable, make: Callable[[], Piece], store: str = "fragments") -> Piece:
    """The piece this application keeps under ``key``; made by ``make`` (and kept) when it has none.
    Pieces in another ``store`` do not push these out."""
    return current_app.extensions.setdefault(store, Fragments()).get_or_make(key, make)


def page_piece_key(event, *parts) -> tuple:
    """The key a piece of an event's page (its facts, an agenda's days, its speakers) is kept under:
    the event (its creation tells it from a deleted one whose id the database gave again), the
    revision of its agenda, the language, where the site's links start, and ``parts`` (the time zone)."""
    return (event.id, event.created_at, event.agenda_revision, str(get_locale()), request.script_root, *parts)
