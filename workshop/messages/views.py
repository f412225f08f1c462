"""Organisers' pages: write a message (recipients, placeholders, preview, templates), and what was sent."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..bounds import database_id
from ..formtools import showing_errors
from ..i18n import translated_labels
from ..lookups import acting_user, managed_event
from ..mail.services import STATE_LABELS as DELIVERY_LABELS
from ..registration.services import STATE_LABELS
from ..translated import LANGUAGE_LABELS
from . import bp, services
from .forms import ComposeForm, TemplateButtonForm
from .placeholders import PLACEHOLDERS
from .recipients import described

FROM_LIST, PREVIEW, SAVE_TEMPLATE, SEND = "from_list", "preview", "save_template", "send"


@bp.route("/manage/events/<slug>/messages/new", methods=["GET", "POST"])
@managed_event
def compose(event):
    actor = acting_user()
    if request.method == "GET":
        form = ComposeForm(event, formdata=None)
        template_id = request.args.get("template")
        if template_id is not None:
            template = services.template_of(actor, event, database_id(template_id) or 0)
            form.subject.process(None, template.subject)
            form.text.process(None, template.text)
            form.template_name.data = template.name
            form.template_for_series.data = template.for_series
        return compose_page(event, form)
    form = ComposeForm(event)
    action = request.form.get("action", "")
    if action == FROM_LIST:  # the rows ticked, whatever their state; none ticked: the page's first filters
        form.only_selected.data = bool(form.ids.data)
        form.states.data = [] if form.ids.data else form.states.default
    if not form.validate():
        if form.csrf_token.errors:
            abort(400)
        return compose_page(event, form)
    written = None
    with showing_errors(form):
        if action == SEND:
            message = services.send(
                actor, event.id, form.subject.data, form.text.data, form.chosen(), form.recipients.data or ""
            )
            flash(_("The message is being sent to %(count)d people.", count=message.recipient_count), "success")
            return redirect(url_for("jobs.show", slug=event.slug, job_id=message.job_id))
        if action == SAVE_TEMPLATE:
            template = services.save_template(
                actor,
                event,
                form.template_name.data,
                form.subject.data,
                form.text.data,
                for_series=form.template_for_series.data,
            )
            flash(_("The template “%(name)s” is saved.", name=template.name), "success")
        if action == PREVIEW:
            written = services.preview(
                actor, event, form.subject.data, form.text.data, form.chosen(), form.preview_for.data
            )
    return compose_page(event, form, written)


def compose_page(event, form: ComposeForm, written=None):
    chosen = services.recipients_of(acting_user(), event, form.chosen())
    form.recipients.data = services.fingerprint(chosen)
    form.preview_for.choices = [(r.id, f"{r.display_name} <{r.email}>") for r in chosen]
    return render_template(
        "messages/compose.html",
        event=event,
        form=form,
        chosen=chosen,
        written=written,
        placeholders=PLACEHOLDERS.values(),
        templates=services.templates_of(event),
        template_button=TemplateButtonForm(),
        state_labels=translated_labels(STATE_LABELS),
        language_labels=LANGUAGE_LABELS,
    )


@bp.post("/manage/events/<slug>/messages/templates/<int:template_id>/delete")
@managed_event
def delete_template(event, template_id):
    if not TemplateButtonForm().validate_on_submit():
        abort(400)
    name = services.delete_template(acting_user(), event, template_id)
    flash(_("The template “%(name)s” is deleted.", name=name), "success")
    return redirect(url_for("messages.compose", slug=event.slug))


@bp.get("/manage/events/<slug>/messages")
@managed_event
def history(event):
    messages = services.history(acting_user(), event)
    return render_template(
        "messages/history.html",
        event=event,
        messages=messages,
        described={message.id: described(message.filters) for message in messages},
    )


@bp.get("/manage/events/<slug>/messages/<int:message_id>")
@managed_event
def sent_message(event, message_id):
    message = services.message_of(acting_user(), event, message_id)
    return render_template(
        "messages/message.html",
        event=event,
        message=message,
        filters=described(message.filters),
        delivery_labels=DELIVERY_LABELS,
    )
