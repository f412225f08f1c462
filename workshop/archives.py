"""Looking inside the ZIP containers of office documents (OOXML, OpenDocument) within bounds.

An upload of a few hundred kilobytes can declare, or unpack to, gigabytes: the archive is refused
when its members declare more than ``UPLOAD_MAX_UNPACKED_BYTES`` together or there are more than
``MAX_MEMBERS`` of them (counted from the end record, before the member list is read), and a member
is only ever read up to a few bytes more than what is wanted from it, whatever it claims.
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

MAX_MEMBERS = 10_000
END_RECORD = b"PK\x05\x06"
END_RECORD_SIZE = 22
MAX_COMMENT = 0xFFFF
MANY = 0xFFFF  # the end record's count when the real one is in a ZIP64 record: far more than we take


class ArchiveTooLarge(Exception):
    """The archive has too many members, or they unpack to more than the limit."""


def declared_member_count(file: BinaryIO) -> int | None:
    """The number of members the end record of the archive declares; None without an end record."""
    file.seek(0, 2)
    size = file.tell()
    tail_size = min(size, END_RECORD_SIZE + MAX_COMMENT)
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    at = tail.rfind(END_RECORD)
    if at < 0 or len(tail) - at < END_RECORD_SIZE:
        return None
    return int.from_bytes(tail[at + 10 : at + 12], "little")


def open_bounded(file: BinaryIO, max_unpacked: int) -> zipfile.ZipFile:
    """The archive, once its member count and the sizes its members declare are within bounds;
    ArchiveTooLarge otherwise, zipfile.BadZipFile when it is no archive."""
    count = declared_member_count(file)
    if count is None:
        raise zipfile.BadZipFile("no end record")
    if count > MAX_MEMBERS or count == MANY:
        raise ArchiveTooLarge(f"{count} members")
    file.seek(0)
    archive = zipfile.ZipFile(file)
    members = archive.infolist()
    if len(members) > MAX_MEMBERS or sum(member.file_size for member in members) > max_unpacked:
        archive.close()
        raise ArchiveTooLarge("unpacks to more than the limit")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    """The member ``name`` when it unpacks to at most ``limit`` bytes, else None; unpacking stops
    past the limit (or at the size the member declares, when its data says otherwise: BadZipFile)."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        return None
    with archive.open(info) as member:
        data = member.read(limit + 1)
    return data if len(data) <= limit else None
