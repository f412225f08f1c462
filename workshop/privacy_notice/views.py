"""Organisers write the notice and read its versions; everyone who may see the event reads it."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import security
from ..formtools import showing_errors
from ..lookups import acting_user, event_for, visible_event
from . import bp, services
from .defaults import default_notice
from .forms import NoticeForm

editing_notice = event_for(security.can_edit_privacy_notice)


@bp.route("/manage/events/<slug>/privacy", methods=["GET", "POST"])
@editing_notice
def edit(event):
    actor = acting_user()
    current = services.current_notice(event.id)
    form = NoticeForm()
    if request.method == "GET":
        form.fill(current.parts() if current is not None else default_notice(event))
    elif form.validate():
        with showing_errors(form):
            notice = services.save(actor, event.id, form.parts())
            if notice is None:
                flash(_("Nothing changed: the notice stays at version %(number)d.", number=current.number), "info")
            else:
                flash(
                    _(
                        "Version %(number)d of the privacy notice is saved: registrations agree to it from now on.",
                        number=notice.number,
                    ),
                    "success",
                )
            return redirect(url_for(".edit", slug=event.slug))
    elif form.csrf_token.errors:
        abort(400)
    return render_template(
        "privacy_notice/edit.html", event=event, form=form, current=current, versions=services.versions(actor, event)
    )


@bp.get("/manage/events/<slug>/privacy/versions/<int:number>")
@editing_notice
def version(event, number):
    notice = services.version_of(acting_user(), event, number)
    return render_template("privacy_notice/version.html", event=event, notice=notice)


@bp.get("/events/<slug>/privacy")
@visible_event
def public(event):
    return render_template("privacy_notice/public.html", event=event, notice=services.current_notice(event.id))
