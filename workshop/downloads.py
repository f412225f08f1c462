"""Documents the pages make for download: PDFs, spreadsheets, calendars and archives."""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Response, request, send_file
from werkzeug.http import is_resource_modified

PERSONAL = "private, no-store"  # names, ticket codes, passport details: no cache keeps a copy
NOT_SHARED = "no-store"  # exports of personal data
REVALIDATED = "no-cache"  # public documents, made anew from what the event says now
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def document(data: bytes, filename: str, mimetype: str, *, inline: bool = False, cache: str = PERSONAL) -> Response:
    """``data`` as the file ``filename``: opened in the browser when ``inline`` (a PDF to read),
    else saved. It is made anew for each request, so it has no ETag; a PDF viewer may still ask
    for it in ranges."""
    response = send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=not inline,
        download_name=filename,
        conditional=True,
        etag=False,
    )
    response.headers["Cache-Control"] = cache
    return response


def pdf_to_read(data: bytes, filename: str, cache: str = PERSONAL) -> Response:
    """A PDF that opens in the browser; saving it keeps ``filename``."""
    return document(data, filename, "application/pdf", inline=True, cache=cache)


@dataclass(frozen=True)
class Version:
    """What a client's copy of a document is checked against: a weak ETag (the same version is made
    anew each time, equal in meaning, not always byte for byte) and, where known, when it changed."""

    tag: str
    changed_at: datetime | None = None

    def last_modified(self) -> datetime | None:
        """The change time once a whole second has passed since it: HTTP dates count whole seconds,
        so a copy dated the second of a change might miss another change in that same second."""
        if self.changed_at is None:
            return None
        changed_at = self.changed_at.replace(microsecond=0)
        return changed_at if changed_at < datetime.now(UTC).replace(microsecond=0) else None


def revalidated(version: Version, make: Callable[[], Response], cache: str = REVALIDATED) -> Response:
    """``304 Not Modified`` without calling ``make`` when the client's copy is ``version`` (by
    If-None-Match, else If-Modified-Since); otherwise the response ``make`` gives, carrying ``version``."""
    last_modified = version.last_modified()
    if is_resource_modified(request.environ, etag=version.tag, last_modified=last_modified):
        response = make()
    else:
        response = Response(status=304)
    response.set_etag(version.tag, weak=True)
    if last_modified is not None:  # werkzeug would date a None "now"
        response.last_modified = last_modified
    response.headers["Cache-Control"] = cache
    return response
