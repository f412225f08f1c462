"""Where rate limits are counted, so that every process of the site counts the same hits:
Redis when the settings name one, otherwise a SQLite file that the workers of one machine share."""

from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from . import rate_limit_storage  # noqa: F401  (registers sqlite:/// URLs with the limits library)
from .extensions import limiter

REDIS_SCHEMES = {"redis", "rediss", "redis+unix"}


def init_app(app: Flask) -> None:
    config = app.config
    if not config.get("RATELIMIT_STORAGE_URI"):
        config["RATELIMIT_STORAGE_URI"] = (
            config.get("REDIS_URL") or f"sqlite:///{Path(app.instance_path) / 'ratelimits.sqlite'}"
        )
    if is_redis(config["RATELIMIT_STORAGE_URI"]):
        config["RATELIMIT_STORAGE_OPTIONS"] = {**redis_options(), **config.get("RATELIMIT_STORAGE_OPTIONS", {})}
    limiter.init_app(app)


def redis_options() -> dict:
    """A Redis that does not answer costs a request about two seconds at most, not the client's
    default of ten retries after waiting for the system's connection timeout: then the request
    is counted in memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED)."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # One retry at once: a pooled connection that Redis closed (after a restart) is replaced.
    return {"socket_connect_timeout": 1, "socket_timeout": 1, "retry": Retry(NoBackoff(), 1)}


def is_redis(url: str) -> bool:
    return urlsplit(url).scheme in REDIS_SCHEMES
