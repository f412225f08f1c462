"""The question builder's pages, as every form with organisers' questions shows them: the list with
its buttons, adding a question, and the page that edits one. Each form's blueprint keeps its routes
and its access check and calls these with its ``Builder``."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..extensions import csrf, db
from ..formtools import showing_errors
from .engine import Questionnaire
from .forms import QuestionForm


@dataclass(frozen=True)
class Builder:
    """One form's question builder: where its pages are and what they say of their own."""

    questionnaire: Questionnaire
    blueprint: str  # its routes: <blueprint>.edit_question, .move_question, .remove_question
    list_endpoint: str  # the page that lists the questions and adds one
    kind_labels: dict
    nav: tuple[str, str, str]  # the template, its macro and the tab: the pages' navigation
    answered_note: str  # on the edit page of a question people have answered
    back_label: str
    list_anchor: str | None = None  # where the list starts on that page
    heading: str = "h1"  # of the edit page, under the navigation
    options_rows: int = 5
    flags: dict = field(default_factory=lambda: {"required": _l("Required")})  # yes/no columns of the list
    remove_labels: tuple = (_l("Remove"), _l("Remove"))  # the button for a question with answers, without

    def list_url(self, event) -> str:
        """Where a question added or saved is seen: the list of questions."""
        return url_for(self.list_endpoint, slug=event.slug, _anchor=self.list_anchor)

    def page_url(self, event) -> str:
        return url_for(self.list_endpoint, slug=event.slug)

    def endpoint(self, name: str) -> str:
        return f"{self.blueprint}.{name}"


def question_or_404(builder: Builder, event, question_id: int):
    question = db.session.get(builder.questionnaire.question_model, question_id)
    if question is None or question.event_id != event.id or question.archived:
        abort(404)
    return question


def add_question(builder: Builder, event, form: QuestionForm, add, added_message: str, page):
    """The posted question added by ``add(data)``, back to the list; else ``page(form)`` again with the messages."""
    if form.validate_on_submit():
        with showing_errors(form):
            add(form.question_data())
            flash(added_message, "success")
            return redirect(builder.list_url(event))
    return page(form), 400


def edit_question(builder: Builder, event, question_id: int, form: QuestionForm, save):
    """The edit page of one question; the posted changes saved by ``save(data)``."""
    question = question_or_404(builder, event, question_id)
    answered = builder.questionnaire.has_answers(question.id)
    if request.method == "GET":
        form.fill_from(question)
    status = 200
    if form.validate_on_submit():
        # An answered question shows its kind disabled: a browser does not send it, so it stays.
        kind = question.kind if answered and not form.kind.raw_data else None
        with showing_errors(form):
            save(form.question_data(kind))
            flash(_("The question is saved."), "success")
            return redirect(builder.list_url(event))
    if request.method == "POST":
        status = 400
    if answered:
        form.kind.render_kw = {"disabled": True}
        form.kind.data = form.kind.data or question.kind.value
    page = render_template(
        "questions/question.html", builder=builder, event=event, question=question, form=form, answered=answered
    )
    return page, status


def builder_button(builder: Builder, event, action, success_message=""):
    """A button on the builder's page (move, remove...): ``action()`` run, its message flashed, back to the page.
    ``success_message`` may be a function of what the action returned."""
    csrf.protect()  # without a valid token the CSRF page explains
    with showing_errors():
        result = action()
        message = success_message(result) if callable(success_message) else success_message
        if message:
            flash(message, "success")
    return redirect(builder.page_url(event))


def move_question(builder: Builder, event, move):
    """``move(direction)`` with the direction of the button pressed ("up" or "down")."""
    direction = request.form.get("direction", "")
    return builder_button(builder, event, lambda: move(direction))
