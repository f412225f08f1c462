"""Publishing (the organisers' page of an event's outcomes), the resource library, and each
publication's page at its lasting address, ``/resources/<id>-<slug>``, with its files.

A publication's page is for those ``security.can_see_publication`` allows: a withdrawn public one
says so (410) to everybody else; a participants' one is 403 to others, and any of a draft event 404.
"""

from __future__ import annotations

from babel.dates import format_date
from flask import abort, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from .. import security
from ..bounds import database_id, page_number
from ..extensions import db
from ..formtools import showing_errors
from ..lookups import acting_user, event_for
from ..materials.views import attachment_headers
from ..storage import FileMissing, upload_storage
from ..timeutil import utcnow
from ..translated import LANGUAGE_LABELS
from . import bp, library, services
from .forms import (
    AUDIENCE_SHORT_LABELS,
    KIND_LABELS,
    ActionForm,
    LibraryForm,
    MaterialForm,
    PressReleaseForm,
    ReportForm,
)
from .models import Audience, Publication, PublicationKind

publishing_event = event_for(security.can_publish_outcomes)
PER_PAGE = 20


@bp.app_template_filter("medium_date")
def medium_date(day) -> str:
    return format_date(day, "medium", locale=str(get_locale()))


@bp.app_template_global()
def published_outcomes(event) -> list[services.Outcome]:
    """The event's publications that the person looking at its page may read."""
    return services.visible_publications(acting_user(), event)


@bp.app_template_global()
def resource_url(publication: Publication | services.Outcome, **values) -> str:
    return url_for("publishing.resource", publication_id=publication.id, slug=services.slug_of(publication), **values)


bp.add_app_template_global(KIND_LABELS, "publication_kind_labels")
bp.add_app_template_global(AUDIENCE_SHORT_LABELS, "publication_audience_labels")


# --- the organisers' page -------------------------------------------------------------------


def material_choices(event) -> list[SelectChoice]:
    choices = []
    for material in services.publishable_materials(event):
        if material.is_link:
            choices.append(SelectChoice(str(material.id), _("%(title)s (link)", title=material.title)))
            continue
        choices.append(SelectChoice(str(material.id), _("%(title)s: current version", title=material.title)))
        choices += [
            SelectChoice(
                f"{material.id}:{v.number}", _("%(title)s: version %(number)d", title=material.title, number=v.number)
            )
            for v in material.versions
        ]
    return choices


def outcomes_page(event, report_form=None, material_form=None, status=200):
    material_form = material_form or MaterialForm()
    material_form.material.choices = material_choices(event)
    return render_template(
        "publishing/manage.html",
        event=event,
        publications=services.publications_of(event),
        report_form=report_form or ReportForm(),
        material_form=material_form,
        action_form=ActionForm(),
        event_ended=event.ends_at <= utcnow(),
    ), status


@bp.get("/manage/events/<slug>/outcomes", endpoint="manage")
@publishing_event
def manage(event):
    return outcomes_page(event)


@bp.post("/manage/events/<slug>/outcomes/report", endpoint="publish_report")
@publishing_event
def publish_report(event):
    form = ReportForm()
    if form.validate_on_submit():
        with showing_errors(form):
            started = services.start_publishing_report(
                acting_user(), event.id, form.audience.data, form.confirm_early.data
            )
            if started.already_running:
                flash(_("The report is being published already: this is how far it got."), "info")
            return redirect(url_for("jobs.show", slug=event.slug, job_id=started.job.id))
    return outcomes_page(event, report_form=form, status=400)


@bp.post("/manage/events/<slug>/outcomes/materials", endpoint="publish_material")
@publishing_event
def publish_material(event):
    form = MaterialForm()
    form.material.choices = material_choices(event)
    if form.validate_on_submit():
        material_id, _colon, number = form.material.data.partition(":")
        with showing_errors(form):
            publication = services.publish_material(
                acting_user(), event.id, int(material_id), int(number) if number else None, form.audience.data
            )
            flash(_("“%(title)s” is published.", title=publication.title), "success")
            return redirect(url_for("publishing.manage", slug=event.slug))
    return outcomes_page(event, material_form=form, status=400)


def press_release_page(event, form, publication=None, status=200):
    return render_template(
        "publishing/press_release_form.html", event=event, form=form, publication=publication
    ), status


@bp.route("/manage/events/<slug>/outcomes/press-releases/new", methods=["GET", "POST"], endpoint="new_press_release")
@publishing_event
def new_press_release(event):
    form = PressReleaseForm()
    if form.validate_on_submit():
        with showing_errors(form):
            publication = services.save_press_release(acting_user(), event.id, press_release_data(form))
            flash(_("“%(title)s” is published.", title=publication.title), "success")
            return redirect(url_for("publishing.manage", slug=event.slug))
    return press_release_page(event, form, status=400 if form.is_submitted() else 200)


