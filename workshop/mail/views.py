"""The e-mails of an event, for its organisers: to whom, subject, state, last error; resend failed ones."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import IntegerField

from ..formtools import showing_errors
from ..lookups import acting_user, managed_event
from . import bp, services
from .models import Delivery


class ResendForm(FlaskForm):
    message_id = IntegerField()  # empty: every failed message of the event


@bp.get("/manage/events/<slug>/emails", endpoint="event_emails")
@managed_event
def event_emails(event):
    state = next((s for s in Delivery if s.value == request.args.get("state")), None)
    page = request.args.get("page", 1, type=int)
    counts = services.counts_of(event)
    return render_template(
        "mail/event_emails.html",
        event=event,
        pagination=services.messages_of(acting_user(), event, state, page),
        counts=counts,
        failed=counts[Delivery.FAILED],
        state=state,
        states=list(Delivery),
        labels=services.STATE_LABELS,
        form=ResendForm(),
    )


@bp.post("/manage/events/<slug>/emails/resend", endpoint="resend")
@managed_event
def resend(event):
    form = ResendForm()
    if not form.validate_on_submit():
        abort(400)
    ids = [form.message_id.data] if form.message_id.data else services.failed_ids(event)
    with showing_errors():
        count = services.resend(acting_user(), event, ids)
        flash(_("Messages queued to be sent again: %(count)d.", count=count), "success")
    return redirect(url_for("mail.event_emails", slug=event.slug, state="failed"))
