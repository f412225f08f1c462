"""Redirects after a form: only ever to a page of this site."""

from urllib.parse import urlsplit


def is_safe_redirect(target: str | None) -> bool:
    """Only paths on this site: no scheme, no host, no protocol-relative ``//host`` or ``/\\host``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and "\\" not in target and not any(c < " " for c in target)


def safe_next(target: str | None, default: str) -> str:
    return target if is_safe_redirect(target) else default
