"""Dates, times, countries, shares and names as the report writes them, in the reader's language
and the event's time zone."""

from __future__ import annotations

from datetime import datetime

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from ..countries import country_names
from ..formatting import time_span
from ..timeutil import utc_to_local


def name_with_native(full_name: str, native_name: str) -> str:
    """"Wang Fang 王芳": the name in Latin letters, then in the person's own script when it differs."""
    native = (native_name or "").strip()
    return f"{full_name} {native}" if native and native != full_name else full_name


class Formats:
    def __init__(self, locale: Locale, zone: str):
        self.locale = locale
        self.zone = zone
        self.countries = country_names(str(locale))

    def day(self, moment: datetime) -> str:
        return format_date(utc_to_local(moment, self.zone).date(), "medium", locale=self.locale)

    def times(self, starts: datetime, ends: datetime) -> str:
        """9:00 AM – 10:30 AM; an end on a later day is marked (+1)."""
        return time_span(utc_to_local(starts, self.zone), utc_to_local(ends, self.zone), self.locale)

    def country(self, code: str) -> str:
        return self.countries.get(code, code) if code else ""

    def percent(self, share: float | None) -> str:
        return "–" if share is None else format_percent(share, locale=self.locale)

    def decimal(self, value: float | None) -> str:
        return "–" if value is None else format_decimal(round(value, 1), format="#,##0.0", locale=self.locale)

