"""Logged-in clients for the benchmark: the session cookie and CSRF token a browser would hold after
logging in, made in this process with the application's own ``login_user`` and CSRF token.

The login form is not used: it accepts a few attempts a minute from one address and checks a
scrypt hash each time, which would make preparing two hundred clients the slowest part of the run.
"""

from dataclasses import dataclass

from flask import Flask, session
from flask_login import login_user
from flask_wtf.csrf import generate_csrf

from workshop.accounts import logins as signing_in
from workshop.accounts.models import User
from workshop.extensions import db


@dataclass(frozen=True)
class Login:
    cookie: str  # the value of a Cookie header
    csrf_token: str


def logins(app: Flask, user_ids: list[int]) -> list[Login]:
    made = []
    for user_id in user_ids:
        with app.test_request_context("/"):  # an application context of its own: the CSRF token is kept in ``g``
            user = db.session.get(User, user_id)
            signing_in.start(user)  # the log-in the cookie names, as the login form starts one
            login_user(user)
            csrf_token = generate_csrf()
            response = app.response_class()
            app.session_interface.save_session(app, session, response)
            db.session.remove()
        made.append(Login(response.headers["Set-Cookie"].split(";", 1)[0], csrf_token))
    with app.app_context():
        db.engine.dispose()  # hold no SQLite connection while gunicorn's workers write
    return made
