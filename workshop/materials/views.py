"""Materials: the public list, downloads one by one or as a ZIP, and adding and changing them.

Organisers add to the event and every session (``materials.manage``); a speaker adds to their own
sessions (``materials.upload_to_session``). Every file leaves as an attachment, never inline.
"""

import unicodedata
from urllib.parse import quote

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import security, uploads
from ..agenda.models import AgendaSession
from ..errors import DomainError, Forbidden, MissingFile
from ..events.models import Event
from ..extensions import csrf, login
from ..formatting import format_in_zone
from ..formtools import showing_errors
from ..lookups import acting_user, managed_event, of_event_or_404, signed_in_event, visible_event
from ..redirects import safe_next
from . import bp, services
from .forms import EVENT_TARGET, VISIBILITY_LABELS, EditMaterialForm, EventMaterialForm, MaterialForm, VersionForm
from .models import Material


def changeable_material_or_error(event: Event, material_id: int) -> Material:
    material = services.material_of(event.id, material_id)
    if not security.can_change_material(current_user, material):
        abort(403)
    return material


def back_url(event: Event) -> str:
    default = (
        url_for("materials.manage", slug=event.slug)
        if security.can_manage_event(current_user, event)
        else url_for("materials.event_materials", slug=event.slug)
    )
    return safe_next(request.values.get("next"), default)


def accepted_files() -> str:
    return _(
        "PDF, slides, documents, spreadsheets or images (%(kinds)s), up to %(limit)s.",
        kinds=uploads.allowed_names(uploads.DOCUMENTS),
        limit=uploads.size_label(uploads.max_upload_bytes()),
    )


def describe_file_field(field) -> None:
    """What may be uploaded, under the field and in the browser's file picker."""
    field.description = accepted_files()
    field.render_kw = {"accept": ",".join(sorted({f".{ext}" for kind in uploads.DOCUMENTS for ext in kind.extensions}))}


def session_label(session: AgendaSession, event: Event) -> str:
    return f"{format_in_zone(session.starts_at, event.timezone)} · {session.title}"


# --- what everyone sees ----------------------------------------------------------------


@bp.get("/events/<slug>/materials")
@visible_event
def event_materials(event):
    viewer = acting_user()
    materials = services.visible_materials(viewer, event)
    can_manage = security.can_manage_event(viewer, event)
    return render_template(
        "materials/event_materials.html",
        event=event,
        groups=services.by_session(materials),
        has_files=any(not m.is_link for m in materials),
        has_any=bool(materials),
        can_manage=can_manage,
        own_sessions=[] if can_manage else services.uploadable_sessions(viewer, event),
    )


@bp.get("/materials/<int:material_id>/download")
def download(material_id):
    raw_number = request.args.get("version")
    if raw_number is not None and not raw_number.isdigit():
        abort(404)
    try:
        material, version = services.file_to_download(
            acting_user(), material_id, int(raw_number) if raw_number else None
        )
    except Forbidden:
        if not current_user.is_authenticated:
            return login.unauthorized()  # to the login page, and back here afterwards
        raise
    if version is None:
        return redirect(material.url)
    try:
        path = services.stored_file(material, version)
    except MissingFile as error:
        if not security.can_change_material(current_user, material):
            raise  # the 404 page says the file is missing
        flash(str(error), "danger")
        organiser = security.can_manage_event(current_user, material.event)
        return redirect(
            url_for("materials.manage" if organiser else "materials.event_materials", slug=material.event.slug)
        )
    response = send_file(
        path,
        mimetype=version.content_type,
        as_attachment=True,
        download_name=version.filename,
        etag=version.sha256,
        conditional=True,
    )
    return attachment_headers(response, version.filename, f"material-{material.id}")


