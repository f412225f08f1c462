"""The workshop and training event manager."""

import logging
import os
import secrets
import sys
import time
from pathlib import Path


def require_python(version: tuple[int, ...] = tuple(sys.version_info)) -> None:
    if version < (3, 12):
        raise RuntimeError(
            f"The workshop manager needs Python 3.12 or newer; this is Python {'.'.join(map(str, version[:3]))}."
            " Under load, CPython 3.11.7 crashed gunicorn's workers in its garbage collector."
        )


require_python()

from flask import Flask  # noqa: E402

from . import config as config_module  # noqa: E402
from .extensions import babel, csrf, db, limiter, login, migrate  # noqa: E402


def create_app(test_config: dict | None = None) -> Flask:
    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=os.environ.get("WORKSHOP_INSTANCE_PATH", str(root / "instance")),
        instance_relative_config=True,
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
    )
    app.config.from_object(config_module.Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        config_module.load_environment(app.config)
    else:
        app.config.update(test_config)
    # A request with a file over the limit is cut off early (413) instead of filling the disk;
    # the margin leaves room for the form's other fields, so a file just over the limit gets
    # its message next to the field.
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit
        app.config["MAX_CONTENT_LENGTH"] = int(app.config["UPLOAD_MAX_BYTES"]) + 1024 * 1024
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure_secret_key(app)
    configure_database(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(root / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    from .i18n import select_locale

    babel.init_app(app, locale_selector=select_locale, default_translation_directories=str(Path(__file__).parent / "translations"))
    configure_login(app)

    from . import accounts, admin, agenda, attendance, certificates, events, feedback, letters, materials, registration, reports, static_files, web

    app.register_blueprint(accounts.bp)
    app.register_blueprint(events.bp)
    app.register_blueprint(registration.bp)
    app.register_blueprint(agenda.bp)
    app.register_blueprint(materials.bp)
    app.register_blueprint(attendance.bp)
    app.register_blueprint(certificates.bp)
    app.register_blueprint(letters.bp)
    app.register_blueprint(feedback.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(admin.bp)
    web.init_app(app)
    static_files.init_app(app)

    from . import cli

    cli.init_app(app)
    return app


def configure_secret_key(app: Flask) -> None:
    """Keep a generated key in the instance folder so sessions survive restarts of a fresh install."""
    if app.config.get("SECRET_KEY"):
        return
    key_file = Path(app.instance_path) / "secret_key"
    try:  # created only if absent, readable only by its owner: workers starting together agree on one key
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        app.config["SECRET_KEY"] = read_secret_key(key_file)
        return
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w") as f:
        f.write(key)
    app.config["SECRET_KEY"] = key


def read_secret_key(key_file: Path) -> str:
    """The key another worker wrote; it may have created the file a moment before writing to it."""
    for _attempt in range(50):
        key = key_file.read_text().strip()
        if key:
            return key
        time.sleep(0.1)
    raise RuntimeError(f"{key_file} is empty: delete it, or set SECRET_KEY")


def configure_database(app: Flask) -> None:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        uri = f"sqlite:///{Path(app.instance_path) / 'workshop.sqlite'}"
    uri = config_module.normalise_database_url(uri)
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        # Copies, not the defaults' own dicts: another app in the same process may use PostgreSQL.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {"timeout": 30, **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def configure_login(app: Flask) -> None:
    from .accounts.models import User

    login.init_app(app)
    login.login_view = "accounts.login"
    login.login_message_category = "info"
    from flask_babel import lazy_gettext as _l

    login.login_message = _l("Please log in to open this page.")

    @login.user_loader
    def load_user(identity: str):
        user_id, _, version = identity.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or str(user.session_version) != version:
            return None
        return user
