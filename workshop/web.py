"""What every page shares: error pages, filters, the language switcher, security headers."""

from datetime import datetime

from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_interval, format_time
from flask import Blueprint, Flask, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge, SecurityError

from . import security
from .accounts import services as accounts
from .countries import country_names
from .errors import Forbidden, MissingFile, NotFound
from .extensions import csrf, db
from .i18n import SESSION_KEY
from .redirects import safe_next
from .text import render_markdown

bp = Blueprint("web", __name__)


@bp.get("/privacy")
def privacy():
    return render_template("privacy.html")


@bp.post("/language")
def set_language():
    csrf.protect()  # not a FlaskForm: the token is checked here
    code = request.form.get("lang", "")
    if code in current_app.config["LANGUAGES"]:
        session[SESSION_KEY] = code
        if current_user.is_authenticated:
            accounts.set_locale(current_user, code)
    return redirect(safe_next(request.form.get("next"), url_for("events.index")))


def format_in_zone(moment: datetime | None, zone: str) -> str:
    """A UTC moment as wall-clock date and time in ``zone``, in the reader's language, without seconds."""
    if moment is None:
        return ""
    locale = Locale.parse(str(get_locale()))
    local = moment.astimezone(ZoneInfo(zone))
    day = format_date(local.date(), "medium", locale=locale)
    clock = format_time(local.time(), "short", locale=locale)
    return locale.datetime_formats["medium"].format(clock, day)


def date_range_in_zone(start: datetime, end: datetime, zone: str) -> str:
    """The days an event runs, e.g. "12–13 Mar 2027", as seen in its own time zone."""
    tz = ZoneInfo(zone)
    return format_interval(start.astimezone(tz).date(), end.astimezone(tz).date(), "yMMMd", locale=str(get_locale()))


def zone_label(zone: str, moment: datetime | None = None) -> str:
    """``Asia/Shanghai (UTC+08:00)``: the zone's name and its offset at ``moment``."""
    local = (moment or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(zone))
    offset = local.strftime("%z")
    return f"{zone} (UTC{offset[:3]}:{offset[3:]})"


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return country_names().get(code, code)


def init_app(app: Flask) -> None:
    from . import database  # noqa: F401  (registers the SQLite connection settings)

    app.register_blueprint(bp)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["in_zone"] = format_in_zone
    app.jinja_env.filters["date_range"] = date_range_in_zone
    app.jinja_env.filters["zone_label"] = zone_label
    app.jinja_env.filters["country_name"] = country_name

    @app.context_processor
    def shared_context():
        return {
            "languages": app.config["LANGUAGES"],
            "current_locale": str(get_locale()),
            "security": security,
        }

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.errorhandler(CSRFError)
    def csrf_expired(error):
        return render_template("errors/csrf.html", reason=error.description), 400

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        return error.get_response()  # a Host outside TRUSTED_HOSTS: no links can be built for it, so no page

    @app.errorhandler(Forbidden)
    def forbidden(error):
        return render_template("errors/error.html", code=403, message=str(error)), 403

    @app.errorhandler(NotFound)
    def not_found(error):
        return render_template("errors/error.html", code=404), 404

    @app.errorhandler(MissingFile)
    def missing_file(error):
        return render_template("errors/error.html", code=error.status, title=_("A file is missing"), message=str(error.public_message)), error.status

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error):
        from .uploads import max_upload_bytes, size_label

        message = _("The file is larger than the limit of %(limit)s.", limit=size_label(max_upload_bytes()))
        return render_template("errors/error.html", code=413, message=message), 413

    for code in (400, 403, 404, 405, 429, 500):
        app.register_error_handler(code, render_error)


def render_error(error):
    code = getattr(error, "code", 500) or 500
    if code == 500:
        db.session.rollback()
    return render_template("errors/error.html", code=code), code