def attachment_headers(response, filename: str, fallback_stem: str):
    """Always an attachment, never sniffed, never run; the plain ``filename`` is readable even
    when the real name (in ``filename*``) is all Chinese."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(c for c in ascii_name if c.isalnum() or c in " ._-()").strip()
    stem, dot, extension = ascii_name.rpartition(".")
    if not dot:
        stem, extension = ascii_name, ""
    if not stem.strip(" ._-"):
        ascii_name = f"{fallback_stem}.{extension}" if extension else fallback_stem
    names = {"filename": ascii_name}
    if ascii_name != filename:
        names["filename*"] = "UTF-8''" + quote(filename, safe="!#$&+-.^_`|~")
    response.headers.set("Content-Disposition", "attachment", **names)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.private = True
    return response


@bp.get("/events/<slug>/materials.zip", endpoint="zip")
@visible_event
def zip_download(event):
    try:
        result = services.materials_zip(
            acting_user(),
            event,
            event_folder=_("Event"),
            links_heading=_("Links among the materials of %(event)s", event=event.title),
        )
    except MissingFile as error:
        if not security.can_manage_event(current_user, event):
            raise  # the 404 page names what is missing
        flash(str(error), "danger")
        return redirect(url_for("materials.manage", slug=event.slug))
    if result is None:
        flash(_("There are no materials for you to download yet."), "info")
        return redirect(url_for("materials.event_materials", slug=event.slug))
    archive, size = result
    response = send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{event.slug}-materials.zip",
        conditional=False,
        etag=False,
    )
    response.content_length = size
    return attachment_headers(response, f"{event.slug}-materials.zip", "materials")


@bp.app_template_global()
def session_materials(session: AgendaSession) -> list[Material]:
    """The materials of ``session`` that the person looking at the page may see."""
    return services.visible_session_materials(acting_user(), session)


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    return uploads.size_label(size or 0)


bp.add_app_template_global(VISIBILITY_LABELS, "material_visibility_labels")


# --- adding -----------------------------------------------------------------------------


def add_from_form(form: MaterialForm, event: Event, session_id: int | None) -> Material | None:
    """Add what the form describes; None (and the messages on the form) when something is wrong."""
    file = form.file.data
    url = (form.url.data or "").strip()
    with showing_errors(form):
        if file and url:
            raise DomainError(_("Give a file or a link, not both."), field="url")
        if url:
            return services.add_link(acting_user(), event.id, form.material_data(session_id))
        return services.add_file(
            acting_user(),
            event.id,
            form.material_data(session_id),
            file.stream if file else None,
            file.filename if file else "",
        )
    return None


@bp.route("/manage/events/<slug>/materials", methods=["GET", "POST"])
@managed_event
def manage(event):
    sessions = services.uploadable_sessions(acting_user(), event)
    form = EventMaterialForm()
    form.session_id.choices = [(EVENT_TARGET, _("The whole event"))] + [
        (str(s.id), session_label(s, event)) for s in sessions
    ]
    describe_file_field(form.file)
    if request.method == "GET" and request.args.get("session", "").isdigit():
        form.session_id.data = request.args["session"]
    if form.validate_on_submit():
        if not form.target_is_valid():
            form.session_id.errors = [_("Choose a session of this event from the list.")]
        elif add_from_form(form, event, form.target_session_id()) is not None:
            flash(_("The material is added."), "success")
            return redirect(url_for("materials.manage", slug=event.slug))
    materials = services.event_materials(event.id)
    return render_template(
        "materials/manage.html",
        event=event,
        form=form,
        groups=services.by_session(materials),
        missing=services.materials_with_missing_files(materials),
    )


@bp.route("/events/<slug>/agenda/<int:session_id>/materials/new", methods=["GET", "POST"])
@signed_in_event
def upload_to_session(event, session_id):
    session = of_event_or_404(AgendaSession, session_id, event)
    if not security.can_upload_to_session(current_user, session):
        abort(403)  # before the upload is even read
    form = MaterialForm()
    describe_file_field(form.file)
    if form.validate_on_submit() and add_from_form(form, event, session.id) is not None:
        flash(_("The material is added to “%(session)s”.", session=session.title), "success")
        return redirect(safe_next(request.args.get("next"), url_for("materials.event_materials", slug=event.slug)))
    return render_template(
        "materials/upload.html", event=event, session=session, form=form, session_label=session_label(session, event)
    )


# --- changing ---------------------------------------------------------------------------


def render_edit(event: Event, material: Material, form: EditMaterialForm, version_form: VersionForm):
    if not material.is_link:
        del form.url
    describe_file_field(version_form.file)
    return render_template(
        "materials/edit.html",
        event=event,
        material=material,
        form=form,
        version_form=version_form,
        back=back_url(event),
    )


@bp.route("/events/<slug>/materials/<int:material_id>/edit", methods=["GET", "POST"])
@signed_in_event
def edit(event, material_id):
    material = changeable_material_or_error(event, material_id)
    form = EditMaterialForm()
    if request.method == "GET":
        form.fill(material)
    if form.validate_on_submit():
        with showing_errors(form):
            services.update_material(acting_user(), event.id, material.id, form.material_data())
            flash(_("The material is saved."), "success")
            return redirect(back_url(event))
    return render_edit(event, material, form, VersionForm(formdata=None))


@bp.post("/events/<slug>/materials/<int:material_id>/versions")
@signed_in_event
def add_version(event, material_id):
    material = changeable_material_or_error(event, material_id)
    version_form = VersionForm()
    if version_form.validate_on_submit():
        file = version_form.file.data
        with showing_errors(version_form):
            version = services.add_version(
                acting_user(), event.id, material.id, file.stream if file else None, file.filename if file else ""
            )
            flash(
                _("Version %(number)d is now the current one; the earlier versions are kept.", number=version.number),
                "success",
            )
            return redirect(
                url_for("materials.edit", slug=event.slug, material_id=material.id, next=request.values.get("next"))
            )
    form = EditMaterialForm(formdata=None)
    form.fill(material)
    return render_edit(event, material, form, version_form)


@bp.post("/events/<slug>/materials/<int:material_id>/delete")
@signed_in_event
def delete(event, material_id):
    csrf.protect()  # a button: without a valid token the CSRF page explains
    material = changeable_material_or_error(event, material_id)
    title = services.delete_material(acting_user(), event.id, material.id)
    flash(_("“%(title)s” is deleted, with all its versions.", title=title), "success")
    return redirect(back_url(event))
