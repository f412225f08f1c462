"""The organiser's choice of how to hear of what needs them, on their account's pages: the choice is
about their own inbox and spans every event they organise, so it is made once, with an exception
for any one event, on one page."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..formtools import showing_errors
from ..lookups import acting_user
from . import bp, services
from .forms import notice_settings_form


@bp.route("/account/notifications", methods=["GET", "POST"], endpoint="settings")
@login_required
def settings():
    actor = acting_user()
    events = services.organised_events(actor)
    if not events and request.method == "POST":
        abort(403)  # nothing of theirs to choose about; the service refuses the same
    form = notice_settings_form(events, services.settings_of(actor), services.event_timings_of(actor))
    if form.validate_on_submit():
        with showing_errors(form):
            services.save_timings(actor, form.chosen_timing(), form.chosen_per_event())
            flash(_("Your choices are saved."), "success")
            return redirect(url_for("notices.settings"))
    return render_template("notices/settings.html", form=form if events else None, events=events)
