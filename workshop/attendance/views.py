"""The check-in desk (organisers and check-in staff), the check-in staff (organisers), badges
(organisers print the event's; a participant downloads their own)."""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale
from babel.dates import format_time
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from .. import security
from ..agenda.models import AgendaSession
from ..audit.recording import record_download
from ..bounds import database_id
from ..downloads import pdf_to_read
from ..events.models import Event
from ..extensions import csrf
from ..formatting import country_name, format_in_zone
from ..formtools import LIVE_PARTS_HEADER, showing_errors, wants_live_parts
from ..fragments import kept_or_made
from ..lookups import acting_user, check_in_event, managed_event
from ..registration.services import STATE_LABELS
from ..registration.states import State
from ..timeutil import utc_to_local, utcnow
from . import badges as badge_printing
from . import bp, desk
from .forms import BadgesForm, DeskForm, RemoveStaffForm, StaffForm
from .models import ARRIVAL, Method
from .recording import Answer, Outcome

# --- the check-in desk --------------------------------------------------------------------------


NOT_CONFIRMED_HEADLINES = {
    State.CANCELLED: _l("Registration cancelled"),
    State.WAITLISTED: _l("Registration waitlisted"),
    State.PENDING: _l("Registration pending approval"),
    State.REJECTED: _l("Registration not accepted"),
}


@dataclass
class Panel:
    """The desk's answer, as shown: green, amber or red, a headline, and who it is about."""

    outcome: str
    tone: str  # success, warning, danger
    headline: str
    explanation: str = ""
    name: str = ""
    native_name: str = ""
    organisation: str = ""
    country: str = ""
    slot: str = ""


def when(moment, event: Event) -> str:
    """09:12 today (in the event's zone); the date as well on another day."""
    zone = event.timezone
    local, today = utc_to_local(moment, zone), utc_to_local(utcnow(), zone)
    if local.date() == today.date():
        return format_time(local.time(), "short", locale=Locale.parse(str(get_locale())))
    return format_in_zone(moment, zone)


def recorder(answer: Answer) -> str:
    if answer.recorded_by is not None:
        return answer.recorded_by.display_name
    if answer.attendance is not None and answer.attendance.method is Method.API:
        return _("a scanner device")
    return _("an account that no longer exists")


def panel_for(event: Event, answer: Answer, slot_label: str) -> Panel:
    outcome = answer.outcome
    panel = Panel(outcome=outcome.value, tone="danger", headline="", slot=slot_label)
    registration = answer.registration
    if registration is not None and registration.event_id == event.id:  # nothing about another event's people
        panel.name, panel.organisation, panel.country = (
            registration.full_name,
            registration.organisation,
            country_name(registration.country),
        )
        panel.native_name = registration.native_name if registration.native_name != registration.full_name else ""
    if outcome is Outcome.CHECKED_IN:
        panel.tone, panel.headline = "success", _("Checked in")
    elif outcome is Outcome.ALREADY:
        panel.tone = "warning"
        panel.headline = _(
            "Already checked in at %(time)s by %(name)s", time=when(answer.recorded_at, event), name=recorder(answer)
        )
        panel.explanation = _("Nothing new is recorded: one check-in counts once.")
    elif outcome is Outcome.NOT_THIS_EVENT:
        panel.headline = _("Not registered for this event")
        panel.explanation = _("This badge is for another event. Nothing is recorded.")
    elif outcome is Outcome.NOT_CONFIRMED:
        panel.headline = str(NOT_CONFIRMED_HEADLINES[registration.state])
        panel.explanation = _(
            "Only confirmed participants can be checked in. Nothing is recorded; the organisers can help at the "
            "registration desk."
        )
    else:
        panel.headline = _("Unknown code")
        panel.explanation = _(
            "No badge has this code. Scan it again, type the code printed under the QR code, or search for the name."
        )
    return panel


def slot_label(session: AgendaSession | None) -> str:
    return session.title if session is not None else _("Arrival at the event")


def chosen_session(sessions: list[AgendaSession], slot: int | None) -> AgendaSession | None:
    """The session of ``slot`` among the desk's; without a (valid) slot, the session happening now."""
    if slot == ARRIVAL:
        return None
    by_id = {session.id: session for session in sessions}
    if slot in by_id:
        return by_id[slot]
    return desk.session_now(sessions)


@dataclass(frozen=True)
class UnchangingParts:
    code: Markup
    search: Markup


def unchanging_parts(event: Event, slot: int, form: DeskForm) -> UnchangingParts:
    """The empty code box and the empty search, which every scan at a desk sends back the same:
    made once by this process for the event, the session and the language."""
    key = (event.id, event.created_at, event.slug, slot, str(get_locale()), request.script_root)
    return kept_or_made(
        key,
        lambda: UnchangingParts(
            Markup(render_template("attendance/_desk_code.html", form=form, query="")),
            Markup(render_template("attendance/_desk_search.html", event=event, slot=slot, query="", panel=None)),
        ),
        store="desk-parts",
    )


