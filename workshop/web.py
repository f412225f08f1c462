"""What every page shares: error pages, filters, the language switcher, security headers."""

from flask import Blueprint, Flask, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge, SecurityError
from werkzeug.http import HTTP_STATUS_CODES

from . import security
from .accounts import services as accounts
from .errors import Forbidden, MissingFile, NotFound
from .extensions import csrf, db
from .formatting import clock, country_name, date_range_in_zone, day_heading, format_in_zone, zone_label
from .i18n import SESSION_KEY
from .language_of_parts import greeting_name, lang_attribute, name_with_lang, with_lang
from .layout import layout_part
from .page_errors import CSRF_EXPIRED, error_id, field_aria, is_group, page_messages
from .redirects import safe_next
from .text import render_markdown

bp = Blueprint("web", __name__)

# Scripts, styles, fonts and images only from the site's own files (no inline script, style or
# event handler); images also as data: URIs, which Bootstrap's stylesheet draws its icons with.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


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


def init_app(app: Flask) -> None:
    from . import database  # noqa: F401  (registers the SQLite connection settings)

    app.register_blueprint(bp)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["in_zone"] = format_in_zone
    app.jinja_env.filters["date_range"] = date_range_in_zone
    app.jinja_env.filters["zone_label"] = zone_label
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.filters["clock"] = clock
    app.jinja_env.filters["day_heading"] = day_heading
    app.jinja_env.globals["layout_part"] = layout_part
    app.jinja_env.filters["with_lang"] = with_lang
    app.jinja_env.filters["lang_attr"] = lang_attribute
    app.jinja_env.filters["name_with_lang"] = name_with_lang
    app.jinja_env.filters["greeting_name"] = greeting_name
    app.jinja_env.globals.update(
        page_messages=page_messages,
        field_aria=field_aria,
        error_id=error_id,
        is_group=is_group,
        csrf_expired=CSRF_EXPIRED,
    )

    @app.context_processor
    def shared_context():
        return {
            "languages": app.config["LANGUAGES"],
            "current_locale": str(get_locale()),
            "security": security,
        }

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure and app.config["HSTS_MAX_AGE"]:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={int(app.config['HSTS_MAX_AGE'])}")
        return response

    @app.errorhandler(CSRFError)
    def csrf_expired(error):
        return render_template("errors/csrf.html", reason=error.description), 400

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # A Host outside TRUSTED_HOSTS: no links can be built for it, so no page
        app.logger.warning(
            "refused a request for the host %r, which TRUSTED_HOSTS does not name", request.environ.get("HTTP_HOST")
        )
        return error.get_response()

    @app.errorhandler(Forbidden)
    def forbidden(error):
        return render_template("errors/error.html", code=403, message=str(error)), 403

    @app.errorhandler(NotFound)
    def not_found(error):
        return render_template("errors/error.html", code=404), 404

    @app.errorhandler(MissingFile)
    def missing_file(error):
        return render_template(
            "errors/error.html", code=error.status, title=_("A file is missing"), message=str(error.public_message)
        ), error.status

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error):
        from .uploads import max_upload_bytes, size_label

        message = _("The file is larger than the limit of %(limit)s.", limit=size_label(max_upload_bytes()))
        if is_api_request():
            return api_error(413, message)
        return render_template("errors/error.html", code=413, message=message), 413

    for code in (400, 403, 404, 405, 429, 500):
        app.register_error_handler(code, render_error)


def render_error(error):
    code = getattr(error, "code", 500) or 500
    if code == 500:
        db.session.rollback()
    if is_api_request():
        return api_error(code, getattr(error, "description", ""))
    return render_template("errors/error.html", code=code), code


def is_api_request() -> bool:
    """The scanners' JSON API answers every error in JSON, as its own answers."""
    return request.path.startswith("/api/")


def api_error(code: int, message: str):
    from .api_v1.problems import is_api_v1_path, problem_response

    if is_api_v1_path(request.path):  # the documented API answers problem details
        return problem_response(code, message)
    name = HTTP_STATUS_CODES.get(code, "error").lower().replace(" ", "_")
    response = jsonify({"error": name, "message": message or HTTP_STATUS_CODES.get(code, "")})
    response.headers["Cache-Control"] = "no-store"
    return response, code
