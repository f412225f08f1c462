"""Language choice: the user's preference, then the visitor's choice, then Accept-Language."""

from flask import current_app, has_request_context, request, session
from flask_login import current_user

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
