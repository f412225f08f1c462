"""Dates, times, time zones and countries as people read them, in the reader's language: the same
words on pages, in e-mails and in PDFs. Pages use them as Jinja filters (``workshop.web``)."""

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_interval, format_time, get_timezone_location
from flask_babel import get_locale
from wtforms import SelectChoice

from .countries import country_names
from .timeutil import common_timezones


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


# Mainland China's one zone under the name its people give it, whatever the city in the zone's name.
BEIJING_TIME_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"})


def zone_label(zone: str, moment: datetime | None = None, locale: str | None = None) -> str:
    """The zone and its offset at ``moment`` in the reader's language: ``Asia/Shanghai (UTC+08:00)``
    in English, ``北京时间（UTC+08:00）`` or ``英国时间（UTC+00:00）`` in Chinese."""
    local = (moment or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(zone))
    offset = local.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}"
    language = Locale.parse(locale or str(get_locale())).language
    if language == "zh":
        return f"{_zone_name_zh(zone)}（{offset}）"
    return f"{zone} ({offset})"


@lru_cache(maxsize=512)
def _zone_name_zh(zone: str) -> str:
    if zone in BEIJING_TIME_ZONES:
        return "北京时间"
    if zone in {"UTC", "Etc/UTC"}:
        return "协调世界时"
    try:
        name = get_timezone_location(zone, locale="zh")  # 英国时间, 美国（纽约）时间
    except LookupError:  # a zone newer than Babel's data keeps its IANA name
        return zone
    return zone if name.startswith("未知") else name


def zone_choices() -> list[SelectChoice]:
    """The time zones to choose from: IANA names in English, and in Chinese the zone's name with its offset."""
    if Locale.parse(str(get_locale())).language != "zh":
        return [SelectChoice(zone) for zone in common_timezones()]
    return [SelectChoice(zone, zone_label(zone)) for zone in common_timezones()]


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
