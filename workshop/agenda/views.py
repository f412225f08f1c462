"""Sessions and the public agenda: the agenda by day (or a study tour's itinerary), one session's
page, and the organisers' pages to add, edit, move and delete sessions.

Visitors may see the agenda in another time zone with ``?tz=Area/City``; an unknown zone is
named in a message and the event's own zone is shown instead.
"""

from functools import lru_cache

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..accounts.forms import ConfirmForm
from ..events.models import Event, EventKind
from ..extensions import csrf
from ..formatting import format_in_zone
from ..formtools import showing_errors
from ..fragments import kept_or_made, page_piece_key
from ..i18n import translated_labels
from ..lookups import acting_user, managed_event, visible_event
from ..timeutil import common_timezones, is_known_timezone, utc_to_local
from ..urls import links_by_id
from . import bp, conflicts, services
from .forms import SESSION_KIND_LABELS, MoveForm, SessionForm, fill_from_session, session_data
from .models import ON_THE_ROAD
from .speakers import ROLE_LABELS
from .timetable import Slot, timetable

ZONE_SHOWN_MAX = 64  # an unknown zone is quoted back at most this long


# --- helpers ------------------------------------------------------------------------


def session_or_404(event: Event, session_id: int):
    session = services.session_of(event.id, session_id)
    if session is None:
        abort(404)
    return session


def display_zone(event: Event) -> tuple[str, str]:
    """The zone the visitor asked for with ``?tz=``, else the event's; and the unknown zone asked for, if any."""
    asked = request.args.get("tz", "").strip()
    if not asked or asked == event.timezone:
        return event.timezone, ""
    if is_known_timezone(asked):
        return asked, ""
    return event.timezone, asked[:ZONE_SHOWN_MAX]


def zone_arg(event: Event, zone: str) -> str | None:
    """``tz`` for links that keep the visitor's choice; none when it is the event's own zone."""
    return zone if zone != event.timezone else None


@lru_cache(maxsize=64)
def zone_options(selected: str) -> Markup:
    """The <option> of every time zone, ``selected`` chosen: the same six hundred for every visitor in a zone."""
    chosen = Markup(" selected")
    return Markup("").join(
        Markup("<option{}>{}</option>").format(chosen if name == selected else "", name) for name in common_timezones()
    )


def flash_conflicts(event: Event, session_id: int) -> None:
    for conflict in conflicts.conflicts_of(services.agenda_conflicts(event), session_id):
        flash(_("Check: %(problem)s", problem=conflict.message), "warning")


def manage_page(event: Event):
    return redirect(url_for("agenda.manage_agenda", slug=event.slug))


# --- public -------------------------------------------------------------------------


@bp.get("/events/<slug>/agenda")
@visible_event
def agenda(event):
    zone, unknown_zone = display_zone(event)
    return render_template(
        "agenda/agenda.html",
        event=event,
        days=kept_or_made(page_piece_key(event, "days", zone), lambda: agenda_days(event, zone)),
        zone=zone,
        unknown_zone=unknown_zone,
        zone_arg=zone_arg(event, zone),
        zone_options=zone_options(zone),
        itinerary=event.kind is EventKind.STUDY_TOUR,
    )


def agenda_days(event: Event, zone: str) -> Markup:
    """The agenda's days as seen from ``zone``: the same for every visitor until the agenda changes."""
    sessions = services.agenda_sessions(event.id)
    return Markup(
        render_template(
            "agenda/_days.html",
            event=event,
            days=timetable(sessions, zone, first_day=utc_to_local(event.starts_at, zone).date()),
            zone_arg=zone_arg(event, zone),
            session_link=links_by_id("agenda.session", "session_id", slug=event.slug, tz=zone_arg(event, zone)),
            speaker_link=links_by_id("agenda.speaker", "speaker_id", slug=event.slug),
            itinerary=event.kind is EventKind.STUDY_TOUR,
            kind_labels=translated_labels(SESSION_KIND_LABELS),
            role_labels=translated_labels(ROLE_LABELS),
            on_the_road=ON_THE_ROAD,
        )
    )


