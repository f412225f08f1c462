"""Dates, times, time zones and countries as people read them, in the reader's language: the same
words on pages, in e-mails and in PDFs. Pages use them as Jinja filters (``workshop.web``)."""

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_interval, format_time
from flask_babel import get_locale

from .countries import country_names


def format_in_zone(moment: datetime | None, zone: str) -> str:
    """A UTC moment as wall-clock date and time in ``zone``, in the reader's language, without seconds."""
    if moment is None:
        return ""
    locale = str(get_locale())
    local = moment.astimezone(ZoneInfo(zone))
    return _date_and_clock(locale).format(_clock(local.hour, local.minute, locale), _medium_date(local.date(), locale))


@lru_cache(maxsize=8)
def _date_and_clock(locale: str) -> str:
    return Locale.parse(locale).datetime_formats["medium"]


@lru_cache(maxsize=4096)
def _medium_date(day: date, locale: str) -> str:
    return format_date(day, "medium", locale=Locale.parse(locale))  # a list of registrations repeats few days


def date_range_in_zone(start: datetime, end: datetime, zone: str) -> str:
    """The days an event runs, e.g. "12–13 Mar 2027", as seen in its own time zone."""
    tz = ZoneInfo(zone)
    return _date_range(start.astimezone(tz).date(), end.astimezone(tz).date(), str(get_locale()))


@lru_cache(maxsize=4096)
def _date_range(first: date, last: date, locale: str) -> str:
    return format_interval(first, last, "yMMMd", locale=locale)  # a list of events repeats few pairs of days


def zone_label(zone: str, moment: datetime | None = None) -> str:
    """``Asia/Shanghai (UTC+08:00)``: the zone's name and its offset at ``moment``."""
    local = (moment or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(zone))
    offset = local.strftime("%z")
    return f"{zone} (UTC{offset[:3]}:{offset[3:]})"


def clock(moment: datetime) -> str:
    """The wall-clock time of an aware ``moment`` as it is, in the reader's language (e.g. 9:30 AM, 09:30)."""
    return _clock(moment.hour, moment.minute, str(get_locale()))


@lru_cache(maxsize=4096)
def _clock(hour: int, minute: int, locale: str) -> str:
    return format_time(time(hour, minute), "short", locale=Locale.parse(locale))  # an agenda repeats the same few times


def day_heading(day: date) -> str:
    """A day as a heading, e.g. Tuesday, March 12, 2027."""
    return format_date(day, "full", locale=Locale.parse(str(get_locale())))


def time_span(start: datetime, end: datetime, locale: Locale) -> str:
    """9:00 AM – 10:30 AM between two wall-clock times; an end on a later day is marked (+1)."""
    later = (end.date() - start.date()).days
    span = f"{format_time(start.time(), 'short', locale=locale)} – {format_time(end.time(), 'short', locale=locale)}"
    return f"{span} (+{later})" if later > 0 else span


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return country_names().get(code, code)
