"""Participants: the evaluation form of an event, answered once."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError
from ..formtools import show_domain_error
from ..lookups import acting_user, signed_in_event
from ..questions.forms import answers_from_form, form_with_questions
from . import bp, questions, services
from .forms import AnswerFormBase
from .services import UNAVAILABLE_MESSAGES, Unavailable

# Not a participant: refused. Not open, closed, answered: a state, said plainly.
REFUSED = (Unavailable.NOT_REGISTERED, Unavailable.NOT_CONFIRMED)


def unavailable_page(event, reason: Unavailable):
    status = 403 if reason in REFUSED else 200
    return render_template(
        "feedback/unavailable.html", event=event, reason=reason, message=UNAVAILABLE_MESSAGES[reason]
    ), status


@bp.route("/events/<slug>/evaluation", methods=["GET", "POST"], endpoint="answer")
@signed_in_event
def answer(event):
    reason = services.participant_status(current_user, event)
    if reason is not None:
        return unavailable_page(event, reason)
    asked = questions.questions_of(event)
    form = form_with_questions(questions.EVALUATION, AnswerFormBase, asked)()
    status = 200
    if form.validate_on_submit():
        try:
            services.submit_answers(acting_user(), event, answers_from_form(form, asked))
        except services.CannotAnswer as error:
            return unavailable_page(event, error.reason)
        except DomainError as error:
            show_domain_error(form, error)
            status = 400
        else:
            flash(_("Thank you: your answers are saved."), "success")
            return redirect(url_for("registration.mine"))
    elif form.is_submitted():
        status = 400
    return render_template(
        "feedback/answer.html", event=event, evaluation=services.evaluation_of(event), questions=asked, form=form
    ), status