@bp.get("/events/<slug>/agenda/<int:session_id>")
@visible_event
def session(event, session_id):
    agenda_session = session_or_404(event, session_id)
    zone, unknown_zone = display_zone(event)
    return render_template(
        "agenda/session.html",
        event=event,
        session=agenda_session,
        slot=Slot.of(agenda_session, zone),
        zone=zone,
        unknown_zone=unknown_zone,
        zone_arg=zone_arg(event, zone),
        kind_labels=translated_labels(SESSION_KIND_LABELS),
        role_labels=translated_labels(ROLE_LABELS),
        on_the_road=ON_THE_ROAD,
    )


# --- organisers ---------------------------------------------------------------------


@bp.route("/manage/events/<slug>/agenda", methods=["GET", "POST"])
@managed_event
def manage_agenda(event):
    form = SessionForm()
    if form.validate_on_submit():
        with showing_errors(form):
            added = services.add_session(acting_user(), event.id, session_data(form))
            flash(_("“%(title)s” is added to the agenda.", title=added.title), "success")
            flash_conflicts(event, added.id)
            return manage_page(event)
    sessions = services.agenda_sessions(event.id)
    if request.method == "GET":
        form.starts_at.data, form.ends_at.data = services.suggested_times(event, sessions)
    found = conflicts.find_conflicts(event, sessions)
    return render_template(
        "agenda/manage_agenda.html",
        event=event,
        form=form,
        days=timetable(sessions, event.timezone, first_day=utc_to_local(event.starts_at, event.timezone).date()),
        conflicts=found,
        in_conflict={session.id for conflict in found for session in conflict.sessions},
        kind_labels=translated_labels(SESSION_KIND_LABELS),
        role_labels=translated_labels(ROLE_LABELS),
        button_form=ConfirmForm(),
    )


@bp.route("/manage/events/<slug>/agenda/<int:session_id>", methods=["GET", "POST"])
@managed_event
def edit_session(event, session_id):
    agenda_session = session_or_404(event, session_id)
    form = SessionForm()
    if request.method == "GET":
        fill_from_session(form, agenda_session, event.timezone)
    if form.validate_on_submit():
        with showing_errors(form):
            services.update_session(acting_user(), event.id, agenda_session.id, session_data(form))
            flash(_("Your changes to “%(title)s” are saved.", title=form.title.data.strip()), "success")
            flash_conflicts(event, session_id)
            return manage_page(event)
    found = conflicts.conflicts_of(services.agenda_conflicts(event), agenda_session.id)
    return render_template(
        "agenda/session_form.html",
        event=event,
        session=agenda_session,
        form=form,
        move_form=MoveForm(formdata=None),
        conflicts=found,
        role_labels=translated_labels(ROLE_LABELS),
    )


@bp.post("/manage/events/<slug>/agenda/<int:session_id>/move")
@managed_event
def move_session(event, session_id):
    csrf.protect()  # buttons: without a valid token the CSRF page explains
    form = MoveForm()
    back_to_edit = request.form.get("back") == "edit"
    if not form.validate():
        flash(_("Enter whole numbers of minutes and days, within a year."), "danger")
    else:
        with showing_errors():
            moved = services.move_session(
                acting_user(), event.id, session_id, minutes=form.minutes.data or 0, days=form.days.data or 0
            )
            flash(
                _(
                    "“%(title)s” now starts %(when)s.",
                    title=moved.title,
                    when=format_in_zone(moved.starts_at, event.timezone),
                ),
                "success",
            )
            flash_conflicts(event, moved.id)
    if back_to_edit:
        return redirect(url_for("agenda.edit_session", slug=event.slug, session_id=session_id))
    return redirect(url_for("agenda.manage_agenda", slug=event.slug, _anchor=f"session-{session_id}"))


@bp.route("/manage/events/<slug>/agenda/<int:session_id>/delete", methods=["GET", "POST"])
@managed_event
def delete_session(event, session_id):
    agenda_session = session_or_404(event, session_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = services.delete_session(acting_user(), event.id, agenda_session.id)
        flash(_("“%(title)s” is deleted from the agenda.", title=title), "info")
        return manage_page(event)
    return render_template(
        "agenda/delete_session.html",
        event=event,
        session=agenda_session,
        slot=Slot.of(agenda_session, event.timezone),
        form=form,
    )
