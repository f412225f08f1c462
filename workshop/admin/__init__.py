"""Platform administration: who may create events."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import security
from ..accounts import services as accounts
from ..accounts.forms import ConfirmForm
from ..accounts.models import User
from ..bounds import page_number
from ..extensions import csrf, db

bp = Blueprint("admin", __name__, url_prefix="/admin")
USERS_PER_PAGE = 50


@bp.before_request
@login_required
def only_admins():
    security.require_admin(current_user)


@bp.get("/users")
def users():
    search = request.args.get("q", "").strip()
    page = accounts.search_users(search, page_number(request.args.get("page")), USERS_PER_PAGE)
    return render_template("admin/users.html", users=page, search=search, form=ConfirmForm())


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
