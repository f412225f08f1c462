"""Static files: served by WhiteNoise (gzip copies where `python -m whitenoise.compress static` made
them) and kept by browsers for a year. Each link carries a digest of the file's content, so a
changed file is fetched anew."""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, request, url_for
from flask.helpers import get_debug_flag
from werkzeug.security import safe_join
from whitenoise import WhiteNoise

ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    folder = app.static_folder
    digest_of_file = content_digest
    addresses: dict[tuple[str, str], str] | None = None  # in production: made once, by site root and file
    # `flask run --debug` sets the flag before the app is made, app.debug only after
    if not (app.debug or get_debug_flag()):  # in development Flask serves each file as it is edited
        app.wsgi_app = WhiteNoise(app.wsgi_app, root=folder, prefix=app.static_url_path, max_age=ONE_YEAR)
        # WhiteNoise serves the files it found when the process started, so each digest is read once too
        digest_of_file = lru_cache(maxsize=512)(content_digest)  # by the path as text: hashing a Path costs more
        addresses = {}

    @app.url_defaults
    def add_content_digest(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            path = safe_join(folder, values.get("filename", ""))
            digest = digest_of_file(path) if path else None
            if digest:
                values["v"] = digest

    @app.template_global()
    def static_url(filename: str) -> str:
        """The address of a static file with its digest, for the files every page links to."""
        if addresses is None:
            return url_for("static", filename=filename)
        key = (request.script_root, filename)
        address = addresses.get(key)
        if address is None:
            address = addresses[key] = url_for("static", filename=filename)
        return address


def content_digest(path: Path | str) -> str | None:
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return None
    return digest_of(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=512)
def digest_of(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
