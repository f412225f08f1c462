"""Where uploaded files are kept: one directory, ``UPLOAD_DIR``, that every app server reads and
writes (a folder on one machine; a share such as NFS when several servers serve the site).

Each file is kept under a new random key and never changed afterwards. It is written under a
temporary name in the same directory, flushed to disk, then renamed to its key, so a server reading
the share sees a whole file under a key or none at all. Nothing else builds paths into the directory.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from flask import current_app

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
KEY = re.compile(r"[0-9a-f]{1,64}")


class FileMissing(LookupError):
    """No file under this key: deleted from the directory, or this server does not see the share."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


class NotStored(Exception):
    """The directory cannot take the file: missing and not creatable, read-only, full, unreachable."""


class LocalDirectory:
    """Files in one directory, by key."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def save(self, stream: BinaryIO) -> str:
        """Copy ``stream`` into a new file; returns its key. NotStored when the directory cannot take
        it; an error of the stream itself passes through. Either way nothing is left behind."""
        key = secrets.token_hex(16)
        partial = self.root / f".{key}.part"  # hidden, and never a key
        with self._writing():
            # Its parent must exist, so a mistyped setting is refused rather than created.
            self.root.mkdir(exist_ok=True)
            out = partial.open("xb")
        try:
            try:
                while chunk := stream.read(CHUNK):
                    with self._writing():
                        out.write(chunk)
                with self._writing():
                    out.flush()
                    os.fsync(out.fileno())
            finally:
                with self._writing():
                    out.close()
            with self._writing():
                os.replace(partial, self.root / key)
            self._sync_directory()
        except BaseException:
            with suppress(OSError):
                partial.unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise FileMissing(key) from None

    def path(self, key: str) -> Path:
        """Where the file is, for those that read a path (``send_file``); FileMissing when it is not there."""
        path = self._path(key)
        if not path.is_file():
            raise FileMissing(key)
        return path

    def size(self, key: str) -> int:
        try:
            return self._path(key).stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            raise FileMissing(key) from None

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).is_file()
        except FileMissing:
            return False

    def delete(self, key: str) -> None:
        """Remove the file if it is there. Called after the database no longer refers to it, so a
        failure is logged rather than undoing a change the person has already made."""
        try:
            self._path(key).unlink(missing_ok=True)
        except FileMissing:
            pass
        except OSError as error:
            log.error("could not delete upload %s from %s: %s", key, self.root, error)

    def _path(self, key: str) -> Path:
        if not key or not KEY.fullmatch(key):
            raise FileMissing(key)
        return self.root / key

    @contextmanager
    def _writing(self) -> Iterator[None]:
        try:
            yield
        except OSError as error:
            raise NotStored(f"{self.root}: {error}") from error

    def _sync_directory(self) -> None:
        """The rename itself on disk, so the file survives a crash of the machine right after. Some
        shares refuse to sync a directory (their renames are synchronous anyway): the file is in place."""
        with suppress(OSError):
            descriptor = os.open(self.root, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)


def upload_storage() -> LocalDirectory:
    """The application's storage (``UPLOAD_DIR``)."""
    return LocalDirectory(current_app.config["UPLOAD_DIR"])
