"""The log's pages: an event's, for its organisers; everything, for admins. They only read: any
other method, on them or below them, is answered 405 or 404 and the attempt is recorded."""

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import security
from ..bounds import database_id, page_number
from ..events.models import Event
from ..extensions import db
from ..lookups import event_for, event_or_404
from . import bp, reading
from .forms import LogFilterForm
from .reading import Filters
from .recording import record_attempt
from .tracking import ERASED, SECRET
from .words import action_label, actor_label, field_label, object_label, summary_label

log_event = event_for(security.can_read_event_log)
CHANGING_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


@bp.app_template_filter("audit_value")
def audit_value(value) -> str:
    """A value the log kept, as a reader reads it."""
    if value is None or value == "" or value == {}:
        return "—"
    if value == SECRET:
        return _("(changed)")
    if value == ERASED:
        return _("(erased)")
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, dict):
        return " · ".join(f"{language}: {text}" for language, text in value.items())
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


@bp.get("/manage/events/<slug>/log")
@log_event
def event_log(event):
    form = LogFilterForm(request.args)
    form.offer()
    return log_page(form, event=event, zone=event.timezone)


@bp.get("/admin/log")
@login_required
def whole_log():
    if not security.can_read_whole_log(current_user):
        abort(403)
    # the filter names every event: their id, address and title only, not whole rows
    events = db.session.execute(db.select(Event.id, Event.slug, Event.title).order_by(Event.starts_at.desc())).all()
    form = LogFilterForm(request.args)
    form.offer(events)
    return log_page(form, event=None, zone="UTC", events={e.id: e for e in events})


def log_page(form: LogFilterForm, event, zone: str, events: dict | None = None):
    template = "audit/event_log.html" if event is not None else "audit/whole_log.html"
    if not form.validate():
        return render_template(template, event=event, form=form, entries=None, filters={}, zone=zone), 400
    filters = {name: value for name, value in request.args.items() if name in form and value}
    chosen = Filters(
        who=(form.who.data or "").strip(),
        object_type=form.object_type.data or "",
        action=form.action.data or "",
        first_day=form.first_day.data,
        last_day=form.last_day.data,
        event_id=database_id(form.event.data) if "event" in form and form.event.data else None,
    )
    page = reading.entries(
        chosen, page_number(request.args.get("page")), event_id=event.id if event else None, zone=zone
    )
    return render_template(
        template,
        event=event,
        form=form,
        entries=page,
        filters=filters,
        zone=zone,
        events=events or {},
        action_label=action_label,
        actor_label=actor_label,
        field_label=field_label,
        object_label=object_label,
        summary_label=summary_label,
        changed_rows=reading.changed_rows,
    )


# --- the log cannot be changed through the product ----------------------------------------------


@bp.route("/manage/events/<slug>/log", methods=CHANGING_METHODS, endpoint="event_log_change")
@bp.route("/manage/events/<slug>/log/<path:rest>", methods=[*CHANGING_METHODS, "GET"])
def refuse_event_log_change(slug, rest=None):
    event = event_or_404(slug)
    known = event.is_public or security.can_read_event_log(current_user, event)  # a draft stays unknown
    refuse(event_id=event.id, route_exists=rest is None and known)


@bp.route("/admin/log", methods=CHANGING_METHODS, endpoint="whole_log_change")
@bp.route("/admin/log/<path:rest>", methods=[*CHANGING_METHODS, "GET"])
def refuse_whole_log_change(rest=None):
    refuse(event_id=None, route_exists=rest is None)


def refuse(event_id: int | None, route_exists: bool):
    """Nothing is changed; that someone tried is recorded, and they are told 405 (the page only
    reads) or 404 (there is nothing under it)."""
    if request.method != "GET":
        record_attempt(
            "log_change_refused",
            event_id=event_id,
            object_type="AuditEntry",
            summary=f"{request.method} {request.path}"[:300],
        )
    if route_exists:
        abort(405, valid_methods=["GET"])
    abort(404)
