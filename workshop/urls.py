"""Links that leave the site, e.g. in e-mails: built on ``PUBLIC_URL``, never on the request's Host header."""

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """``PUBLIC_URL`` followed by the path of ``endpoint``; without ``PUBLIC_URL`` (development), the
    address the request came to."""
    public_url = current_app.config.get("PUBLIC_URL") or ""
    if public_url:
        return public_url.rstrip("/") + url_for(endpoint, _external=False, **values)
    return url_for(endpoint, _external=True, **values)
