"""Organisers: the evaluation form, opening and closing it, and the results.

Every page is for those who may build the event's evaluation (403, or 404 for a draft).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import security
from ..errors import DomainError, Forbidden
from ..events.models import Event
from ..extensions import db
from ..formtools import show_domain_error, showing_errors
from ..lookups import acting_user, event_for, event_or_404
from . import bp, questions, services
from .forms import KIND_LABELS, ActionForm, QuestionForm, SettingsForm
from .models import EvaluationQuestion
from .results import evaluation_results


def evaluation_event_or_error(slug: str) -> Event:
    event = event_or_404(slug)
    if not security.can_build_evaluation(current_user, event):
        abort(404 if not event.is_public else 403)
    return event


evaluation_event = event_for(security.can_build_evaluation)


def question_or_404(event: Event, question_id: int) -> EvaluationQuestion:
    question = db.session.get(EvaluationQuestion, question_id)
    if question is None or question.event_id != event.id or question.archived:
        abort(404)
    return question


def builder_page(event: Event, question_form: QuestionForm | None = None, settings_form: SettingsForm | None = None, status: int = 200):
    evaluation = services.evaluation_of(event)
    if question_form is None:
        question_form = QuestionForm(formdata=None)
        question_form.offer_sessions(questions.sessions_to_ask_about(event), event.timezone)
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
        kind_labels=KIND_LABELS,
        question_form=question_form,
        settings_form=settings_form,
        action_form=ActionForm(),
    )
    return page, status


def button_done(event: Event, action, success_message) -> object:
    """A POST button: CSRF checked, the service run, its message flashed, back to the builder."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        result = action()
    except questions.QuestionNotFound:
        abort(404)
    except Forbidden:
        abort(403)
    except DomainError as error:
        flash(str(error), "danger")
    else:
        message = success_message(result) if callable(success_message) else success_message
        if message:
            flash(message, "success")
    return redirect(url_for("feedback.manage", slug=event.slug))


@bp.route("/manage/events/<slug>/evaluation", methods=["GET", "POST"], endpoint="manage")
@login_required
def manage(slug):
    event = evaluation_event_or_error(slug)
    if request.method == "GET":
        return builder_page(event)
    form = QuestionForm()
    form.offer_sessions(questions.sessions_to_ask_about(event), event.timezone)
    if form.validate_on_submit():
        try:
            questions.add_question(acting_user(), event, form.data_for_service())
        except Forbidden:
            abort(403)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The question is added to the evaluation."), "success")
            return redirect(url_for("feedback.manage", slug=event.slug, _anchor="questions"))
    return builder_page(event, question_form=form, status=400)


@bp.route("/manage/events/<slug>/evaluation/questions/<int:question_id>", methods=["GET", "POST"], endpoint="edit_question")
@login_required
def edit_question(slug, question_id):
    event = evaluation_event_or_error(slug)
    question = question_or_404(event, question_id)
    answered = questions.has_answers(question.id)
    form = QuestionForm()
    form.offer_sessions(questions.sessions_to_ask_about(event), event.timezone)
    if request.method == "GET":
        form.fill_from(question)
    status = 200
    if form.validate_on_submit():
        # An answered question shows its kind disabled: a browser does not send it, so it stays.
        kind = question.kind if answered and not form.kind.raw_data else None
        try:
            questions.update_question(acting_user(), event, question.id, form.data_for_service(kind))
        except Forbidden:
            abort(403)
        except DomainError as error:
            show_domain_error(form, error)
            status = 400
        else:
            flash(_("The question is saved."), "success")
            return redirect(url_for("feedback.manage", slug=event.slug, _anchor="questions"))
    elif request.method == "POST":
        status = 400
    if answered:
        form.kind.render_kw = {"disabled": True}
        form.kind.data = form.kind.data or question.kind.value
    return render_template("feedback/question.html", event=event, question=question, form=form, answered=answered), status


@bp.post("/manage/events/<slug>/evaluation/questions/<int:question_id>/move", endpoint="move_question")
@login_required
def move_question(slug, question_id):
    event = evaluation_event_or_error(slug)
    direction = request.form.get("direction", "")
    return button_done(event, lambda: questions.move_question(acting_user(), event, question_id, direction), "")


@bp.post("/manage/events/<slug>/evaluation/questions/<int:question_id>/remove", endpoint="remove_question")
@login_required
def remove_question(slug, question_id):
    event = evaluation_event_or_error(slug)
    return button_done(
        event,
        lambda: questions.remove_question(acting_user(), event, question_id),
        lambda kept: _("People have answered this question, so it is archived: it is no longer asked, and its answers stay in the results.")
        if kept
        else _("The question is deleted."),
    )


@bp.post("/manage/events/<slug>/evaluation/standard-questions", endpoint="add_standard_questions")
@login_required
@evaluation_event
def add_standard_questions(event):
    return button_done(
        event,
        lambda: questions.add_standard_questions(acting_user(), event),
        lambda added: ngettext("%(num)d standard question added.", "%(num)d standard questions added.", len(added))
        if added
        else _("The standard questions are on the form already."),
    )


@bp.post("/manage/events/<slug>/evaluation/settings", endpoint="settings")
@login_required
@evaluation_event
def settings(event):
    form = SettingsForm()
    if form.validate_on_submit():
        anonymous = bool(form.anonymous.data)
        if "anonymous" not in request.form and services.answered_count(event):
            anonymous = services.evaluation_of(event).anonymous  # its box is disabled once anyone answered: not sent, it stays
        with showing_errors(form):
            services.save_settings(acting_user(), event, form.introduction.data or "", anonymous)
            flash(_("The evaluation's settings are saved."), "success")
            return redirect(url_for("feedback.manage", slug=event.slug))
    return builder_page(event, settings_form=form, status=400)


@bp.post("/manage/events/<slug>/evaluation/open", endpoint="open")
@login_required
@evaluation_event
def open_evaluation(event):
    return button_done(
        event,
        lambda: services.open_evaluation(acting_user(), event),
        lambda job: ngettext(
            "The evaluation is open. %(num)d participant who has not answered yet is invited by e-mail.",
            "The evaluation is open. %(num)d participants who have not answered yet are invited by e-mail.",
            job.total,
        )
        if job.finished
        else _("The evaluation is open. The participants who have not answered yet are being invited by e-mail."),
    )


@bp.post("/manage/events/<slug>/evaluation/close", endpoint="close")
@login_required
@evaluation_event
def close_evaluation(event):
    return button_done(
        event, lambda: services.close_evaluation(acting_user(), event), _("The evaluation is closed: no more answers are accepted. You can reopen it.")
    )


@bp.get("/manage/events/<slug>/evaluation/results", endpoint="results")
@login_required
@evaluation_event
def results(event):
    return render_template(
        "feedback/results.html", event=event, evaluation=services.evaluation_of(event), results=evaluation_results(event), kind_labels=KIND_LABELS
    )
