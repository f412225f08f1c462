"""Documents the pages make for download: PDFs, spreadsheets, calendars and archives."""

import io

from flask import Response, send_file

from .bounds import one_line

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
        download_name=one_line(filename),
        conditional=True,
        etag=False,
    )
    response.headers["Cache-Control"] = cache
    return response


def pdf_to_read(data: bytes, filename: str, cache: str = PERSONAL) -> Response:
    """A PDF that opens in the browser; saving it keeps ``filename``."""
    return document(data, filename, "application/pdf", inline=True, cache=cache)
