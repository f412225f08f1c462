"""Language choice: the user's preference, then the visitor's choice, then Accept-Language."""

from functools import cache

from babel.support import Translations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.i18n import messages_path

SESSION_KEY = "lang"


def translated_labels(lazy: dict) -> dict:
    """Lazy labels translated once for a page, not once for each row that shows one."""
    return {key: str(value) for key, value in lazy.items()}


def select_locale() -> str:
    if not has_request_context():  # a flask command, or mail composed outside a request
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = list(current_app.config["LANGUAGES"])
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get(SESSION_KEY)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def request_translations():
    """The catalogue of the locale in force, looked up once for each locale a request uses.

    Flask-Babel finds it anew for every string (the context, the domain, the locale's name); a page
    translates dozens. Kept beside Flask-Babel's own locale, so ``force_locale`` (an e-mail in its
    recipient's language) gets that language's catalogue."""
    locale = getattr(g.get("_flask_babel"), "babel_locale", None)
    kept = g.get("_catalogue")
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()  # which settles the request's locale when it had none yet
    g._catalogue = (getattr(g.get("_flask_babel"), "babel_locale", None), translations)
    return translations


def lazy_text_as_html(lazy: LazyString) -> Markup:
    """A lazy message's HTML: its text, escaped. Flask-Babel hands a lazy string to templates as
    markup, as it is, so a person's name or an event's title put into one (``%(name)s``) would be
    read as HTML wherever the message is shown."""
    return escape(str(lazy))


def install_template_translations(app: Flask) -> None:
    LazyString.__html__ = lazy_text_as_html
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


@cache
def wtforms_catalogue(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsMessages:
    """WTForms' own messages ("Not a valid choice.") in the request's language, each catalogue read
    from disk once per process: Flask-WTF reads and parses it again for every request with a form."""

    def ugettext(self, string: str) -> str:
        return wtforms_catalogue(str(get_locale())).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


WTFORMS_MESSAGES = WTFormsMessages()


def install_form_translations(app: Flask) -> None:
    @app.before_request
    def share_wtforms_messages() -> None:
        request.wtforms_translations = WTFORMS_MESSAGES  # where Flask-WTF looks before reading the file
