"""Duplicating an event, keeping it as a template, deleting a draft and archiving a past event."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import security
from ..accounts.forms import ConfirmForm
from ..extensions import csrf
from ..formtools import showing_errors
from ..lookups import event_for, managed_event
from . import bp, lifecycle
from .cloning import clone_event
from .reuse_forms import CloneForm, clone_data_from_form

reused_event = event_for(security.can_reuse_event)


@bp.route("/manage/events/<slug>/duplicate", methods=["GET", "POST"])
@reused_event
def duplicate(event):
    form = CloneForm()
    if form.validate_on_submit():
        with showing_errors(form):
            copy = clone_event(current_user, event.id, clone_data_from_form(form))
            flash(_("The copy is saved as a draft: check its agenda, then publish it."), "success")
            return redirect(url_for("events.show", slug=copy.slug))
    return render_template("events/duplicate.html", event=event, form=form)


@bp.post("/manage/events/<slug>/keep-as-template")
@reused_event
def keep_as_template(event):
    csrf.protect()
    with showing_errors():
        template = clone_event(current_user, event.id, as_template=True)
        flash(_("A template is made from this event: it stays a draft, offered under New event."), "success")
        return redirect(url_for("events.show", slug=template.slug))
    return redirect(url_for("events.show", slug=event.slug))


@bp.route("/manage/events/<slug>/delete", methods=["GET", "POST"])
@managed_event
def delete(event):
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        with showing_errors():
            title = lifecycle.delete_draft(current_user, event.id)
            flash(_("“%(title)s” is deleted.", title=title), "success")
            return redirect(url_for("events.manage"))
        return redirect(url_for("events.delete", slug=event.slug))
    refusal = lifecycle.deletion_refused(event)
    return render_template("events/delete.html", event=event, form=form, refusal=refusal)


@bp.post("/manage/events/<slug>/archive")
@managed_event
def archive(event):
    csrf.protect()
    with showing_errors():
        lifecycle.archive_event(current_user, event.id)
        flash(_("The event is archived: it stays readable and is listed under Archived."), "success")
    return redirect(url_for("events.show", slug=event.slug))
