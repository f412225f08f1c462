"""The workshop and training event manager."""

import logging
import os
import secrets
import sys
from pathlib import Path


def require_python(version: tuple[int, ...] = tuple(sys.version_info)) -> None:
    if version < (3, 12):
        raise RuntimeError(
            f"The workshop manager needs Python 3.12 or newer; this is Python {'.'.join(map(str, version[:3]))}."
            " Under load, CPython 3.11.7 crashed gunicorn's workers in its garbage collector."
        )


require_python()

from flask import Flask  # noqa: E402

from . import bounds, rate_limits, routing  # noqa: E402
from . import config as config_module  # noqa: E402
from .database import QueuedWriterConnection  # noqa: E402
from .extensions import babel, csrf, db, login, migrate  # noqa: E402


def create_app(test_config: dict | None = None) -> Flask:
    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=os.environ.get("WORKSHOP_INSTANCE_PATH", str(root / "instance")),
        instance_relative_config=True,
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
    )
    routing.init_app(app)
    if test_config is None:
        config_module.read_settings(app.config)
    else:
        app.config.from_object(config_module.Defaults)
        app.config.update(test_config)
    # A request with a file over the limit is cut off early (413) instead of filling the disk;
    # the margin leaves room for the form's other fields, so a file just over the limit gets
    # its message next to the field.
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit
        app.config["MAX_CONTENT_LENGTH"] = int(app.config["UPLOAD_MAX_BYTES"]) + 1024 * 1024
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    # Created by the first upload, not here: a share that is not reachable yet must not stop the site.
    app.config["UPLOAD_DIR"] = str(Path(app.instance_path) / (app.config.get("UPLOAD_DIR") or "uploads"))
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
    rate_limits.init_app(app)
    from .i18n import install_form_translations, install_template_translations, select_locale

    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories=str(Path(__file__).parent / "translations")
    )
    install_template_translations(app)
    install_form_translations(app)
    configure_login(app)
    bounds.init_app(app)

    from . import (
        accounts,
        admin,
        agenda,
        api_v1,
        attendance,
        audit,
        certificates,
        events,
        feedback,
        jobs,
        letters,
        mail,
        materials,
        messages,
        notices,
        privacy,
        privacy_notice,
        publishing,
        registration,
        reports,
        static_files,
        team,
        web,
    )
    from .jobs import queue

    queue.configure(app)

    domains = (accounts, events, registration, agenda, materials, attendance, certificates, letters, feedback)
    for domain in (
        *domains,
        team,
        reports,
        publishing,
        admin,
        audit,
        mail,
        messages,
        jobs,
        notices,
        privacy_notice,
        privacy,
        api_v1,
    ):
        app.register_blueprint(domain.bp)
    app.register_blueprint(api_v1.pages)
    web.init_app(app)
    static_files.init_app(app)

    from . import cli

    cli.init_app(app)
    return app


def configure_secret_key(app: Flask) -> None:
    """The key from the settings (instance/config.py, WORKSHOP_SECRET_KEY) or from the file
    instance/secret_key. Without one, a key that lasts as long as the process: enough for the
    development server, the flask commands and the tests; production refuses to start without an
    explicit key (workshop.production)."""
    if app.config.get("SECRET_KEY"):
        return
    key_file = Path(app.instance_path) / "secret_key"
    key = key_file.read_text().strip() if key_file.is_file() else ""
    if key:
        app.config["SECRET_KEY"] = key
        return
    app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.extensions["ephemeral_secret_key"] = True


def configure_database(app: Flask) -> None:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        uri = f"sqlite:///{Path(app.instance_path) / 'workshop.sqlite'}"
    uri = config_module.normalise_database_url(uri)
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        # Copies, not the defaults' own dicts: another app in the same process may use PostgreSQL.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {"timeout": 30, "factory": QueuedWriterConnection, **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def configure_login(app: Flask) -> None:
    from .accounts import logins

    login.init_app(app)
    login.login_view = "accounts.login"
    login.login_message_category = "info"
    from flask_babel import lazy_gettext as _l

    login.login_message = _l("Please log in to open this page.")

    @login.user_loader
    def load_user(identity: str):
        return logins.user_of(identity)
