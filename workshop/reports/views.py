"""The workshop report: the organisers' page with its sections, the session summaries, and the
compiled PDF (compiled by the worker when asked, then shown in the browser or downloaded).

The organisers' pages answer 403 to anybody else (404 for a draft); a session's summary is for
its rapporteurs too.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import security
from ..audit.recording import record_download
from ..downloads import document
from ..formtools import showing_errors
from ..lookups import acting_user, event_for, event_or_404
from ..storage import FileMissing, upload_storage
from ..text import render_markdown
from ..translated import LANGUAGE_LABELS
from . import bp, compiling, services
from .forms import ActionForm, MoveForm, SectionForm, StandardSectionForm, SummaryForm
from .titles import SECTION_TITLES

reporting_event = event_for(security.can_edit_report)


def preview_of(form, field: str = "body"):
    """The text rendered as it will read, in each language it is written in (language, its name,
    HTML), when "Preview" was pressed and no text is too long."""
    with showing_errors(form):
        text = services.check_text(getattr(form, field).data, field)
        return [
            (language, LANGUAGE_LABELS.get(language, language), render_markdown(body))
            for language, body in text.texts.items()
        ]
    return None


def require_valid_button(form) -> None:
    """A button's form: without a valid CSRF token, 400."""
    if not form.validate_on_submit():
        abort(400)


# --- the report page and its sections ---------------------------------------------------------


@bp.get("/manage/events/<slug>/report", endpoint="manage")
@reporting_event
def manage(event):
    rows = services.summary_rows(event)
    return render_template(
        "reports/manage.html",
        event=event,
        entries=services.sections_of(event),
        summaries_written=sum(1 for row in rows if row.written),
        summaries_total=len(rows),
        move_form=MoveForm(),
        action_form=ActionForm(),
        compiled=compiling.latest_compiled(event),
        compiling_now=compiling.compiling_now(event),
    )


def section_page(event, form, section, heading: str, preview=None):
    return render_template(
        "reports/section_form.html", event=event, form=form, section=section, heading=heading, preview=preview
    )


@bp.route("/manage/events/<slug>/report/sections/<kind>", methods=["GET", "POST"], endpoint="edit_standard")
@reporting_event
def edit_standard(event, kind):
    section_kind = services.standard_kind(kind)
    if section_kind is None:
        abort(404)
    section = services.standard_section(event, section_kind)
    form = StandardSectionForm(obj=section)
    heading = str(SECTION_TITLES[section_kind])
    if form.validate_on_submit():
        if form.preview.data:
            return section_page(event, form, section, heading, preview_of(form))
        with showing_errors(form):
            services.save_standard_section(acting_user(), event, section_kind, form.data_for_service())
            flash(_("“%(title)s” is saved.", title=str(form.title.data) or heading), "success")
            return redirect(url_for("reports.manage", slug=event.slug, _anchor=f"section-{section_kind.value}"))
    return section_page(event, form, section, heading)


@bp.route("/manage/events/<slug>/report/sections/new", methods=["GET", "POST"], endpoint="add_section")
@reporting_event
def add_section(event):
    form = SectionForm()
    heading = _("New section")
    if form.validate_on_submit():
        if form.preview.data:
            return section_page(event, form, None, heading, preview_of(form))
        with showing_errors(form):
            section = services.add_section(acting_user(), event, form.data_for_service())
            flash(_("“%(title)s” is added to the report.", title=section.title), "success")
            return redirect(url_for("reports.manage", slug=event.slug, _anchor=f"section-{section.id}"))
    return section_page(event, form, None, heading)


@bp.route("/manage/events/<slug>/report/sections/<int:section_id>", methods=["GET", "POST"], endpoint="edit_section")
@reporting_event
def edit_section(event, section_id):
    section = services.added_section(event, section_id)
    if section is None:
        abort(404)
    form = SectionForm(obj=section)
    heading = section.title
    if form.validate_on_submit():
        if form.preview.data:
            return section_page(event, form, section, heading, preview_of(form))
        with showing_errors(form):
            section = services.update_section(acting_user(), event, section_id, form.data_for_service())
            flash(_("“%(title)s” is saved.", title=section.title), "success")
            return redirect(url_for("reports.manage", slug=event.slug, _anchor=f"section-{section.id}"))
    return section_page(event, form, section, heading)


