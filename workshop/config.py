"""Configuration: these defaults, then ``instance/config.py``, then ``WORKSHOP_*`` environment variables."""

import json
import os
from datetime import timedelta
from typing import ClassVar

from flask import Config

LOCAL_HOSTS = ("127.0.0.1", "localhost")


class Defaults:
    # From instance/config.py, WORKSHOP_SECRET_KEY or the file instance/secret_key; without one,
    # development gets a key for as long as the process runs, and production refuses to start
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None  # DATABASE_URL, else SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {}

    # E-mail: SMTP when MAIL_SERVER is set, otherwise .eml files in instance/outbox/
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = False  # STARTTLS on a plain connection (port 587)
    MAIL_USE_SSL = False  # TLS from the first byte (port 465)
    MAIL_DEFAULT_SENDER = "Workshop Manager <no-reply@workshops.example.org>"
    MAIL_OUTBOX_DIR = None  # defaults to instance/outbox
    MAIL_TIMEOUT = 30  # seconds the worker waits for the mail server before trying later
    MAIL_MAX_ATTEMPTS = 12  # then the message is marked failed and organisers may resend it
    MAIL_RETRY_SECONDS = 60  # the wait after the first failed attempt, doubled after each one ...
    MAIL_RETRY_MAX_SECONDS = 3600  # ... up to this: twelve attempts span about seven hours
    MAIL_MESSAGE_ID_DOMAIN = "workshops.example.org"
    # Organisers who chose a daily digest get it at the worker's first look after this hour (UTC)
    NOTICE_DIGEST_HOUR = 6

    # What every process of the site shares, the job queue and the rate limits, is kept in Redis
    # when this is set (e.g. "redis://127.0.0.1:6379/0"), otherwise in SQLite files in the instance folder.
    REDIS_URL = ""
    # Background jobs (e-mail, bulk work, scheduled erasure): Huey on Redis when REDIS_URL is set,
    # otherwise on instance/jobs.sqlite. JOBS_IMMEDIATE runs each job at once, in the process that
    # queues it (tests; the development server), so that no worker is needed.
    JOBS_IMMEDIATE = False
    JOB_STALL_SECONDS = 120  # a job without progress for this long is taken up again (its worker died)

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES: ClassVar[dict[str, str]] = {"en": "English", "zh": "简体中文"}

    # Empty: Redis at REDIS_URL when it is set, else a SQLite file in the instance folder, which
    # the workers of one machine share. A URL here wins over both, e.g. "memory://" in tests.
    RATELIMIT_STORAGE_URI = ""
    # When the storage stops answering, each process counts in its own memory (and logs it) until
    # the storage answers again: the site stays up, with limits per process meanwhile.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"
    RESET_RATE_LIMIT = "5 per minute"
    VERIFY_RATE_LIMIT = "30 per minute"  # the public verification of certificates, per address
    API_PUBLIC_RATE_LIMIT = "120 per minute"  # the public part of the JSON API, per address
    API_TOKEN_RATE_LIMIT = "300 per minute"  # the organisers' part of the JSON API, per token
    # Registrations by visitors (without an account first): per network address, and per e-mail
    # domain in a burst (one domain such as qq.com is shared by many honest people: keep it wide)
    VISITOR_REGISTRATION_RATE_LIMIT = "5 per hour"
    VISITOR_DOMAIN_RATE_LIMIT = "30 per 10 minutes"

    # Uploads (materials, speakers' photos, logos, signatures) are kept in this directory; when several
    # servers serve the site it is one directory they all share (NFS or similar). A relative path is
    # taken from the instance folder; None: instance/uploads.
    UPLOAD_DIR = None
    # A larger file is refused with a message.
    UPLOAD_MAX_BYTES = 50 * 1024 * 1024
    PHOTO_MAX_BYTES = 5 * 1024 * 1024
    # An office document (a ZIP archive inside) whose parts together unpack to more is refused
    UPLOAD_MAX_UNPACKED_BYTES = 500 * 1024 * 1024
    # A logo, signature or photo larger in pixels is refused before it is decoded (8000 × 5000;
    # decoding one takes up to 160 MB for a moment, after which it is kept at the size it is shown)
    IMAGE_MAX_PIXELS = 40_000_000

    # PDFs: Chinese, Japanese and Korean in this TrueType font (.ttf, or a .ttc collection of TrueType
    # fonts), embedded as a subset; empty: the shipped WenQuanYi Micro Hei (workshop/pdf/fonts)
    CJK_FONT_PATH = ""

    # Self check-in with a session's code: open from this many minutes before the session starts
    # until this many minutes after it ends
    SELF_CHECK_IN_MARGIN_MINUTES = 15

    # Passport details entered for visa letters are erased this many days after the event ends
    # (`flask erase-passport-details`, run daily, and whenever organisers open the letters page)
    PASSPORT_RETENTION_DAYS = 30
    # A person's export of their own data can be downloaded for this many days after it is ready
    PERSONAL_DATA_EXPORT_DAYS = 7
    # Entries of the audit log (who changed what) are deleted this many days after they were written (daily)
    AUDIT_RETENTION_DAYS = 730
    # A section of the workshop report, or a session summary, in characters of Markdown
    REPORT_TEXT_MAX_CHARS = 100_000

    PASSWORD_HASH_METHOD = "scrypt"
    EMAIL_VERIFICATION_MAX_AGE = 3 * 24 * 3600
    PASSWORD_RESET_MAX_AGE = 2 * 3600

    # Each form checks its own token, so a form whose token expired comes back with what was typed;
    # POST views without a form call csrf.protect() themselves.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # True in production (HTTPS); False lets a local http:// site work
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False  # True in production, as SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    EVENTS_PER_PAGE = 20
    PROXY_COUNT = 0  # reverse proxies whose X-Forwarded-* headers are trusted
    # The site's address for links in e-mails, e.g. "https://workshops.example.org"; empty: the
    # request's host, which TRUSTED_HOSTS vouches for (`make run` sets it to its own address)
    PUBLIC_URL = ""
    # Browsers that reached the site over HTTPS are told to use only HTTPS for this many seconds
    # (Strict-Transport-Security); 0: not told. Behind a proxy, HTTPS is seen through PROXY_COUNT.
    HSTS_MAX_AGE = 365 * 24 * 3600
    # Flask answers 400 to a request for any other host (its Host header, or X-Forwarded-Host behind
    # a proxy). A public site names its own, e.g. ["workshops.example.org"]; None accepts every host,
    # and then links in e-mails never take the request's host.
    TRUSTED_HOSTS: ClassVar[list[str] | None] = list(LOCAL_HOSTS)


def read_settings(config: Config) -> None:
    """The defaults, then ``config.py`` in ``config``'s folder (the instance folder), then the environment."""
    config.from_object(Defaults)
    config.from_pyfile("config.py", silent=True)
    load_environment(config)


def load_environment(config: dict) -> None:
    """Apply ``WORKSHOP_*`` variables (values parsed as JSON when they can be) and ``DATABASE_URL``."""
    for key, raw in os.environ.items():
        if not key.startswith("WORKSHOP_"):
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        config[key.removeprefix("WORKSHOP_")] = value
    if os.environ.get("DATABASE_URL") and not os.environ.get("WORKSHOP_SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])


def normalise_database_url(url: str) -> str:
    """Point plain ``postgres://`` and ``postgresql://`` URLs at psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url
