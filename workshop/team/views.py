"""The team page of an event (its organisers and admins only) and the invitation link.

Another event's organiser, check-in staff and participants get 403 (404 for a draft) on the team
page and on each of its buttons."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import security
from ..accounts.forms import ConfirmForm
from ..accounts.tokens import ExpiredToken, InvalidToken
from ..agenda.speakers import event_sessions
from ..errors import DomainError
from ..extensions import csrf
from ..formtools import showing_errors
from ..lookups import acting_user, event_for
from . import bp, services
from .forms import TeamMemberForm
from .models import TeamRole

team_event = event_for(security.can_manage_team)


def team_url(event) -> str:
    return url_for("team.team_page", slug=event.slug)


@bp.route("/manage/events/<slug>/team", methods=["GET", "POST"])
@team_event
def team_page(event):
    form = TeamMemberForm()
    sessions = event_sessions(event.id)
    form.set_sessions(sessions)
    if form.validate_on_submit():
        with showing_errors(form):
            role = TeamRole(form.role.data)
            added = services.add_member(acting_user(), event.id, form.email.data, role, form.sessions.data)
            label = services.ROLE_LABELS[role]
            if added.user is not None:
                flash(
                    _(
                        "%(name)s is now %(role)s of this event; we told them by e-mail.",
                        name=added.user.full_name,
                        role=label,
                    ),
                    "success",
                )
            else:
                flash(
                    _(
                        "No account has this address: an invitation is on its way to %(email)s.",
                        email=added.invitation.email,
                    ),
                    "success",
                )
            return redirect(team_url(event))
    return render_template(
        "team/team.html",
        event=event,
        form=form,
        members=services.team_of(event),
        invitations=[(i, services.invited_sessions(i)) for i in services.pending_invitations(event)],
        role_labels=services.ROLE_LABELS,
        has_sessions=bool(sessions),
        button_form=ConfirmForm(),
    )


def added_message(added, role: TeamRole) -> str:
    if added.user is None:
        return _("No account has this address: an invitation is on its way to %(email)s.", email=added.invitation.email)
    return _(
        "%(name)s is now %(role)s of this event; we told them by e-mail.",
        name=added.user.full_name,
        role=services.ROLE_LABELS[role],
    )


def role_or_404(value: str) -> TeamRole:
    try:
        return TeamRole(value)
    except ValueError:
        abort(404)


@bp.post("/manage/events/<slug>/team/<role>/<int:person_id>/remove")
@team_event
def remove(event, role, person_id):
    csrf.protect()
    role = role_or_404(role)
    with showing_errors():
        services.remove_member(acting_user(), event.id, role, person_id)
        flash(_("The role “%(role)s” is taken from this person.", role=services.ROLE_LABELS[role]), "info")
    return redirect(team_url(event))


@bp.post("/manage/events/<slug>/team/invitations/<int:invitation_id>/withdraw")
@team_event
def withdraw(event, invitation_id):
    csrf.protect()
    with showing_errors():
        invitation = services.withdraw(acting_user(), event.id, invitation_id)
        flash(_("The invitation to %(email)s is withdrawn: its link no longer works.", email=invitation.email), "info")
    return redirect(team_url(event))


@bp.post("/manage/events/<slug>/team/invitations/<int:invitation_id>/send-again")
@team_event
def send_again(event, invitation_id):
    csrf.protect()
    with showing_errors():
        invitation = services.send_again(acting_user(), event.id, invitation_id)
        flash(_("The invitation is on its way to %(email)s again, with a new link.", email=invitation.email), "success")
    return redirect(team_url(event))


# --- the invitation link ------------------------------------------------------------------------


@bp.get("/team-invitation/<token>")
def invitation(token):
    try:
        invited = services.invitation_for(token)
    except (ExpiredToken, InvalidToken) as error:
        return render_template("team/invitation.html", problem=str(error), invitation=None), 400
    problem = None
    if current_user.is_authenticated:
        try:
            services.may_accept(current_user, invited)
        except DomainError as error:
            problem = str(error)
    return render_template(
        "team/invitation.html",
        problem=problem,
        invitation=invited,
        event=invited.event,
        role=services.ROLE_LABELS[invited.role],
        sessions=services.invited_sessions(invited),
        login_url=url_for("accounts.login", next=request.path),
    ), (409 if problem else 200)


@bp.post("/team-invitation/<token>")
@login_required
def accept(token):
    csrf.protect()
    try:
        invited = services.accept(acting_user(), token)
    except DomainError as error:
        status = 400 if isinstance(error, ExpiredToken | InvalidToken) else 409
        return render_template("team/invitation.html", problem=str(error), invitation=None), status
    flash(
        _("You are now %(role)s of %(event)s.", role=services.ROLE_LABELS[invited.role], event=invited.event.title),
        "success",
    )
    return redirect(url_for("events.manage"))
