"""The cards of the lists of events, kept for each version of the events they show.

An event's ``agenda_revision`` rises with every change to it (agenda/revision.py), so a page of
cards is kept under the ids and revisions of its events and the language: a list whose events
did not change shows the cards made before, without loading the events in full."""

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from ..fragments import kept_or_made
from . import services
from .forms import KIND_LABELS


def event_cards(events: list) -> Markup:
    """``events``: rows or events with their ``id`` and ``agenda_revision``."""
    key = ("event-cards", str(get_locale()), tuple((event.id, event.agenda_revision) for event in events))
    return kept_or_made(key, lambda: made_cards(events))


def made_cards(events: list) -> Markup:
    return Markup(render_template("events/_cards.html", events=services.in_full(events), kind_labels=KIND_LABELS))
