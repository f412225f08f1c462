from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from .. import security
from ..bounds import page_number
from ..extensions import csrf
from ..formtools import showing_errors
from ..fragments import kept_or_made, page_piece_key
from ..lookups import managed_event, visible_event
from ..registration import services as registrations
from ..translated import LANGUAGE_LABELS, LANGUAGES
from . import bp, lifecycle, services
from .cards import event_cards
from .forms import (
    KIND_LABELS,
    STATUS_LABELS,
    EventForm,
    StatusForm,
    event_data_from_form,
    fill_form_from_event,
    offer_series,
)
from .models import EventKind, EventStatus
from .series import series_open_to


@bp.get("/")
def index():
    kind_value = request.args.get("kind", "")
    kind = next((k for k in EventKind if k.value == kind_value), None)
    page = page_number(request.args.get("page"))
    counts = services.count_by_kind()
    events = services.upcoming_events(kind, page, current_app.config["EVENTS_PER_PAGE"], counts)
    return render_template(
        "events/index.html",
        events=events,
        cards=event_cards(events.items),
        kind=kind,
        kind_labels=KIND_LABELS,
        counts=counts,
    )


@bp.get("/events/past")
def past():
    page = page_number(request.args.get("page"))
    events = services.past_events(page, current_app.config["EVENTS_PER_PAGE"])
    return render_template("events/past.html", events=events, cards=event_cards(events.items))


@bp.get("/events/<slug>")
@visible_event
def show(event):
    own = registrations.registration_of(current_user, event.id) if current_user.is_authenticated else None
    return render_template(
        "events/show.html",
        event=event,
        archivable=security.can_manage_event(current_user, event) and lifecycle.archiving_refused(event) is None,
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        registration=own,
        registration_closed=registrations.registration_closed_reason(event),
        places_left=registrations.places_left_shown(event),
        state_labels=registrations.STATE_LABELS,
        facts=kept_or_made(page_piece_key(event, "facts"), lambda: event_facts(event)),
    )


def event_facts(event) -> Markup:
    """Where the event's programme is, its dates, venue and partners: the same for every reader in a
    language until the event changes (every change raises its revision, agenda/revision.py)."""
    return Markup(render_template("events/_facts.html", event=event))


@bp.get("/manage/events")
@login_required
def manage():
    from ..team.services import reported_sessions, staffed_events  # the team builds on every domain's models

    if not security.has_team_role(current_user):
        abort(403)
    showing = next(
        (s for s in lifecycle.ManagedList if s.value == request.args.get("show")), lifecycle.ManagedList.ACTIVE
    )
    events = lifecycle.managed_events(current_user, showing)
    return render_template(
        "events/manage.html",
        events=events,
        showing=showing,
        lists=lifecycle.ManagedList,
        organiser=bool(events)
        or security.can_create_events(current_user)
        or bool(lifecycle.managed_events(current_user)),
        staffed=staffed_events(current_user),
        reported=reported_sessions(current_user),
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
    )


@bp.route("/manage/events/new", methods=["GET", "POST"])
@login_required
def create():
    security.require_create_events(current_user)
    form = EventForm()
    offer_series(form, series_open_to(current_user))
    if request.method == "GET":
        form.timezone.data = "Europe/London"
    if form.validate_on_submit():
        with showing_errors(form):
            event = services.create_event(current_user, event_data_from_form(form))
            flash(_("The event is saved as %(status)s.", status=STATUS_LABELS[event.status]), "success")
            return redirect(url_for("events.show", slug=event.slug))
    templates = lifecycle.managed_events(current_user, lifecycle.ManagedList.TEMPLATES)
    return render_template("events/form.html", form=form, event=None, templates=templates)


@bp.get("/manage/events/<slug>/translations")
@managed_event
def translations(event):
    from .untranslated import untranslated_texts  # it reads every domain's models, which import this package

    untranslated = untranslated_texts(event)
    missing = {language: sum(language in text.missing for text in untranslated) for language in LANGUAGES}
    return render_template(
        "events/translations.html", event=event, untranslated=untranslated, missing=missing, labels=LANGUAGE_LABELS
    )


@bp.route("/manage/events/<slug>/edit", methods=["GET", "POST"])
@managed_event
def edit(event):
    form = EventForm()
    offer_series(form, series_open_to(current_user, event.series_id))
    if request.method == "GET":
        fill_form_from_event(form, event)
    if form.validate_on_submit():
        with showing_errors(form):
            services.update_event(current_user, event, event_data_from_form(form))
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("events.show", slug=event.slug))
    return render_template("events/form.html", form=form, event=event)


@bp.post("/manage/events/<slug>/status")
@managed_event
def change_status(event):
    csrf.protect()  # a button: without a valid token the CSRF page explains, rather than "choose a status"
    form = StatusForm()
    if form.validate_on_submit():
        with showing_errors():
            services.set_status(current_user, event, EventStatus(form.status.data))
            flash(_("The event is now %(status)s.", status=STATUS_LABELS[event.status]), "success")
    else:
        flash(_("Choose a status from the list."), "danger")
    return redirect(url_for("events.show", slug=event.slug))


@bp.get("/manage/events/<slug>/organisers")
@managed_event
def organisers(event):
    """The organisers are named on the event's team page now."""
    return redirect(url_for("team.team_page", slug=event.slug), 301)
