"""The person's own data (their account pages), the retention page of an event, and the
platform's default period (admins)."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from .. import security
from ..downloads import NOT_SHARED
from ..extensions import csrf
from ..formtools import showing_errors
from ..lookups import acting_user, managed_event
from ..storage import FileMissing, upload_storage
from . import bp, deletion, export, retention
from .forms import DeleteAccountForm, EventRetentionForm, ExportForm, PlatformRetentionForm
from .models import ExportState


@bp.get("/account/data")
@login_required
def my_data():
    user = acting_user()
    return render_template(
        "privacy/my_data.html",
        export=export.export_of(user),
        ready=ExportState.READY,
        preparing=ExportState.PREPARING,
        days=export.export_days(),
        form=ExportForm(),
    )


@bp.post("/account/data/export")
@login_required
def request_export():
    csrf.protect()
    with showing_errors():
        export.request_export(acting_user())
        flash(_("We are preparing a copy of your data. We will e-mail you when it is ready."), "success")
    return redirect(url_for(".my_data"))


@bp.get("/account/data/exports/<int:export_id>")
@login_required
def download_export(export_id):
    ready = export.download(acting_user(), export_id)
    try:
        path = upload_storage().path(ready.file_key)
    except FileMissing:
        abort(404)
    response = send_file(path, mimetype="application/zip", as_attachment=True, download_name="my-data.zip")
    response.headers["Cache-Control"] = NOT_SHARED
    return response


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    user = acting_user()
    form = DeleteAccountForm()
    if form.validate_on_submit():
        with showing_errors(form):
            deletion.delete_account(user, form.password.data)
            logout_user()
            flash(_("Your account is deleted. Thank you for taking part."), "success")
            return redirect(url_for("events.index"))
    return render_template("privacy/delete_account.html", form=form, blocking=deletion.events_only_they_organise(user))


@bp.route("/manage/events/<slug>/retention", methods=["GET", "POST"])
@managed_event
def event_retention(event):
    form = EventRetentionForm()
    if request.method == "GET":
        form.months.data = retention.months_set_for(event)
    if form.validate_on_submit():
        with showing_errors(form):
            retention.set_event_months(acting_user(), event, form.months.data)
            flash(_("The retention period is saved."), "success")
            return redirect(url_for(".event_retention", slug=event.slug))
    return render_template(
        "privacy/event_retention.html",
        event=event,
        form=form,
        plan=retention.plan_for(event),
        job=retention.latest_job(event),
    )


@bp.route("/admin/privacy", methods=["GET", "POST"])
@login_required
def platform_defaults():
    if not security.can_set_privacy_defaults(current_user):
        abort(403)
    form = PlatformRetentionForm()
    if request.method == "GET":
        form.months.data = retention.platform_months()
    if form.validate_on_submit():
        with showing_errors(form):
            retention.set_platform_months(acting_user(), form.months.data)
            flash(_("The platform's retention period is saved."), "success")
            return redirect(url_for(".platform_defaults"))
    return render_template("privacy/platform_defaults.html", form=form)
