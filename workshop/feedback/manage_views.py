"""Organisers: the evaluation form, opening and closing it, and the results.

Every page is for those who may build the event's evaluation (403, or 404 for a draft).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .. import security
from ..audit.recording import record_download
from ..downloads import NOT_SHARED, XLSX, document
from ..events.models import Event
from ..formtools import showing_errors
from ..lookups import acting_user, event_for
from ..questions import views as question_pages
from . import bp, exports, questions, services
from .forms import KIND_LABELS, ActionForm, QuestionForm, SettingsForm
from .results import evaluation_results

BUILDER = question_pages.Builder(
    questionnaire=questions.EVALUATION,
    blueprint="feedback",
    list_endpoint="feedback.manage",
    list_anchor="questions",
    kind_labels=KIND_LABELS,
    nav=("feedback/_nav.html", "evaluation_nav", "form"),
    heading="h2",
    options_rows=4,
    answered_note=_l(
        "People have answered this question already, so its kind cannot change and its options cannot be removed or "
        "renamed. You can still change its wording, help text and session, add options, and make it required or not."
    ),
    back_label=_l("Back to the evaluation"),
    remove_labels=(_l("Archive"), _l("Delete")),
)


evaluation_event = event_for(security.can_build_evaluation)


def builder_page(
    event: Event,
    question_form: QuestionForm | None = None,
    settings_form: SettingsForm | None = None,
    status: int = 200,
):
    evaluation = services.evaluation_of(event)
    if question_form is None:
        question_form = question_form_for(event, formdata=None)
    if settings_form is None:
        settings_form = SettingsForm(formdata=None, obj=evaluation)
    answered = services.answered_count(event)
    if answered:
        settings_form.anonymous.render_kw = {"disabled": True}
    page = render_template(
        "feedback/manage.html",
        event=event,
        evaluation=evaluation,
        current=questions.questions_of(event),
        archived=questions.questions_of(event, archived=True),
        answer_counts=questions.answer_counts(event),
        answered=answered,
        why_not_open=services.why_not_open(event),
        opens_from=services.opens_from(event),
        builder=BUILDER,
        question_form=question_form,
        settings_form=settings_form,
        action_form=ActionForm(),
    )
    return page, status


def question_form_for(event: Event, **options) -> QuestionForm:
    """The builder's form, offering the sessions of the event's agenda (``formdata=None``: empty, not the posted "
    "one)."""
    form = QuestionForm(**options)
    form.offer_sessions(questions.sessions_to_ask_about(event), event.timezone)
    return form


@bp.route("/manage/events/<slug>/evaluation", methods=["GET", "POST"], endpoint="manage")
@evaluation_event
def manage(event):
    if request.method == "GET":
        return builder_page(event)
    return question_pages.add_question(
        BUILDER,
        event,
        question_form_for(event),
        lambda data: questions.add_question(acting_user(), event, data),
        _("The question is added to the evaluation."),
        lambda form: builder_page(event, question_form=form)[0],
    )


@bp.route(
    "/manage/events/<slug>/evaluation/questions/<int:question_id>", methods=["GET", "POST"], endpoint="edit_question"
)
@evaluation_event
def edit_question(event, question_id):
    form = question_form_for(event)
    return question_pages.edit_question(
        BUILDER,
        event,
        question_id,
        form,
        lambda data: questions.update_question(acting_user(), event, question_id, data),
    )


@bp.post("/manage/events/<slug>/evaluation/questions/<int:question_id>/move", endpoint="move_question")
@evaluation_event
def move_question(event, question_id):
    return question_pages.move_question(
        BUILDER, event, lambda direction: questions.move_question(acting_user(), event, question_id, direction)
    )


@bp.post("/manage/events/<slug>/evaluation/questions/<int:question_id>/remove", endpoint="remove_question")
@evaluation_event
def remove_question(event, question_id):
    return question_pages.builder_button(
        BUILDER,
        event,
        lambda: questions.remove_question(acting_user(), event, question_id),
        lambda kept: (
            _(
                "People have answered this question, so it is archived: it is no longer asked, and its answers stay "
                "in the results."
            )
            if kept
            else _("The question is deleted.")
        ),
    )


@bp.post("/manage/events/<slug>/evaluation/standard-questions", endpoint="add_standard_questions")
@evaluation_event
def add_standard_questions(event):
    return question_pages.builder_button(
        BUILDER,
        event,
        lambda: questions.add_standard_questions(acting_user(), event),
        lambda added: (
            ngettext("%(num)d standard question added.", "%(num)d standard questions added.", len(added))
            if added
            else _("The standard questions are on the form already.")
        ),
    )


@bp.post("/manage/events/<slug>/evaluation/settings", endpoint="settings")
@evaluation_event
def settings(event):
    form = SettingsForm()
    if form.validate_on_submit():
        anonymous = bool(form.anonymous.data)
        if "anonymous" not in request.form and services.answered_count(event):
            anonymous = services.evaluation_of(
                event
            ).anonymous  # its box is disabled once anyone answered: not sent, it stays
        with showing_errors(form):
            services.save_settings(acting_user(), event, form.introduction.data or "", anonymous)
            flash(_("The evaluation's settings are saved."), "success")
            return redirect(url_for("feedback.manage", slug=event.slug))
    return builder_page(event, settings_form=form, status=400)


@bp.post("/manage/events/<slug>/evaluation/open", endpoint="open")
@evaluation_event
def open_evaluation(event):
    return question_pages.builder_button(
        BUILDER,
        event,
        lambda: services.open_evaluation(acting_user(), event),
        lambda job: (
            ngettext(
                "The evaluation is open. %(num)d participant who has not answered yet is invited by e-mail.",
                "The evaluation is open. %(num)d participants who have not answered yet are invited by e-mail.",
                job.total,
            )
            if job.finished
            else _("The evaluation is open. The participants who have not answered yet are being invited by e-mail.")
        ),
    )


@bp.post("/manage/events/<slug>/evaluation/close", endpoint="close")
@evaluation_event
def close_evaluation(event):
    return question_pages.builder_button(
        BUILDER,
        event,
        lambda: services.close_evaluation(acting_user(), event),
        _("The evaluation is closed: no more answers are accepted. You can reopen it."),
    )


@bp.get("/manage/events/<slug>/evaluation/results", endpoint="results")
@evaluation_event
def results(event):
    return render_template(
        "feedback/results.html",
        event=event,
        evaluation=services.evaluation_of(event),
        results=evaluation_results(event),
        kind_labels=KIND_LABELS,
    )


@bp.get("/manage/events/<slug>/evaluation/answers.<file_format>", endpoint="export")
@evaluation_event
def export(event, file_format):
    if file_format not in exports.FORMATS:
        abort(404)
    evaluation = services.evaluation_of(event)
    results = evaluation_results(event)
    responses = exports.responses_table(event, evaluation, results)
    summary = exports.summary_table(results)
    if file_format == "xlsx":
        body = exports.evaluation_xlsx(responses, summary, (_("Responses"), _("Summary per question")))
        mimetype = XLSX
    else:
        body = exports.evaluation_csv(responses, summary)
        mimetype = "text/csv"
    record_download("evaluation_results", event_id=event.id, summary=exports.filename(event, file_format))
    return document(body, exports.filename(event, file_format), mimetype, cache=NOT_SHARED)
