"""Links that leave the site, e.g. in e-mails: built on ``PUBLIC_URL``, never on the request's Host header."""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    """``PUBLIC_URL`` followed by the path of ``endpoint``; without ``PUBLIC_URL`` (development), the
    address the request came to, or in the worker, which has no request, ``http://127.0.0.1:5000``."""
    public_url = current_app.config.get("PUBLIC_URL") or ""
    if has_request_context():
        if public_url:
            return public_url.rstrip("/") + url_for(endpoint, _external=False, **values)
        return url_for(endpoint, _external=True, **values)
    base = urlsplit(public_url or "http://127.0.0.1:5000")
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
