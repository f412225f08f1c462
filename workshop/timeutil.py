"""Time: stored in UTC, shown in the event's time zone."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime, stored without zone so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; give a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def is_known_timezone(name: str) -> bool:
    if not name or name not in common_timezones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_TIMEZONES: list[str] = []


def common_timezones() -> list[str]:
    if not _TIMEZONES:
        _TIMEZONES.extend(
            sorted(
                z
                for z in available_timezones()
                if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/"))
            )
        )
        _TIMEZONES.append("UTC")
    return _TIMEZONES


def local_to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in ``zone`` (as typed into a form) as an aware UTC datetime."""
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def utc_to_local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def nonexistent_local_time(local: datetime, zone: str) -> bool:
    """True for a wall-clock time that the clocks skip in ``zone``, e.g. 01:30 on the night they go
    forward in Europe/London: it does not come back unchanged from a round trip through UTC."""
    wall = local.replace(tzinfo=None, fold=0)
    tz = ZoneInfo(zone)
    return wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall


def last_local_day(starts_at: datetime, ends_at: datetime, zone: str) -> date:
    """The last day of something in its own time zone: what ends at midnight ended the day before."""
    end = utc_to_local(ends_at, zone)
    if end.time() == time(0) and ends_at > starts_at:
        return end.date() - timedelta(days=1)
    return end.date()
