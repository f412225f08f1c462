"""Organisers: the event's questions, its registrations, decisions and exports.

Every page is for the event's organisers and admins only (403, or 404 for a draft).
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit.recording import record_download
from ..bounds import page_number
from ..downloads import NOT_SHARED, XLSX, document
from ..events.models import Event
from ..formtools import showing_errors
from ..i18n import translated_labels
from ..lookups import acting_user, managed_event, of_event_or_404
from ..questions import views as question_pages
from . import bp, exports, listing, questions, search, services
from .answers import display_value
from .forms import ORGANISATION_TYPE_LABELS, SEX_LABELS
from .manage_forms import (
    APPROVE,
    CANCEL,
    DECISIONS,
    KIND_LABELS,
    MESSAGE,
    PROMOTE,
    REJECT,
    QuestionForm,
    RegistrationsActionForm,
)
from .models import Registration
from .states import State

# --- questions ---------------------------------------------------------------------


BUILDER = question_pages.Builder(
    questionnaire=questions.REGISTRATION_FORM,
    blueprint="registration",
    list_endpoint="registration.manage_questions",
    kind_labels=KIND_LABELS,
    nav=("registration/manage/_nav.html", "manage_nav", "questions"),
    answered_note=_l(
        "People have answered this question already, so its kind cannot change. You can still change its wording, "
        "help text, options and flags; the answers already given stay as they were."
    ),
    back_label=_l("Back to the questions"),
    flags={"required": _l("Required"), "sensitive": _l("Sensitive")},
)


def questions_page(event: Event, form: QuestionForm) -> str:
    return render_template(
        "registration/manage/questions.html",
        event=event,
        form=form,
        current=questions.REGISTRATION_FORM.questions(event.id),
        removed=questions.REGISTRATION_FORM.questions(event.id, archived=True),
        answer_counts=questions.answer_counts(event.id),
        builder=BUILDER,
    )


@bp.route("/manage/events/<slug>/questions", methods=["GET", "POST"])
@managed_event
def manage_questions(event):
    if request.method == "GET":
        return questions_page(event, QuestionForm(formdata=None))
    return question_pages.add_question(
        BUILDER,
        event,
        QuestionForm(),
        lambda data: questions.add_question(acting_user(), event.id, data),
        _("The question is added to the registration form."),
        lambda form: questions_page(event, form),
    )


@bp.route("/manage/events/<slug>/questions/<int:question_id>", methods=["GET", "POST"])
@managed_event
def edit_question(event, question_id):
    return question_pages.edit_question(
        BUILDER,
        event,
        question_id,
        QuestionForm(),
        lambda data: questions.update_question(acting_user(), event.id, question_id, data),
    )


@bp.post("/manage/events/<slug>/questions/<int:question_id>/move")
@managed_event
def move_question(event, question_id):
    return question_pages.move_question(
        BUILDER, event, lambda direction: questions.move_question(acting_user(), event.id, question_id, direction)
    )


@bp.post("/manage/events/<slug>/questions/<int:question_id>/remove")
@managed_event
def remove_question(event, question_id):
    return question_pages.builder_button(
        BUILDER,
        event,
        lambda: questions.remove_question(acting_user(), event.id, question_id),
        _("The question is removed from the form. The answers already given stay on the registrations and in exports."),
    )


# --- registrations -----------------------------------------------------------------


ACTIONS = {"approve": APPROVE, "reject": REJECT, "promote": PROMOTE, "cancel": CANCEL, "message": MESSAGE}


def perform(
    action: str, event: Event, form: RegistrationsActionForm, registration_ids: list[int]
) -> tuple[int | services.Approved, list[str]]:
    user = acting_user()
    if action == APPROVE:
        return services.approve(user, event.id, registration_ids)
    if action == REJECT:
        return services.reject(user, event.id, registration_ids, form.reason.data or "")
    if action == PROMOTE:
        return services.promote(user, event.id, registration_ids)
    if action == CANCEL:
        return services.cancel(user, event.id, registration_ids, form.reason.data or "")
    return services.start_message(user, event.id, registration_ids, form.subject.data, form.text.data), []


def approved_message(approved: services.Approved) -> str:
    if not approved.waitlisted:
        return _("Registrations approved: %(count)d.", count=approved.confirmed)
    return _(
        "%(approved)d approved, %(waitlisted)d put on the waiting list because the event is full.",
        approved=approved.confirmed,
        waitlisted=approved.waitlisted,
    )


def done_message(action: str, count) -> str:
    # "Label: count", not ngettext: one phrasing reads right for 1 and for 50, in English and Chinese.
    if action == APPROVE:
        return approved_message(count)
    if action == REJECT:
        return _("Registrations rejected: %(count)d.", count=count)
    if action == PROMOTE:
        return _("Registrations promoted: %(count)d.", count=count)
    return _("Registrations cancelled: %(count)d.", count=count)


def act_on_registrations(event: Event, form: RegistrationsActionForm, registration_ids: list[int]) -> bool | str:
    """Validate the posted form and run its action; flash what was done and what was not.

    False when nothing ran: the page is shown again with the messages and what was typed. A message
    is written by the worker: then the address of its progress page.
    """
    if not form.validate_on_submit():
        if not form.csrf_token.errors and (form.action.errors or form.ids.errors):
            flash(_("Choose what to do with the registrations."), "danger")
        return False
    action = form.action.data
    with showing_errors(form):
        done, problems = perform(action, event, form, registration_ids)
        if action == MESSAGE:
            sent_to = len(done.params["registrations"])
            flash(_("The message is being sent to %(count)d people.", count=sent_to), "success")
            return url_for("jobs.show", slug=event.slug, job_id=done.id)
        if done:
            flash(done_message(action, done), "success")
        if problems:
            flash(_("Not done: %(problems)s", problems="; ".join(problems)), "warning")
        return True
    return False


@bp.route("/manage/events/<slug>/registrations", methods=["GET", "POST"])
@managed_event
def manage_registrations(event):
    filters = search.Filters.from_args(request.args)
    page = page_number(request.args.get("page"))
    # Only a sent form is built: the page read most often needs no more than the form token.
    form = RegistrationsActionForm() if request.method == "POST" else None
    if form is not None:
        acted = act_on_registrations(event, form, form.ids.data or [])
        if isinstance(acted, str):
            return redirect(acted)
        if acted:
            # Back to the same filters and page: a link built from the parsed filters, so always this site.
            return redirect(
                url_for(
                    "registration.manage_registrations",
                    slug=event.slug,
                    **filters.query_args(page=page if page > 1 else ""),
                )
            )
    listed = listing.listed_page(event, filters, page, frozenset(form.ids.data or []) if form else frozenset())
    body = listing.page_body(
        event,
        filters,
        page,
        form,
        lambda token: render_template(
            "registration/manage/_list_body.html",
            event=event,
            filters=filters,
            listed=listed,
            page=page,
            form=form,
            token=token,
            confirmed=listed.counts[State.CONFIRMED],
            state_labels=translated_labels(services.STATE_LABELS),
            decisions=listing.decisions(form, ACTIONS),
        ),
    )
    return render_template("registration/manage/registrations.html", event=event, body=body)


@bp.get("/manage/events/<slug>/registrations/export")
@managed_event
def export_registrations(event):
    filters = search.Filters.from_args(request.args)
    columns = exports.chosen_columns(request.args.getlist("col"), questions.event_questions_with_archived(event.id))
    if not columns:
        flash(_("Tick at least one column to export."), "warning")
        return redirect(url_for("registration.manage_registrations", slug=event.slug, **filters.query_args()))
    file_format = request.args.get("format", "csv")
    if file_format not in exports.FORMATS:
        file_format = "csv"
    header, rows = exports.table(
        event, columns, search.matching_registrations(event.id, filters), services.waitlist_positions(event.id)
    )
    if file_format == "xlsx":
        body = exports.to_xlsx(header, rows, _("Registrations"))
        mimetype = XLSX
    else:
        body = exports.to_csv(header, rows)
        mimetype = "text/csv"
    record_download("registration_list", event_id=event.id, summary=exports.filename(event, file_format))
    return document(body, exports.filename(event, file_format), mimetype, cache=NOT_SHARED)


@bp.route("/manage/events/<slug>/registrations/<int:registration_id>", methods=["GET", "POST"])
@managed_event
def manage_registration(event, registration_id):
    registration = of_event_or_404(Registration, registration_id, event)
    form = RegistrationsActionForm()
    if request.method == "POST" and act_on_registrations(event, form, [registration.id]):
        return redirect(url_for("registration.manage_registration", slug=event.slug, registration_id=registration.id))
    answers = {answer.question_id: answer for answer in registration.answers}
    shown = [
        (question, answers.get(question.id))
        for question in questions.event_questions_with_archived(event.id)
        if not question.archived or question.id in answers
    ]
    return render_template(
        "registration/manage/registration.html",
        event=event,
        registration=registration,
        form=form,
        answers=shown,
        position=services.waitlist_position(registration),
        state_labels=services.STATE_LABELS,
        organisation_type_labels=ORGANISATION_TYPE_LABELS,
        sex_labels=SEX_LABELS,
        display_value=display_value,
        actions={"approve": APPROVE, "reject": REJECT, "promote": PROMOTE, "cancel": CANCEL, "message": MESSAGE},
        can_decide={
            APPROVE: registration.state is State.PENDING,
            PROMOTE: registration.state is State.WAITLISTED,
            REJECT: registration.state in (State.PENDING, State.WAITLISTED, State.CONFIRMED),
            CANCEL: registration.state in (State.PENDING, State.WAITLISTED, State.CONFIRMED),
        },
        decisions=DECISIONS,
    )