@bp.route(
    "/manage/events/<slug>/outcomes/press-releases/<int:publication_id>",
    methods=["GET", "POST"],
    endpoint="edit_press_release",
)
@publishing_event
def edit_press_release(event, publication_id):
    publication = organisers_publication(event, publication_id)
    if publication.kind is not PublicationKind.PRESS_RELEASE:
        abort(404)
    form = PressReleaseForm(obj=publication, audience=publication.audience.value)
    if form.validate_on_submit():
        with showing_errors(form):
            services.save_press_release(acting_user(), event.id, press_release_data(form), publication.id)
            flash(_("“%(title)s” is published again, in its new version.", title=form.title.data), "success")
            return redirect(url_for("publishing.manage", slug=event.slug))
    return press_release_page(event, form, publication, status=400 if form.is_submitted() else 200)


def press_release_data(form) -> services.PressReleaseData:
    return services.PressReleaseData(
        title=form.title.data, body=form.body.data, dated=form.dated.data, audience=form.audience.data
    )


def organisers_publication(event, publication_id: int) -> Publication:
    try:
        return services.publication_of(event, publication_id)
    except services.PublicationNotFound:
        abort(404)


@bp.post("/manage/events/<slug>/outcomes/<int:publication_id>/withdraw", endpoint="withdraw")
@publishing_event
def withdraw(event, publication_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    organisers_publication(event, publication_id)
    publication = services.withdraw(acting_user(), event.id, publication_id)
    flash(_("“%(title)s” is withdrawn: its address now says so.", title=publication.title), "info")
    return redirect(url_for("publishing.manage", slug=event.slug))


@bp.post("/manage/events/<slug>/outcomes/<int:publication_id>/publish-again", endpoint="publish_again")
@publishing_event
def publish_again(event, publication_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    organisers_publication(event, publication_id)
    publication = services.publish_again(acting_user(), event.id, publication_id)
    flash(_("“%(title)s” is published again.", title=publication.title), "success")
    return redirect(url_for("publishing.manage", slug=event.slug))


# --- the resource library -------------------------------------------------------------------


def library_filter(form: LibraryForm) -> library.LibraryFilter:
    return library.LibraryFilter(
        query=form.q.data or "",
        event_id=database_id(form.event.data) if form.event.data else None,
        series_id=database_id(form.series.data) if form.series.data else None,
        kind=PublicationKind(form.kind.data) if form.kind.data else None,
        language=form.language.data or None,
        year=int(form.year.data) if form.year.data else None,
    )


@bp.get("/resources", endpoint="library")
def resource_library():
    form = LibraryForm(request.args)
    form.offer(library.events_in_library(), library.series_in_library(), library.years_in_library())
    if not form.validate():
        return render_template("publishing/library.html", form=form, results=None, filters={}), 400
    filters = {name: value for name, value in request.args.items() if name in form and value}
    results = library.library_page(library_filter(form), page_number(request.args.get("page")), PER_PAGE)
    return render_template("publishing/library.html", form=form, results=results, filters=filters)


# --- one publication, at its lasting address ------------------------------------------------


def readable_or_error(publication_id: int) -> Publication:
    publication = db.session.get(Publication, publication_id)
    if publication is None:
        abort(404)
    if security.can_see_publication(current_user, publication):
        return publication
    event = publication.event
    if not event.is_public or (publication.audience is Audience.PARTICIPANTS and not publication.is_live):
        abort(404)
    if not publication.is_live:
        page = render_template(
            "errors/error.html",
            code=410,
            title=_("Withdrawn"),
            message=_("The organisers of the event withdrew this publication."),
        )
        abort(make_response(page, 410))
    abort(403)


@bp.get("/resources/<int:publication_id>", endpoint="resource_by_id")
@bp.get("/resources/<int:publication_id>-<slug>", endpoint="resource")
def resource(publication_id, slug=None):
    publication = readable_or_error(publication_id)
    if slug != services.slug_of(publication):
        return redirect(resource_url(publication), 301)
    return render_template(
        "publishing/resource.html",
        publication=publication,
        event=publication.event,
        organiser=security.can_publish_outcomes(current_user, publication.event),
        language_labels=LANGUAGE_LABELS,
    )


@bp.get("/resources/<int:publication_id>-<slug>/v<int:version>/<language>", endpoint="download")
def download(publication_id, slug, version, language):
    publication = readable_or_error(publication_id)
    if version != publication.version:
        flash(
            _(
                "Version %(old)d was replaced: this is version %(new)d, published on %(day)s.",
                old=version,
                new=publication.version,
                day=medium_date(publication.published_at.date()),
            ),
            "info",
        )
        return redirect(resource_url(publication))
    if publication.url and language == "link":
        return redirect(publication.url)
    file = publication.file_in("" if language == "file" else language)
    if file is None:
        abort(404)
    try:
        path = upload_storage().path(file.storage_key)
    except FileMissing:
        abort(404)
    response = send_file(
        path, mimetype=file.content_type, as_attachment=True, download_name=file.filename, etag=file.sha256
    )
    response = attachment_headers(response, file.filename, f"resource-{publication.id}")
    if publication.audience is Audience.PUBLIC:
        response.cache_control.private = False
        response.cache_control.no_cache = True
    return response
