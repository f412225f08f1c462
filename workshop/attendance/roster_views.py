"""Rosters and session codes (organisers and check-in staff), self check-in (participants), and the
scanner tokens of an event (organisers)."""

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import csrf, limiter
from ..formatting import format_in_zone
from ..formtools import showing_errors
from ..lookups import acting_user, check_in_event, managed_event
from ..pdf import qr
from ..urls import external_url
from . import bp, recording, rosters, self_check_in, tokens
from .models import ARRIVAL
from .roster_forms import ApiTokenForm, RevokeTokenForm, RosterForm, SelfCheckInForm, SessionCodeForm

# --- rosters ---------------------------------------------------------------------------


@bp.route("/manage/events/<slug>/sessions/<int:session_id>/roster", methods=["GET", "POST"])
@check_in_event
def roster(event, session_id):
    """Session 0 is arrival at the event."""
    session = rosters.session_of_event(event, session_id)
    search = request.args.get("q", "")[:100]
    form = RosterForm()
    if request.method == "POST" and form.validate_on_submit():
        with showing_errors():
            if form.undo.data is not None:
                registration = rosters.undo(acting_user(), event, session, form.undo.data)
                flash(_("The mark of %(name)s is undone.", name=registration.full_name), "success")
            else:
                done, problems = rosters.mark_many_present(acting_user(), event, session, form.ids.data or [])
                if done:
                    flash(_("Marked present: %(count)d.", count=done), "success")
                if problems:
                    flash(_("Not done: %(problems)s", problems="; ".join(problems)), "warning")
        return redirect(url_for("attendance.roster", slug=event.slug, session_id=session_id, q=search or None))
    if request.method == "POST" and not form.csrf_token.errors:
        flash(_("Tick the participants to mark present."), "danger")
    rows = rosters.session_roster(event, session, search)
    return render_template(
        "attendance/roster.html",
        event=event,
        session=session,
        session_id=session_id,
        sessions=rosters.event_sessions(event),
        rows=rows,
        present=sum(1 for row in rows if row.present),
        search=search,
        form=form,
        method_labels=rosters.METHOD_LABELS,
        arrival=ARRIVAL,
    )


# --- the session's code, for self check-in ---------------------------------------------------


@bp.route("/manage/events/<slug>/sessions/<int:session_id>/code", methods=["GET", "POST"])
@check_in_event
def session_code(event, session_id):
    session = rosters.session_of_event(event, session_id)
    if session is None:
        abort(404)  # self check-in is for sessions; arrival is recorded at the desk
    form = SessionCodeForm()
    if request.method == "POST" and form.validate_on_submit():
        regenerate = request.form.get("regenerate") == "1"
        with showing_errors():
            self_check_in.show_code(acting_user(), session, regenerate=regenerate)
            if regenerate:
                flash(_("A new code is made; the old one no longer works."), "success")
        return redirect(url_for("attendance.session_code", slug=event.slug, session_id=session.id))
    code = self_check_in.code_of(session)
    link = qr_svg = None
    if code is not None:
        link = external_url("attendance.self_check_in_code", code=code.code)
        qr_svg = qr.svg(link, error="m", css_class="session-qr")
    return render_template(
        "attendance/session_code.html",
        event=event,
        session=session,
        code=code,
        link=link,
        check_in_address=external_url("attendance.self_check_in"),
        qr_svg=qr_svg,
        window=self_check_in.window_of(session),
        margin=current_app.config["SELF_CHECK_IN_MARGIN_MINUTES"],
        form=form,
    )


# --- self check-in ------------------------------------------------------------------------------


def self_check_in_key() -> str:
    """Per person, not per address: a whole room checks in from behind one router."""
    return f"self-check-in:{current_user.get_id()}"


@bp.route("/check-in", methods=["GET", "POST"], endpoint="self_check_in")
@login_required
@limiter.limit("20 per minute", key_func=self_check_in_key, methods=["POST"])
def self_check_in_view():
    form = SelfCheckInForm()
    if form.validate_on_submit():
        with showing_errors(form):
            answer = self_check_in.check_in_with_code(acting_user(), form.code.data)
            session = answer.attendance.session
            if answer.outcome is recording.Outcome.ALREADY:
                flash(
                    _(
                        "You were already marked present at “%(title)s”, at %(time)s.",
                        title=session.title,
                        time=format_time(answer.recorded_at, session),
                    ),
                    "info",
                )
            else:
                flash(_("You are marked present at “%(title)s”. Thank you!", title=session.title), "success")
            return redirect(url_for("attendance.self_check_in"))
    return self_check_in_page(form)


@bp.get("/check-in/<code>")
@login_required
def self_check_in_code(code):
    """The address in the QR code: the form with the code filled in; nothing is recorded until it is sent."""
    form = SelfCheckInForm(code=code[:32])
    return self_check_in_page(form)


def self_check_in_page(form: SelfCheckInForm):
    session = self_check_in.session_for_code(form.code.data) if form.code.data and not form.code.errors else None
    return render_template("attendance/self_check_in.html", form=form, session=session)


def format_time(moment, session) -> str:
    return format_in_zone(moment, session.event.timezone)


# --- scanner tokens -----------------------------------------------------------------------------


@bp.route("/manage/events/<slug>/check-in/tokens", methods=["GET", "POST"])
@managed_event
def api_tokens(event):
    form = ApiTokenForm()
    new_token = None
    if form.validate_on_submit():
        with showing_errors(form):
            token, new_token = tokens.create_token(acting_user(), event, form.name.data)
            flash(
                _("The token “%(name)s” is made. Copy it now: it is shown only this once.", name=token.name), "success"
            )
            form = ApiTokenForm(formdata=None)
    response = make_response(
        render_template(
            "attendance/api_tokens.html",
            event=event,
            form=form,
            new_token=new_token,
            tokens=tokens.event_tokens(event),
            revoke_form=RevokeTokenForm(),
            sessions=rosters.event_sessions(event),
        )
    )
    response.headers["Cache-Control"] = "no-store"  # a new token is on the page
    return response


@bp.post("/manage/events/<slug>/check-in/tokens/<int:token_id>/revoke")
@managed_event
def revoke_api_token(event, token_id):
    csrf.protect()  # a button: without a valid token the CSRF page explains
    token = tokens.revoke_token(acting_user(), event, token_id)
    flash(
        _("The token “%(name)s” is revoked: devices using it can no longer record attendance.", name=token.name),
        "success",
    )
    return redirect(url_for("attendance.api_tokens", slug=event.slug))
