"""Visa letters: a participant's request page and download; the organisers' list, decisions and
letterhead."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import security
from ..audit.recording import record_download
from ..downloads import pdf_to_read
from ..errors import MissingFile
from ..extensions import db
from ..formtools import posted_or_400, showing_errors
from ..letterhead import services as letterheads
from ..letterhead import views as letterhead_views
from ..lookups import acting_user, event_for
from ..registration.models import Registration
from . import bp, pdf, services
from .forms import ActionForm, PassportForm, RejectForm, SettingsForm
from .models import LetterRequest, LetterStatus

STATUS_LABELS = {
    LetterStatus.REQUESTED: _l("Waiting for the organisers"),
    LetterStatus.APPROVED: _l("Approved"),
    LetterStatus.REJECTED: _l("Refused"),
}


@bp.app_template_global("may_request_visa_letter")
def may_request_visa_letter(registration) -> bool:
    return security.can_request_letter(acting_user(), registration)


bp.add_app_template_global(STATUS_LABELS, "visa_letter_status_labels")


# --- the participant --------------------------------------------------------------------------


@bp.route("/registrations/<int:registration_id>/visa-letter", methods=["GET", "POST"], endpoint="request")
@login_required
def request_page(registration_id):
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.user_id != current_user.id:
        abort(404)
    letter = services.request_of(registration)
    allowed = security.can_request_letter(current_user, registration)
    if not allowed and letter is None:
        return render_template("letters/request.html", registration=registration, letter=None, form=None), 403
    form = PassportForm(obj=letter) if allowed and (letter is None or letter.details_erased_at is None) else None
    if form is not None:
        form.passport_expires_on.description = _(
            "Your passport must be valid until at least %(date)s (the event ends on %(end)s).",
            date=services.passport_valid_until(registration.event).isoformat(),
            end=services.event_end_date(registration.event).isoformat(),
        )
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            with showing_errors(form):
                letter = services.save_details(acting_user(), registration.id, form.details())
                flash(
                    _(
                        "Your passport details are saved; the organisers will prepare your letter. We will tell you "
                        "by e-mail."
                    ),
                    "success",
                )
                return redirect(url_for("letters.request", registration_id=registration.id))
        elif "csrf_token" in form.errors:
            abort(400)
    return render_template("letters/request.html", registration=registration, letter=letter, form=form)


@bp.get("/visa-letters/<int:letter_id>.pdf", endpoint="download")
@login_required
def download(letter_id):
    """The participant's own approved letter, or any letter of an event the person organises."""
    try:
        letter = services.letter_to_download(acting_user(), letter_id)
    except services.DetailsErased as error:
        flash(str(error), "warning")
        stored = db.session.get(LetterRequest, letter_id)
        if security.can_decide_letters(current_user, stored.registration.event):
            return redirect(url_for("letters.manage", slug=stored.registration.event.slug))
        return redirect(url_for("letters.request", registration_id=stored.registration_id))
    try:
        drawn = pdf.letter_of(letter)
    except MissingFile as error:
        event = letter.registration.event
        if not security.can_decide_letters(current_user, event):
            raise  # the participant gets the error page
        flash(str(error), "danger")
        return redirect(url_for("letters.manage", slug=event.slug))
    data = pdf.render_letter(drawn)
    registration = letter.registration
    record_download("letter_pdf", event_id=registration.event_id, target=letter)
    return pdf_to_read(data, pdf.filename_of(drawn))


# --- organisers -------------------------------------------------------------------------------


deciding_event = event_for(security.can_decide_letters)


@bp.get("/manage/events/<slug>/visa-letters", endpoint="manage")
@deciding_event
def manage(event):
    services.erase_expired_passport_details()
    letters = services.requests_of(acting_user(), event)
    letterhead = letterheads.letterhead_of(event)
    rules = services.settings_of(event)
    return render_template(
        "letters/manage.html",
        event=event,
        letters=letters,
        letterhead=letterhead,
        organisation=services.organisation_of(event, letterhead),
        missing_images=letterheads.missing_images(letterhead, services.LETTER_IMAGE_SLOTS),
        missing=services.missing_details,
        changed=services.changed_since_approval(event, letters),
        waiting=sum(1 for letter in letters if letter.status is LetterStatus.REQUESTED),
        awaiting_details=services.awaiting_details(acting_user(), event),
        too_short=services.passports_too_short(event, letters),
        valid_until=services.passport_valid_until(event, rules.passport_months),
        rules=rules,
        prefix=services.reference_prefix(event),
        action_form=ActionForm(),
        reject_form=RejectForm(),
    )


@bp.route("/manage/events/<slug>/visa-letters/settings", methods=["GET", "POST"], endpoint="settings")
@deciding_event
def settings_page(event):
    rules = services.settings_of(event)
    form = SettingsForm(
        obj=letterheads.letterhead_of(event),
        purpose=rules.purpose,
        passport_months=str(rules.passport_months),
        reference_prefix=rules.reference_prefix,
        default_prefix=services.default_prefix(event),
    )
    return letterhead_views.settings_page(
        event,
        form,
        save=lambda: services.save_settings(
            acting_user(), event, form.letterhead(), form.rules(), form.images(), form.removed()
        ),
        saved=_("The letterhead is saved."),
        back=url_for("letters.manage", slug=event.slug),
        template="letters/settings.html",
    )


@bp.post("/manage/events/<slug>/visa-letters/<int:letter_id>/approve", endpoint="approve")
@deciding_event
def approve(event, letter_id):
    if posted_or_400(ActionForm()):
        with showing_errors():
            letter = services.approve(acting_user(), event, letter_id)
            flash(
                _(
                    "The letter of %(name)s is approved (%(reference)s); they are told by e-mail.",
                    name=letter.registration.full_name,
                    reference=letter.reference,
                ),
                "success",
            )
    return redirect(url_for("letters.manage", slug=event.slug, _anchor=f"letter-{letter_id}"))


@bp.post("/manage/events/<slug>/visa-letters/<int:letter_id>/reapprove", endpoint="reapprove")
@deciding_event
def reapprove(event, letter_id):
    if posted_or_400(ActionForm()):
        with showing_errors():
            letter = services.reapprove(acting_user(), event, letter_id)
            flash(
                _(
                    "The letter of %(name)s is approved again (%(reference)s), as things are now; they are told by "
                    "e-mail.",
                    name=letter.registration.full_name,
                    reference=letter.reference,
                ),
                "success",
            )
    return redirect(url_for("letters.manage", slug=event.slug, _anchor=f"letter-{letter_id}"))


@bp.post("/manage/events/<slug>/visa-letters/<int:letter_id>/reject", endpoint="reject")
@deciding_event
def reject(event, letter_id):
    form = RejectForm()
    if posted_or_400(form):
        with showing_errors():
            letter = services.reject(acting_user(), event, letter_id, form.reason.data or "")
            flash(
                _(
                    "The letter of %(name)s is refused; they are told by e-mail, with your reason.",
                    name=letter.registration.full_name,
                ),
                "success",
            )
    return redirect(url_for("letters.manage", slug=event.slug, _anchor=f"letter-{letter_id}"))
