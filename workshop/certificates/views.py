"""Certificates: the organisers' page (settings, issuing, revoking, downloads), a participant's own
download, and the public verification page (rate-limited)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import security
from ..audit.recording import record_download
from ..downloads import document, pdf_to_read
from ..errors import MissingFile
from ..extensions import limiter
from ..formtools import posted_or_400, showing_errors
from ..letterhead import services as letterheads
from ..letterhead import views as letterhead_views
from ..lookups import acting_user, event_for, managed_event
from . import bp, pdf, services
from .forms import ActionForm, IssueAllForm, IssueForm, RevokeForm, SettingsForm, VerifyForm


def verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


# --- organisers -------------------------------------------------------------------------------

issuing_event = event_for(security.can_issue_certificates)


@bp.get("/manage/events/<slug>/certificates", endpoint="manage")
@issuing_event
def manage(event):
    rows = services.rows_for(acting_user(), event)
    letterhead = letterheads.letterhead_of(event)
    return render_template(
        "certificates/manage.html",
        event=event,
        rows=rows,
        settings=services.settings_of(event),
        letterhead=letterhead,
        issuers=letterheads.issuers_of(event, letterhead),
        missing_images=letterheads.missing_images(letterhead),
        eligible_waiting=sum(1 for row in rows if row.eligibility.eligible and row.current is None),
        issued_count=sum(1 for row in rows if row.current is not None),
        issuing=services.issuing_job(event),
        ended=services.has_ended(event),
        issue_form=IssueForm(),
        issue_all_form=IssueAllForm(),
        revoke_form=RevokeForm(),
        action_form=ActionForm(),
    )


@bp.route("/manage/events/<slug>/certificates/settings", methods=["GET", "POST"], endpoint="settings")
@managed_event
def settings_page(event):
    form = SettingsForm(obj=letterheads.letterhead_of(event), bilingual=services.settings_of(event).bilingual)
    return letterhead_views.settings_page(
        event,
        form,
        save=lambda: services.save_settings(
            acting_user(), event, form.letterhead(), bool(form.bilingual.data), form.images(), form.removed()
        ),
        saved=_("The certificate settings are saved."),
        back=url_for("certificates.manage", slug=event.slug),
        template="certificates/settings.html",
    )


@bp.post("/manage/events/<slug>/certificates/issue-all", endpoint="issue_all")
@issuing_event
def issue_all(event):
    form = IssueAllForm()
    if posted_or_400(form):
        with showing_errors():
            started = services.start_issuing_to_all_eligible(acting_user(), event, bool(form.before_the_end.data))
            if started.already_running:
                flash(_("Certificates are being issued already: this is how far it got."), "info")
            return redirect(url_for("jobs.show", slug=event.slug, job_id=started.job.id))
    return redirect(url_for("certificates.manage", slug=event.slug))


@bp.post("/manage/events/<slug>/certificates/registrations/<int:registration_id>/issue", endpoint="issue")
@issuing_event
def issue(event, registration_id):
    form = IssueForm()
    if posted_or_400(form):
        with showing_errors():
            certificate = services.issue(
                acting_user(), event, registration_id, form.reason.data or "", bool(form.before_the_end.data)
            )
            flash(
                _("Certificate issued to %(name)s; they are told by e-mail.", name=certificate.holder_name), "success"
            )
    return redirect(url_for("certificates.manage", slug=event.slug, _anchor=f"registration-{registration_id}"))


@bp.post("/manage/events/<slug>/certificates/<int:certificate_id>/revoke", endpoint="revoke")
@issuing_event
def revoke(event, certificate_id):
    form = RevokeForm()
    if posted_or_400(form):
        with showing_errors():
            certificate = services.revoke(acting_user(), event, certificate_id, form.reason.data or "")
            flash(_("The certificate of %(name)s is revoked.", name=certificate.holder_name), "success")
    return redirect(url_for("certificates.manage", slug=event.slug))


@bp.post("/manage/events/<slug>/certificates/<int:certificate_id>/reissue", endpoint="reissue")
@issuing_event
def reissue(event, certificate_id):
    if posted_or_400(ActionForm()):
        with showing_errors():
            certificate = services.reissue(acting_user(), event, certificate_id)
            flash(
                _("A new certificate is issued to %(name)s; the old one is revoked.", name=certificate.holder_name),
                "success",
            )
    return redirect(url_for("certificates.manage", slug=event.slug))


def _sheets_of_all_valid(event):
    """The sheets of every valid certificate of the event; None (with the reason flashed) when
    there is nothing to print or an image of the letterhead is missing."""
    try:
        sheets = pdf.sheets_for(services.valid_certificates(acting_user(), event))
    except MissingFile as error:
        flash(str(error), "danger")
        return None
    if not sheets:
        flash(_("No certificate is issued yet."), "info")
        return None
    return sheets


@bp.get("/manage/events/<slug>/certificates.pdf", endpoint="all_pdf")
@issuing_event
def all_pdf(event):
    sheets = _sheets_of_all_valid(event)
    if sheets is None:
        return redirect(url_for("certificates.manage", slug=event.slug))
    title = (
        _("Certificates of completion: %(event)s", event=event.title)
        if event.ends_in_completion
        else _("Certificates of attendance: %(event)s", event=event.title)
    )
    data = pdf.render_certificates(sheets, title)
    record_download("certificates", event_id=event.id, summary=f"certificates-{event.slug}.pdf")
    return pdf_to_read(data, f"certificates-{event.slug}.pdf")


@bp.get("/manage/events/<slug>/certificates.zip", endpoint="all_zip")
@issuing_event
def all_zip(event):
    sheets = _sheets_of_all_valid(event)
    if sheets is None:
        return redirect(url_for("certificates.manage", slug=event.slug))
    data = pdf.zip_of(sheets)
    record_download("certificates", event_id=event.id, summary=f"certificates-{event.slug}.zip")
    return document(data, f"certificates-{event.slug}.zip", "application/zip")


# --- the holder -------------------------------------------------------------------------------


@bp.get("/certificates/<int:certificate_id>.pdf", endpoint="download")
@login_required
def download(certificate_id):
    """The holder's own (while valid), or any of an event the person organises; 404 for anyone else."""
    certificate = services.certificate_to_download(acting_user(), certificate_id)
    try:
        [sheet] = pdf.sheets_for([certificate])
    except MissingFile as error:
        event = certificate.registration.event
        if not security.can_issue_certificates(current_user, event):
            raise  # the holder gets the error page
        flash(str(error), "danger")
        return redirect(url_for("certificates.manage", slug=event.slug))
    data = pdf.render_certificate(sheet)
    registration = certificate.registration
    record_download("certificate_pdf", event_id=registration.event_id, target=certificate)
    return pdf_to_read(data, pdf.filename_of(sheet))


# --- anybody ----------------------------------------------------------------------------------

verify_limits = limiter.shared_limit(verify_limit, scope="certificate-verification")


@bp.get("/certificates/verify", endpoint="verify_form")
@verify_limits
def verify_form():
    form = VerifyForm(request.args)
    typed = (request.args.get("code") or "").strip()
    if typed:
        try:
            code = services.normalise_code(typed)
        except services.MalformedCode as error:
            form.code.errors = [str(error)]
            return render_template("certificates/verify.html", form=form, result=None), 400
        return redirect(url_for("certificates.verify", code=code))
    return render_template("certificates/verify.html", form=form, result=None)


@bp.get("/certificates/verify/<code>", endpoint="verify")
@verify_limits
def verify(code):
    form = VerifyForm(data={"code": code})
    try:
        result = services.verify(code)
    except services.MalformedCode as error:
        form.code.errors = [str(error)]
        return render_template("certificates/verify.html", form=form, result=None), 404
    except services.UnknownCertificate:
        return render_template("certificates/verify.html", form=form, result=None, unknown=True), 404
    return render_template("certificates/verify.html", form=VerifyForm(formdata=None), result=result)
