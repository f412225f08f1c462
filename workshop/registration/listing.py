"""A page of the organisers' list of registrations, kept for each revision of the event's registrations.

Organisers open the list again and again while they decide. Every change to the event's
registrations, to what the list shows of the people or to the registration questions (the export's
columns) raises ``Event.registrations_revision`` (revision.py) in the same transaction, so a page of
the list is kept under that revision with the filters, the page number, the language, the event's
time zone and where the site's links start: a change makes a new key, and no organiser sees a list
older than the data, whichever server made it. A page with ticked rows (a form sent back with an
error) is made afresh.
"""

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from flask import render_template, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..countries import country_names, sort_key
from ..events.models import Event
from ..fragments import kept_or_made
from ..i18n import translated_labels
from ..layout import filled, hole
from ..urls import links_by_id
from . import exports, questions, search, services
from .forms import ORGANISATION_TYPE_LABELS, SEX_LABELS
from .manage_forms import RegistrationsActionForm
from .states import State


@dataclass(frozen=True)
class ListedPage:
    rows: Markup  # the table's rows, empty when no registration matches
    pager: Markup
    filters_form: Markup
    export: Markup  # the export's form: the filters and a column for each question
    total: int  # registrations matching the filters
    counts: MappingProxyType[State, int]  # the event's registrations by state, whatever the filters


def listed_page(event: Event, filters: search.Filters, page: int, selected: frozenset[int] = frozenset()) -> ListedPage:
    if selected:
        return made_page(event, filters, page, selected)
    key = (
        "registration-list",
        event.id,
        event.created_at,
        event.registrations_revision,
        event.slug,
        event.timezone,
        str(get_locale()),
        request.script_root,
        filters,
        page,
    )
    return kept_or_made(key, lambda: made_page(event, filters, page, selected), store="registration-lists")


def made_page(event: Event, filters: search.Filters, page: int, selected: frozenset[int]) -> ListedPage:
    pagination = search.registrations_page(event.id, filters, page)
    rows = render_template(
        "registration/manage/_rows.html",
        event=event,
        registrations=pagination.items,
        positions=services.waitlist_positions_of(pagination.items),
        selected=selected,
        state_labels=translated_labels(services.STATE_LABELS),
        registration_link=links_by_id("registration.manage_registration", "registration_id", slug=event.slug),
    )
    pager = render_template("registration/manage/_pager.html", event=event, pagination=pagination, filters=filters)
    locale = str(get_locale())
    names, by_name = country_names(locale), sort_key(locale)
    countries = sorted(
        ((code, names.get(code, code)) for code in search.countries_in_use(event.id)), key=lambda item: by_name(item[1])
    )
    filters_form = render_template(
        "registration/manage/_filters.html",
        event=event,
        filters=filters,
        countries=countries,
        state_labels=translated_labels(services.STATE_LABELS),
        organisation_type_labels=ORGANISATION_TYPE_LABELS,
        sex_labels=SEX_LABELS,
    )
    export = render_template(
        "registration/manage/_export.html",
        event=event,
        filters=filters,
        columns=exports.available_columns(questions.event_questions_with_archived(event.id)),
        default_columns=exports.DEFAULT_COLUMNS,
    )
    return ListedPage(
        rows=Markup(rows) if pagination.items else Markup(),
        pager=Markup(pager),
        filters_form=Markup(filters_form),
        export=Markup(export),
        total=pagination.total or 0,
        counts=MappingProxyType(services.counts_by_state(event.id)),  # shared by the requests of every thread
    )


def page_body(
    event: Event, filters: search.Filters, page: int, form: RegistrationsActionForm | None, render: Callable[[str], str]
) -> Markup:
    """The list's page below the menus, made by ``render`` given the form token. Until something is
    sent it is the same for every organiser who reads the language, so it is kept under what it
    shows: the revisions of the event's registrations and of the event itself (its title, places
    and dates), the filters and the page; the form token is filled in for each request."""
    if form is not None:
        return Markup(render(generate_csrf()))
    key = (
        "registration-list-body",
        event.id,
        event.created_at,
        event.registrations_revision,
        event.agenda_revision,
        event.slug,
        str(get_locale()),
        request.script_root,
        filters,
        page,
    )
    return filled(kept_or_made(key, lambda: Markup(render(hole("csrf_token"))), store="registration-list-bodies"))


def decisions(form: RegistrationsActionForm | None, actions: dict[str, str]) -> Markup:
    """The boxes to decide on the ticked registrations and to write to them, with what ``form``, a
    sent form, holds. Until something is sent they are the same for every organiser who reads the
    language, so they are made once."""
    if form is not None:
        return made_decisions(form, actions)
    key = ("registration-decisions", str(get_locale()))
    return kept_or_made(key, lambda: made_decisions(RegistrationsActionForm(), actions), store="registration-lists")


def made_decisions(form: RegistrationsActionForm, actions: dict[str, str]) -> Markup:
    return Markup(render_template("registration/manage/_decisions.html", form=form, actions=actions))
