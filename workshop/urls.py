"""Links that leave the site, e.g. in e-mails: built on ``PUBLIC_URL``, never on a Host header that
``TRUSTED_HOSTS`` does not vouch for."""

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for

LOCAL_URL = "http://127.0.0.1:5000"  # the development server's and `make run`'s address


def external_url(endpoint: str, **values) -> str:
    """``PUBLIC_URL`` followed by the path of ``endpoint``. Without ``PUBLIC_URL``: the address the
    request came to when ``TRUSTED_HOSTS`` is set (Flask has answered 400 to any other host before
    the view ran); else, and in the worker, which has no request, ``http://127.0.0.1:5000``."""
    public_url = current_app.config.get("PUBLIC_URL") or ""
    if not public_url and has_request_context() and current_app.config.get("TRUSTED_HOSTS"):
        return url_for(endpoint, _external=True, **values)
    base = urlsplit(public_url or LOCAL_URL)
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


MARK_ID = 9_081_726_354_546  # a number no other part of a link holds


def links_by_id(endpoint: str, id_name: str, **values) -> Callable[[int], str]:
    """``url_for(endpoint, **values, <id_name>=n)`` for every n, from one call to url_for: for pages that
    link many rows (the agenda's sessions and speakers, a person's registrations)."""
    url = url_for(endpoint, **values, **{id_name: MARK_ID})
    head, found, tail = url.partition(str(MARK_ID))
    if not found or str(MARK_ID) in tail:
        raise ValueError(f"{endpoint}: {id_name} is not once in {url}")
    return lambda row_id: f"{head}{int(row_id)}{tail}"
