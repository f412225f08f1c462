"""The administration pages: platform administrators only; anyone else gets 403."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import security
from ..accounts import services as accounts
from ..accounts.forms import ConfirmForm
from ..accounts.models import User
from ..bounds import page_number
from ..events.forms import STATUS_LABELS
from ..events.lifecycle import ManagedList
from ..events.models import EventStatus
from ..events.services import organised_events
from ..extensions import csrf, db
from ..formtools import posted_or_400, showing_errors
from ..jobs.models import JobState
from ..jobs.services import KINDS
from ..lookups import acting_user
from ..registration.services import STATE_LABELS
from . import bp, dashboard, users
from .forms import ResendForm, RolesForm

JOB_LABELS = {
    JobState.QUEUED: _l("Queued"),
    JobState.RUNNING: _l("Running"),
    JobState.DONE: _l("Done"),
    JobState.FAILED: _l("Failed"),
}
# The list of the events page that shows the events of each state.
EVENT_LISTS = dict.fromkeys(EventStatus, ManagedList.ACTIVE) | {EventStatus.ARCHIVED: ManagedList.ARCHIVED}
YES_NO = {"yes": True, "no": False}


@bp.before_request
@login_required
def only_admins():
    security.require_admin(current_user)


@bp.get("/")
def index():
    return render_template(
        "admin/dashboard.html",
        **dashboard.everything(),
        status_labels=STATUS_LABELS,
        state_labels=STATE_LABELS,
        event_lists=EVENT_LISTS,
        job_labels=JOB_LABELS,
        job_kinds=KINDS,
        job_state=JobState,
        form=ResendForm(),
    )


@bp.post("/emails/resend")
def resend_emails():
    form = ResendForm()
    if not posted_or_400(form):
        return redirect(url_for("admin.index"))
    with showing_errors():
        ids = [form.message_id.data] if form.message_id.data else None
        count = dashboard.send_failed_again(acting_user(), ids)
        flash(_("Messages queued to be sent again: %(count)d.", count=count), "success")
    return redirect(url_for("admin.index"))


def filters_asked() -> users.UserFilters:
    """The list's filters from the address; a value that is not one of the choices is no filter."""
    role = next((r for r in users.Role if r.value == request.args.get("role")), None)
    return users.UserFilters(
        text=request.args.get("q", "")[:200],
        role=role,
        confirmed=YES_NO.get(request.args.get("confirmed", "")),
        disabled=YES_NO.get(request.args.get("disabled", "")),
    )


@bp.get("/users", endpoint="users")
def users_list():
    filters = filters_asked()
    page = users.find_users(filters, page_number(request.args.get("page")))
    return render_template(
        "admin/users.html",
        users=page,
        filters=filters,
        search=filters.text,
        chosen={name: request.args.get(name, "") for name in ("role", "confirmed", "disabled")},
        roles=users.ROLE_LABELS,
        form=ConfirmForm(),
    )


@bp.post("/users/<int:user_id>/event-creator")
def toggle_event_creator(user_id):
    csrf.protect()
    db.get_or_404(User, user_id)
    user = accounts.allow_event_creation(current_user, user_id)
    if user.can_create_events:
        flash(_("%(name)s may now create events.", name=user.full_name), "success")
    else:
        flash(_("%(name)s may no longer create events.", name=user.full_name), "info")
    return redirect(url_for("admin.users", q=request.args.get("q", "")))


@bp.get("/users/<int:user_id>")
def user_page(user_id):
    user = users.user_or_not_found(user_id)
    return render_page(user, RolesForm(data={"is_admin": user.is_admin, "can_create_events": user.can_create_events}))


def render_page(user: User, roles_form: RolesForm):
    return render_template(
        "admin/user.html",
        user=user,
        events=organised_events(user),
        roles_form=roles_form,
        button_form=ConfirmForm(),
        status_labels=STATUS_LABELS,
    )


@bp.post("/users/<int:user_id>/roles")
def change_roles(user_id):
    user = users.user_or_not_found(user_id)
    form = RolesForm()
    if not form.validate_on_submit():
        return render_page(user, form), 400
    with showing_errors(form):
        user = users.set_roles(acting_user(), user_id, form.is_admin.data, form.can_create_events.data)
        flash(_("The roles of %(name)s are saved.", name=user.full_name), "success")
        if not security.is_admin(current_user):
            return redirect(url_for("events.index"))  # they gave up their own administration
    return redirect(url_for("admin.user_page", user_id=user_id))


@bp.post("/users/<int:user_id>/disable")
def disable(user_id):
    users.user_or_not_found(user_id)
    if posted_or_400(ConfirmForm()):
        with showing_errors():
            user = users.disable(acting_user(), user_id)
            flash(_("The account of %(name)s is disabled; its log-ins have ended.", name=user.full_name), "success")
    return redirect(url_for("admin.user_page", user_id=user_id))


@bp.post("/users/<int:user_id>/enable")
def enable(user_id):
    users.user_or_not_found(user_id)
    if posted_or_400(ConfirmForm()):
        with showing_errors():
            user = users.enable(acting_user(), user_id)
            flash(_("%(name)s can log in again.", name=user.full_name), "success")
    return redirect(url_for("admin.user_page", user_id=user_id))


@bp.post("/users/<int:user_id>/resend-confirmation")
def resend_confirmation(user_id):
    users.user_or_not_found(user_id)
    if posted_or_400(ConfirmForm()):
        with showing_errors():
            user = users.resend_confirmation(acting_user(), user_id)
            flash(_("A new confirmation link is on its way to %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.user_page", user_id=user_id))
