"""What a production process (``workshop.wsgi`` under gunicorn, ``workshop.worker``) checks before
it starts: what development may leave out but a public site may not, and the services that the
settings name."""

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from flask import Flask

from .rate_limits import is_redis, redis_options


class ProductionSettingsError(RuntimeError):
    """The site must not start like this; the message says what to set."""


def check_production_settings(app: Flask) -> None:
    problems = []
    if app.extensions.get("ephemeral_secret_key"):
        instance = Path(app.instance_path)
        problems.append(
            "No secret key is set, so sessions and signed links would end at every restart and differ between workers. "
            "Set one of: the environment variable WORKSHOP_SECRET_KEY; SECRET_KEY in "
            f"{instance / 'config.py'}; or the file {instance / 'secret_key'} "
            f"(python3 -c 'import secrets; print(secrets.token_hex(32))' > {instance / 'secret_key'})."
        )
    problems += unreachable_redis(app)
    if problems:
        raise ProductionSettingsError("The site refuses to start:\n- " + "\n- ".join(problems))


def unreachable_redis(app: Flask) -> list[str]:
    """A message for each Redis that the settings name and that does not answer."""
    import redis

    settings = {}  # URL -> the first setting that names it
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI"):
        url = app.config.get(name)
        if url and is_redis(url):
            settings.setdefault(url, name)
    problems = []
    for url, name in settings.items():
        client = redis.Redis.from_url(url.replace("redis+unix://", "unix://"), **redis_options())
        try:
            client.ping()
        except redis.RedisError as error:
            problems.append(
                f"Redis at {without_password(url)} does not answer ({error}). Start it, or correct WORKSHOP_{name}."
            )
        finally:
            client.close()
    return problems


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))
