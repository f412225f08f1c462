"""Participants: register, see and change their registrations, cancel."""

from functools import cache

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import bindparam
from sqlalchemy.orm import contains_eager

from ..accounts.signing_in import log_in
from ..bounds import database_id
from ..errors import DomainError
from ..events.models import Event
from ..extensions import db, limiter
from ..formtools import show_domain_error, showing_errors
from ..language_of_parts import with_lang
from ..lookups import visible_event
from ..privacy_notice import services as privacy_notice
from ..questions.forms import form_with_questions, question_fields
from ..urls import links_by_id
from . import bp, services
from .answers import display_value, previous_answers
from .forms import (
    CancelForm,
    EditRegistrationForm,
    RegistrationForm,
    VisitorRegistrationForm,
    details_from_form,
    fill_from_registration,
    fill_from_user,
)
from .models import Registration
from .questions import REGISTRATION_FORM
from .states import ACTIVE, State


def registered_message(state: State) -> str:
    if state is State.CONFIRMED:
        return _("Your place is confirmed. We sent you an e-mail.")
    if state is State.WAITLISTED:
        return _("The event is full, so you are on the waiting list. We sent you an e-mail.")
    return _("Thank you: the organisers will look at your registration. We sent you an e-mail.")


def own_registration_or_404(registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or not current_user.is_authenticated or registration.user_id != current_user.id:
        abort(404)
    return registration


def signed_in() -> bool:
    return current_user.is_authenticated


def registered(response) -> bool:
    """Only the registrations made count, not a form sent back with something to fix."""
    return response.status_code == 302


def email_domain() -> str:
    """The e-mail domain a visitor's form names, for the limit on bursts from one domain."""
    return "visitor-domain:" + (request.form.get("email") or "").strip().lower().rpartition("@")[2]


def visitors_limited(view):
    """Visitors' registrations (each makes an account) limited per network address and per e-mail
    domain, counted in the limiter's shared storage, so that every process of the site counts them."""
    options = {"methods": ["POST"], "exempt_when": signed_in, "deduct_when": registered}
    by_domain = limiter.limit(
        lambda: current_app.config["VISITOR_DOMAIN_RATE_LIMIT"], key_func=email_domain, **options
    )(view)
    return limiter.limit(lambda: current_app.config["VISITOR_REGISTRATION_RATE_LIMIT"], **options)(by_domain)


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@visitors_limited
@visible_event
def register(event):
    if current_user.is_authenticated:
        existing = services.registration_of(current_user, event.id)
        if existing is not None and existing.state in ACTIVE:
            flash(_("You are registered for this event already."), "info")
            return redirect(url_for("registration.show", registration_id=existing.id))
    questions = services.event_questions(event.id)
    base = RegistrationForm if current_user.is_authenticated else VisitorRegistrationForm
    form = form_with_questions(REGISTRATION_FORM, base, questions)()
    if request.method == "GET":
        if current_user.is_authenticated:
            fill_from_user(form, current_user)
        else:
            form.locale.data = str(get_locale())
    closed = services.registration_closed_reason(event)
    if form.validate_on_submit() and not closed:
        details = details_from_form(form, questions)
        notice_shown = database_id(form.privacy_notice.data)
        try:
            if current_user.is_authenticated:
                registration = services.register(
                    current_user._get_current_object(), event.id, details, form.privacy.data, notice_shown, questions
                )
            else:
                registration = services.register_visitor(
                    form.email.data,
                    form.password.data,
                    form.locale.data,
                    event.id,
                    details,
                    form.privacy.data,
                    notice_shown,
                    questions,
                )
                log_in(registration.user)
        except services.AccountExists as error:
            show_domain_error(form, error)
            flash(_("Log in first, then register: your answers here are not saved yet."), "warning")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(registered_message(registration.state), "success")
            return redirect(url_for("registration.show", registration_id=registration.id))
    elif form.privacy.errors and not form.csrf_token.errors and not closed:
        privacy_notice.record_refused_consent(event.id)
    notice = privacy_notice.current_notice(event.id)
    form.privacy_notice.data = notice.id if notice is not None else ""  # what is agreed to is what is shown
    return render_template(
        "registration/register.html",
        event=event,
        form=form,
        questions=question_fields(form, questions),
        closed=closed,
        notice=notice,
    )


@cache
def own_registrations():
    """The person's registrations with their events, and with each what the page shows beside it
    (the place on the waiting list, the valid certificate, the evaluation, whether a visa letter
    was asked for), in one statement; built once, as building a statement costs more than running it."""
    from ..certificates.services import valid_certificate_id
    from ..feedback.services import evaluation_state_columns
    from ..letters.services import has_request

    return (
        db.select(
            Registration,
            services.waiting_ahead(Registration),
            valid_certificate_id(Registration.id),
            *evaluation_state_columns(Registration),
            has_request(Registration.id),
        )
        .where(Registration.user_id == bindparam("user_id"))
        .join(Registration.event)
        .options(contains_eager(Registration.event))
        .order_by(Event.starts_at.desc())
    )


@bp.get("/registrations")
@login_required
def mine():
    from ..feedback.services import evaluation_status
    from ..letters.services import own_requests

    user = current_user._get_current_object()
    rows = db.session.execute(own_registrations(), {"user_id": user.id}).all()
    registrations = [row[0] for row in rows]
    positions, certificates, evaluations = {}, {}, {}
    for registration, ahead, certificate_id, answered, evaluation_open, _letter in rows:
        if registration.state is State.WAITLISTED:
            positions[registration.id] = ahead + 1
        if certificate_id is not None:
            certificates[registration.id] = certificate_id
        status = evaluation_status(user, registration, answered, evaluation_open)
        if status:
            evaluations[registration.id] = status
    return render_template(
        "registration/mine.html",
        registrations=registrations,
        positions=positions,
        certificates=certificates,
        evaluations=evaluations,
        visa_letters=own_requests(user, [row[0] for row in rows if row[5]]),
        state_labels=services.STATE_LABELS,
        link=links_by_id("registration.show", "registration_id"),
        badge_link=links_by_id("attendance.my_badge", "registration_id"),
        letter_link=links_by_id("letters.request", "registration_id"),
        certificate_link=links_by_id("certificates.download", "certificate_id"),
    )


@bp.app_template_filter()
def participant_name(registration) -> Markup:
    """The name on a registration, marked with its language; a registration whose person was erased
    (an account deleted, the event's retention period over) says so instead of showing nothing."""
    if not registration.full_name:
        return Markup.escape(_("Anonymised participant"))
    return with_lang(registration.full_name)


@bp.route("/registrations/<int:registration_id>", methods=["GET", "POST"])
@login_required
def show(registration_id):
    registration = own_registration_or_404(registration_id)
    questions = services.event_questions(registration.event_id)
    form = form_with_questions(REGISTRATION_FORM, EditRegistrationForm, questions, previous_answers(registration))()
    editable_reason = services.registration_closed_reason(registration.event)
    if request.method == "GET":
        fill_from_registration(form, registration, questions)
    elif form.validate_on_submit():
        with showing_errors(form):
            services.update_details(
                current_user._get_current_object(), registration.id, details_from_form(form, questions)
            )
            flash(_("Your answers are saved."), "success")
            return redirect(url_for("registration.show", registration_id=registration.id))
    return render_template(
        "registration/show.html",
        registration=registration,
        form=form,
        questions=question_fields(form, questions),
        editable=editable_reason is None and registration.state in ACTIVE,
        position=services.waitlist_position(registration),
        state_labels=services.STATE_LABELS,
        display_value=display_value,
    )


@bp.route("/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(registration_id):
    registration = own_registration_or_404(registration_id)
    form = CancelForm()
    if form.validate_on_submit():
        with showing_errors():
            services.cancel_own(current_user._get_current_object(), registration.id, form.reason.data or "")
            flash(_("Your registration is cancelled."), "success")
        return redirect(url_for("registration.show", registration_id=registration.id))
    return render_template("registration/cancel.html", registration=registration, form=form)
