"""The page where an organiser keeps their personal API tokens."""

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from .. import security
from ..extensions import csrf
from ..formtools import showing_errors
from ..lookups import acting_user
from ..timeutil import utcnow
from . import pages, tokens
from .forms import PersonalTokenForm, RevokeForm


def token_form(events, **kwargs) -> PersonalTokenForm:
    form = PersonalTokenForm(**kwargs)
    form.events.choices = [SelectChoice(event.id, str(event.title)) for event in events]
    return form


@pages.route("/account/api-tokens", methods=["GET", "POST"])
@login_required
def api_tokens():
    if not security.can_hold_api_tokens(current_user):
        abort(403)
    events = tokens.events_to_choose(acting_user())
    form = token_form(events)
    new_token = None
    if form.validate_on_submit():
        with showing_errors(form):
            token, new_token = tokens.create_token(
                acting_user(), form.name.data, form.events.data, form.access.data == "write", form.expires_on.data
            )
            flash(
                _("The token “%(name)s” is made. Copy it now: it is shown only this once.", name=token.name), "success"
            )
            form = token_form(events, formdata=None)
    response = make_response(
        render_template(
            "api_v1/tokens.html",
            form=form,
            new_token=new_token,
            tokens=tokens.tokens_of(acting_user()),
            revoke_form=RevokeForm(),
            now=utcnow(),
        )
    )
    response.headers["Cache-Control"] = "no-store"  # a new token is on the page
    return response


@pages.post("/account/api-tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id):
    csrf.protect()  # a button: without a valid token the CSRF page explains
    token = tokens.revoke_token(acting_user(), token_id)
    flash(
        _("The token “%(name)s” is revoked: programs using it can no longer reach the API.", name=token.name), "success"
    )
    return redirect(url_for("api_pages.api_tokens"))