@bp.route("/events/<slug>/check-in", methods=["GET", "POST"], endpoint="desk")
@check_in_event
def desk_view(event):
    """GET: the desk for arrival or a session (``?slot=``), and name search (``?q=``).
    POST: check in a code or a registration found by name; the answer is shown on the page, with
    the form empty for the next badge. Sending it again answers "already checked in"."""
    sessions = desk.desk_sessions(event)
    form = DeskForm()
    panel = None
    if request.method == "POST":
        if form.validate_on_submit():
            with showing_errors(form):
                answer = desk.check_in(
                    acting_user(),
                    event,
                    form.slot.data,
                    code=form.code.data,
                    registration_id=form.registration_id.data,
                    sessions=sessions,
                )
                posted = next((s for s in sessions if s.id == form.slot.data), None)
                panel = panel_for(event, answer, slot_label(posted))
        session = chosen_session(sessions, form.slot.data)
        form.code.data = ""  # ready for the next badge; a code of any length is never shown back
    else:
        session = chosen_session(sessions, request.args.get("slot", type=int))
    slot = session.id if session is not None else ARRIVAL
    form.slot.data = slot
    query = " ".join(request.args.get("q", "").split())[: desk.SEARCH_MAX]
    results = desk.find_registrations(event, query) if query else []
    live_parts = request.method == "POST" and wants_live_parts()
    unchanging = unchanging_parts(event, slot, form) if live_parts and not query and not form.code.errors else None
    response = make_response(
        render_template(
            "attendance/desk_parts.html" if live_parts else "attendance/desk.html",
            event=event,
            sessions=sessions,
            session=session,
            slot=slot,
            slot_name=slot_label(session),
            arrival=ARRIVAL,
            form=form,
            panel=panel,
            query=query,
            results=results,
            limit=desk.SEARCH_RESULTS,
            marks=desk.marks_of(event, session, [r.id for r in results]),
            can_manage=security.can_manage_event(current_user, event),
            confirmed=State.CONFIRMED,
            state_labels=STATE_LABELS,
            when=lambda moment: when(moment, event),
            unchanging=unchanging,
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add(LIVE_PARTS_HEADER)
    return response


# --- check-in staff -----------------------------------------------------------------------------


@bp.route("/manage/events/<slug>/check-in/staff", methods=["GET", "POST"])
@managed_event
def staff(event):
    form = StaffForm()
    if form.validate_on_submit():
        with showing_errors(form):
            user, added = desk.add_staff(acting_user(), event, form.email.data)
            if added:
                flash(_("%(name)s is now check-in staff of this event.", name=user.full_name), "success")
            else:
                flash(_("%(name)s is check-in staff of this event already.", name=user.full_name), "info")
            return redirect(url_for("attendance.staff", slug=event.slug))
    return render_template(
        "attendance/staff.html", event=event, form=form, staff=desk.event_staff(event), remove_form=RemoveStaffForm()
    )


@bp.post("/manage/events/<slug>/check-in/staff/<int:user_id>/remove")
@managed_event
def remove_staff(event, user_id):
    csrf.protect()  # a button: without a valid token the CSRF page explains
    desk.remove_staff(acting_user(), event, user_id)
    flash(_("The person is no longer check-in staff of this event."), "info")
    return redirect(url_for("attendance.staff", slug=event.slug))


# --- badges -------------------------------------------------------------------------------------


@bp.get("/manage/events/<slug>/badges")
@managed_event
def badge_list(event):
    """The confirmed participants with a tick box each: print the ticked badges, or all."""
    return badge_list_page(event, BadgesForm(formdata=None))


def badge_list_page(event: Event, form: BadgesForm):
    return render_template(
        "attendance/badges.html",
        event=event,
        form=form,
        registrations=badge_printing.confirmed_registrations(event),
        ticked=set(form.id.data or []),
        layouts=badge_printing.LAYOUT_LABELS,
    )


@bp.route("/manage/events/<slug>/badges.pdf", methods=["GET", "POST"])
@managed_event
def badges(event):
    """All the confirmed participants' badges, or those of ``id`` (repeated), as one PDF;
    ``layout`` a6 (one a page, the default) or a4 (eight a sheet). POST: the badges page's form."""
    if request.method == "POST":
        form = BadgesForm()
        if not form.validate_on_submit():
            if not form.csrf_token.errors:
                flash(_("Choose the badges to print and a layout."), "danger")
            return badge_list_page(event, form)
        if not form.id.data:
            flash(_("Tick the participants whose badges you want to print."), "danger")
            return badge_list_page(event, form)
        ids, layout = form.id.data, form.layout.data
    else:
        ids = [database_id(value) for value in request.args.getlist("id")]
        if None in ids:
            abort(400)
        ids = ids or None
        layout = request.args.get("layout", "a6")
        if layout not in badge_printing.LAYOUTS:
            abort(400)
    chosen = badge_printing.event_badges(acting_user(), event, ids)
    if not chosen:
        flash(
            _("There is no badge to print: badges are for confirmed participants only.")
            if ids
            else _("This event has no confirmed participants yet, so there is no badge to print."),
            "warning",
        )
        return redirect(url_for("attendance.badge_list", slug=event.slug))
    data = badge_printing.render_badges(event, chosen, layout)
    record_download("badges", event_id=event.id, summary=f"badges-{event.slug}.pdf ({len(chosen)})")
    return pdf_to_read(data, f"badges-{event.slug}.pdf")


@bp.get("/registrations/<int:registration_id>/badge.pdf")
@login_required
def my_badge(registration_id):
    """A participant's own badge (A6), once their registration is confirmed."""
    event, badge = badge_printing.own_badge(acting_user(), registration_id)
    data = badge_printing.render_badges(event, [badge], "a6")
    record_download("badges", event_id=event.id, summary=f"badge-{event.slug}.pdf")
    return pdf_to_read(data, f"badge-{event.slug}.pdf")
