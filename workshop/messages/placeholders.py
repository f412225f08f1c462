"""Placeholders in a message's subject and text, such as ``{first_name}``: checked when the message
is written, filled for each recipient in the language of the text they read.

A brace is written twice to stand for itself (``{{`` and ``}}``); any other brace that does not
open or close a placeholder is a mistake the writer is told about.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..errors import DomainError
from ..formatting import date_range_in_zone
from ..translated import LANGUAGE_LABELS, Translated, joined, text_in
from ..urls import external_url

TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
DOUBLED = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: object  # a lazy string
    value: Callable  # (registration, language) -> str


def _first_name(registration, language: str) -> str:
    return (registration.full_name.split() or [""])[0]


def _last_name(registration, language: str) -> str:
    return " ".join(registration.full_name.split()[1:])


def _event_dates(registration, language: str) -> str:
    event = registration.event
    return date_range_in_zone(event.starts_at, event.ends_at, event.timezone)


def _venue(registration, language: str) -> str:
    event = registration.event
    return joined([text_in(event.venue, language), text_in(event.city, language)])


def _registration_state(registration, language: str) -> str:
    from ..registration.services import STATE_LABELS

    return str(STATE_LABELS[registration.state])


PLACEHOLDERS = {
    p.name: p
    for p in (
        Placeholder("first_name", _l("the first word of the name, as registered"), _first_name),
        Placeholder("last_name", _l("the rest of the name, after the first word"), _last_name),
        Placeholder("full_name", _l("the full name, in Latin letters"), lambda r, language: r.full_name),
        Placeholder(
            "native_name", _l("the name in the person's own script, when given"), lambda r, language: r.native_name
        ),
        Placeholder("organisation", _l("the organisation"), lambda r, language: r.organisation),
        Placeholder("event", _l("the event's title"), lambda r, language: text_in(r.event.title, language)),
        Placeholder("event_dates", _l("the event's dates"), _event_dates),
        Placeholder("venue", _l("the venue and city"), _venue),
        Placeholder(
            "event_link",
            _l("the address of the event's page"),
            lambda r, language: external_url("events.show", slug=r.event.slug),
        ),
        Placeholder(
            "registration_link",
            _l("the address of the person's registration"),
            lambda r, language: external_url("registration.show", registration_id=r.id),
        ),
        Placeholder("registration_state", _l("the state of the registration"), _registration_state),
        Placeholder("contact_email", _l("the event's contact address"), lambda r, language: r.event.contact_email),
    )
}


def check(text: Translated, field: str) -> list[DomainError]:
    """What is wrong with the placeholders of every language's text, each for ``field``."""
    problems = []
    for language, written in text.texts.items():
        label = LANGUAGE_LABELS.get(language, language)
        doubled = DOUBLED.search(written)
        try:
            _pieces(written)
            if doubled and doubled.group(1) in PLACEHOLDERS:
                raise UnbalancedBrace()
        except UnknownPlaceholder as error:
            problems.append(
                DomainError(
                    _l(
                        "The %(language)s text has a placeholder that does not exist: {%(name)s}. "
                        "Use one from the list beside the form.",
                        language=label,
                        name=error.name,
                    ),
                    field=field,
                )
            )
        except UnbalancedBrace:
            if doubled and doubled.group(1) in PLACEHOLDERS:
                message = _l(
                    "The %(language)s text writes {{%(name)s}}: a placeholder takes one brace on each side, "
                    "{%(name)s}.",
                    language=label,
                    name=doubled.group(1),
                )
            else:
                message = _l(
                    "The %(language)s text has a brace that does not open or close a placeholder. Write placeholders "
                    "such as {first_name} with one brace on each side; type a brace twice to write the brace itself.",
                    language=label,
                )
            problems.append(DomainError(message, field=field))
    return problems


class UnknownPlaceholder(Exception):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class UnbalancedBrace(Exception):
    pass


def _pieces(text: str) -> list[tuple[bool, str]]:
    """(is a placeholder, literal text or the placeholder's name), in order."""
    pieces, position = [], 0
    for match in TOKEN.finditer(text):
        pieces.append((False, text[position : match.start()]))
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            pieces.append((False, token[0]))
        elif match.group(1) is None:
            raise UnbalancedBrace()
        else:
            name = match.group(1).strip()
            if name not in PLACEHOLDERS:
                raise UnknownPlaceholder(name)
            pieces.append((True, name))
    pieces.append((False, text[position:]))
    return pieces


def fill(text: Translated, registration) -> Translated:
    """``text`` with its placeholders filled for ``registration``: each language's text with the
    values in that language (dates, titles, the state), so a text reads in one language throughout."""
    filled = {}
    for language, written in text.texts.items():
        with force_locale(language):
            filled[language] = "".join(
                PLACEHOLDERS[value].value(registration, language) if is_placeholder else value
                for is_placeholder, value in _pieces(written)
            )
    return Translated(filled)
