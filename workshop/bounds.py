"""What the site accepts from outside, whatever is sent: numbers the database can hold, years that
calendars and time zones handle, text without control characters, header values on one line.

Text: every query argument and every posted form field loses its control characters before any
view sees it (tab, line feed and carriage return stay in posted fields, where multi-line text is
typed); PostgreSQL refuses a NUL, and no person types one.
"""

import re
from typing import ClassVar

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from wtforms import DateField, DateTimeLocalField, IntegerField

DATABASE_INT_MAX = 2**31 - 1  # PostgreSQL's INTEGER; SQLite's is larger
DATABASE_INT_MIN = -(2**31)
FIRST_YEAR, LAST_YEAR = 1900, 2200

CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_control_characters(text: str, keep_lines: bool = False) -> str:
    return (CONTROL_CHARACTERS_BUT_LINES if keep_lines else CONTROL_CHARACTERS).sub("", text)


def one_line(text: str) -> str:
    """``text`` as a header value can carry it (a subject, a file name): line breaks and other
    control characters would end the header or be refused."""
    return " ".join(without_control_characters(" ".join(str(text).split())).split())


def database_id(value) -> int | None:
    """``value`` (typed, posted, or from an address) as an id the database can hold; else None."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) > DATABASE_INT_MAX:
        return None
    return int(text)


def page_number(value) -> int:
    """A ``?page=`` argument as a page number: 1 for anything that is not one."""
    return database_id(value or "") or 1


def id_choice(value) -> int:
    """``coerce`` for a select whose values are ids: anything else is the field's error."""
    number = database_id(value)
    if number is None:
        raise ValueError("not an id")
    return number


class DatabaseIntegerField(IntegerField):
    """A whole number that fits the database's INTEGER, else the field's error."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not DATABASE_INT_MIN <= self.data <= DATABASE_INT_MAX:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))


YEARS_MESSAGE = _l("Enter a date between the years %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)


class _YearsBounded:
    """A date or time field that refuses years outside ``FIRST_YEAR``–``LAST_YEAR`` (a year-1 date
    breaks time-zone conversions and calendars) and tells the browser the same."""

    bounds: ClassVar[dict[str, str]]

    def __init__(self, *args, render_kw=None, **kwargs):
        super().__init__(*args, render_kw={**self.bounds, **(render_kw or {})}, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            # The date stays (DataRequired would replace this message with its own), the form is invalid
            raise ValueError(str(YEARS_MESSAGE))


class BoundedDateField(_YearsBounded, DateField):
    bounds: ClassVar[dict[str, str]] = {"min": f"{FIRST_YEAR}-01-01", "max": f"{LAST_YEAR}-12-31"}


class BoundedDateTimeLocalField(_YearsBounded, DateTimeLocalField):
    bounds: ClassVar[dict[str, str]] = {"min": f"{FIRST_YEAR}-01-01T00:00", "max": f"{LAST_YEAR}-12-31T23:59"}


def cleaned(values: MultiDict, keep_lines: bool) -> ImmutableMultiDict:
    return ImmutableMultiDict(
        [
            (without_control_characters(key), without_control_characters(value, keep_lines))
            for key, value in values.items(multi=True)
        ]
    )


def init_app(app: Flask) -> None:
    @app.before_request
    def remove_control_characters():
        request.args = cleaned(request.args, keep_lines=False)
        if request.method in ("POST", "PUT", "PATCH") and request.form:
            request.form = cleaned(request.form, keep_lines=True)
