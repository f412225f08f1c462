"""Documents the pages make for download: PDFs, spreadsheets, calendars and archives."""

import io

from flask import Response, send_file

PERSONAL = "private, no-store"  # names, ticket codes, passport details: no cache keeps a copy
NOT_SHARED = "no-store"  # exports of personal data
REVALIDATED = "no-cache"  # public documents, made anew from what the event says now


def document(data: bytes, filename: str, mimetype: str, *, inline: bool = False, cache: str = PERSONAL) -> Response:
    """``data`` as the file ``filename``: opened in the browser when ``inline`` (a PDF to read),
    else saved. It is made anew for each request, so it has no ETag; a PDF viewer may still ask
    for it in ranges."""
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=not inline, download_name=filename, conditional=True, etag=False)
    response.headers["Cache-Control"] = cache
    return response
