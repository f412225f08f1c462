from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import csrf, limiter
from ..formtools import show_domain_error, showing_errors
from ..redirects import safe_next
from . import bp, logins, services
from .forms import ChangePasswordForm, EmailOnlyForm, LoginForm, ProfileForm, ResetPasswordForm, SignUpForm
from .signing_in import log_in, log_out
from .tokens import ExpiredToken, InvalidToken


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def account_key() -> str:
    """The account a form names, for limits per account besides those per address: the e-mail
    address as typed, normalised, whether an account has it or not, so that being limited tells
    nothing about which addresses have accounts."""
    return "account:" + services.normalise_email(request.form.get("email", ""))


def posts_limited(limit):
    """``limit`` on the posts of a form that names an account, counted per address and per account."""

    def decorate(view):
        by_account = limiter.limit(limit, key_func=account_key, methods=["POST"])(view)
        return limiter.limit(limit, methods=["POST"])(by_account)

    return decorate


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("events.index")))
    form = SignUpForm()
    if request.method == "GET":
        form.locale.data = str(get_locale())
        form.next.data = safe_next(request.args.get("next"), "")
        form.email.data = request.args.get("email", "")[:254]
    if form.validate_on_submit():
        with showing_errors(form):
            services.sign_up(
                form.email.data,
                form.password.data,
                form.full_name.data,
                form.native_name.data,
                form.locale.data,
                next_page=safe_next(form.next.data, ""),
            )
            return render_template("accounts/check_email.html", email=services.normalise_email(form.email.data))
    return render_template("accounts/signup.html", form=form, next_page=safe_next(form.next.data, ""))


def login_url_then(next_page: str | None) -> str:
    """The log-in page, which leads on to ``next_page`` when that is a page of this site."""
    target = safe_next(next_page, "")
    return url_for("accounts.login", next=target) if target else url_for("accounts.login")


@bp.get("/verify/<token>")
def verify_email(token):
    try:
        services.verify_email(token)
    except (ExpiredToken, InvalidToken) as error:
        flash(str(error), "warning")
        return redirect(login_url_then(request.args.get("next")))
    flash(_("Thank you: your e-mail address is confirmed. You can log in now."), "success")
    return redirect(login_url_then(request.args.get("next")))


@bp.route("/verify/resend", methods=["GET", "POST"])
@posts_limited(reset_limit)
def resend_verification():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_verification(form.email.data)
        flash(_("If that address has an account that is not yet confirmed, a new link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/resend_verification.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@posts_limited(login_limit)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data, url_for("events.index")))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.UnverifiedEmail as error:
            flash(str(error), "warning")
            return redirect(url_for("accounts.resend_verification"))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            log_in(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.full_name), "success")
            return redirect(safe_next(form.next.data, url_for("events.index")))
    return render_template("accounts/login.html", form=form, next_page=safe_next(form.next.data, ""))


@bp.post("/logout")
def logout():
    csrf.protect()  # a button with nothing typed: without a valid token the CSRF page explains
    if current_user.is_authenticated:
        log_out()
        flash(_("You are logged out."), "info")
    return redirect(url_for("events.index"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    csrf.protect()
    logins.end_all(current_user._get_current_object())
    log_out()
    flash(_("You are logged out on every device, this one too."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@posts_limited(reset_limit)
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If that address has an account, a link to reset the password is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(reset_limit, methods=["POST"])
def reset_password(token):
    try:
        services.user_for_reset_token(token)
    except (ExpiredToken, InvalidToken) as error:
        flash(str(error), "warning")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with showing_errors(form):
            services.reset_password(token, form.password.data)
            log_out()
            flash(_("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(
            current_user,
            form.full_name.data,
            form.native_name.data,
            form.locale.data,
            prefills_personal_details=bool(form.prefills_personal_details.data),
        )
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with showing_errors(form):
            user = services.change_password(
                current_user._get_current_object(), form.current_password.data, form.new_password.data
            )
            # This session carries on under the new session version, remembered on this device if it was; the others end
            remembered = bool(request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")))
            log_in(user, remember=remembered)
            flash(_("Your password is changed. You are logged out everywhere else."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)
