"""iCalendar content lines (RFC 5545, section 3.1), written directly: a calendar of 300 sessions is
some 5,000 lines, and building each through icalendar's property objects took most of its time.

Text is escaped (backslash, semicolon, comma, line breaks); a line longer than 75 octets is folded
onto continuation lines that start with a space, never inside a UTF-8 character.
"""

from datetime import UTC, datetime, timedelta

LINE_OCTETS = 75
CRLF = b"\r\n"
_TEXT_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": None})


def text(value) -> str:
    """A TEXT value: backslashes, semicolons, commas and line breaks escaped; a text written in
    several languages in the calendar's."""
    return str(value).translate(_TEXT_ESCAPES)


def utc(moment: datetime) -> str:
    """A DATE-TIME in UTC: 20300312T010000Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def local(moment: datetime) -> str:
    """A DATE-TIME as the clock reads it in its zone, which a TZID parameter names: 20300312T090000."""
    return moment.strftime("%Y%m%dT%H%M%S")


def duration(length: timedelta) -> str:
    """A DURATION of whole seconds: PT1H, PT15M, P1DT2H."""
    days, seconds = length.days, length.seconds
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    time = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    return f"P{f'{days}D' if days else ''}{'T' + time if time else ''}" if days or time else "PT0S"


def line(name: str, value: str) -> bytes:
    """``NAME:value`` (parameters, if any, are part of ``name``), folded, with its CRLF."""
    data = f"{name}:{value}".encode()
    if len(data) <= LINE_OCTETS:
        return data + CRLF
    parts, start, room = [], 0, LINE_OCTETS
    while len(data) - start > room:
        end = start + room
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: fold before its character
            end -= 1
        parts.append(data[start:end])
        start, room = end, LINE_OCTETS - 1  # a continuation line's leading space counts
    parts.append(data[start:])
    return b"\r\n ".join(parts) + CRLF