@bp.post("/manage/events/<slug>/report/sections/<int:section_id>/move", endpoint="move_section")
@reporting_event
def move_section(event, section_id):
    form = MoveForm()
    require_valid_button(form)
    services.move_section(acting_user(), event, section_id, -1 if form.direction.data == "up" else 1)
    return redirect(url_for("reports.manage", slug=event.slug, _anchor=f"section-{section_id}"))


@bp.route(
    "/manage/events/<slug>/report/sections/<int:section_id>/delete", methods=["GET", "POST"], endpoint="delete_section"
)
@reporting_event
def delete_section(event, section_id):
    section = services.added_section(event, section_id)
    if section is None:
        abort(404)
    form = ActionForm()
    if request.method == "POST":
        require_valid_button(form)
        title = services.delete_section(acting_user(), event, section_id)
        flash(_("“%(title)s” is deleted from the report.", title=title), "info")
        return redirect(url_for("reports.manage", slug=event.slug))
    return render_template("reports/delete_section.html", event=event, section=section, form=form)


# --- the compiled report: drawn by the worker from the data as it is then ----------------------


@bp.post("/manage/events/<slug>/report/compile", endpoint="compile")
@reporting_event
def compile_report(event):
    require_valid_button(ActionForm())
    started = compiling.start_compiling(acting_user(), event)
    if started.already_running:
        flash(_("The report is being compiled already: this is how far it got."), "info")
    return redirect(url_for("jobs.show", slug=event.slug, job_id=started.job.id))


@bp.get("/manage/events/<slug>/report.pdf", endpoint="compiled")
@reporting_event
def compiled(event):
    return compiled_response(event, as_attachment=bool(request.args.get("download")))


@bp.get("/manage/events/<slug>/report/download", endpoint="download_pdf")
@reporting_event
def download_pdf(event):
    return compiled_response(event, as_attachment=True)


def compiled_response(event, as_attachment: bool):
    job = compiling.latest_compiled(event)
    if job is None:
        flash(_("Compile the report first: it is then ready to open and download."), "info")
        return redirect(url_for("reports.manage", slug=event.slug))
    try:
        with upload_storage().open(job.result_file) as file:
            data = file.read()
    except FileMissing:
        flash(_("The compiled report is missing from the server: compile it again."), "danger")
        return redirect(url_for("reports.manage", slug=event.slug))
    record_download("report", event_id=event.id, summary=f"{event.slug}-report.pdf")
    return document(data, f"{event.slug}-report.pdf", "application/pdf", inline=not as_attachment)


# --- session summaries ------------------------------------------------------------------------


@bp.get("/manage/events/<slug>/report/summaries", endpoint="summaries")
@reporting_event
def summaries(event):
    return render_template("reports/summaries.html", event=event, rows=services.summary_rows(event))


@bp.route("/events/<slug>/sessions/<int:session_id>/summary", methods=["GET", "POST"], endpoint="edit_summary")
@login_required
def edit_summary(slug, session_id):
    """A session's rapporteurs and the event's organisers; 403 for anybody else (404 for a draft)."""
    event = event_or_404(slug)
    session = services.session_of_event(event, session_id)
    if session is None:
        abort(404)
    if not security.can_write_summary(current_user, session):
        abort(404 if not event.is_public else 403)
    summary = services.summary_of(session)
    form = SummaryForm(obj=summary)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = preview_of(form)
        else:
            with showing_errors(form):
                services.save_summary(acting_user(), session.id, form.body.data)
                flash(_("The summary of “%(title)s” is saved.", title=session.title), "success")
                if security.can_edit_report(current_user, event):
                    return redirect(url_for("reports.summaries", slug=event.slug, _anchor=f"session-{session.id}"))
                return redirect(url_for("reports.edit_summary", slug=event.slug, session_id=session.id))
    return render_template(
        "reports/summary_form.html",
        event=event,
        session=session,
        summary=summary,
        form=form,
        preview=preview,
        rapporteurs=services.rapporteurs_of(session),
        organiser=security.can_edit_report(current_user, event),
    )
