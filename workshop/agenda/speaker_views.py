"""Speakers: the public pages, the organisers' pages, the invitation, and the speaker's own profile.

Public pages follow the event (a draft is 404 to the public); the organisers' pages answer 403
(public event) or 404 (draft) to anybody else; a speaker edits their own profile only.
"""

from zoneinfo import ZoneInfo

from babel.dates import format_time
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from wtforms import SelectChoice

from .. import security
from ..accounts.tokens import ExpiredToken, InvalidToken
from ..errors import DomainError
from ..events.models import Event
from ..extensions import csrf, db
from ..formatting import format_in_zone
from ..formtools import mark_missing_files, showing_errors
from ..fragments import kept_or_made, page_piece_key
from ..lookups import acting_user, event_or_404, managed_event, of_event_or_404, visible_event
from ..storage import FileMissing, upload_storage
from ..urls import links_by_id
from . import bp, speakers
from .models import Speaker
from .speaker_forms import SessionRoleForm, SpeakerForm, SpeakerProfileForm, fill_from_speaker
from .speakers import ROLE_LABELS


def event_speaker_or_404(event: Event, speaker_id: int) -> Speaker:
    speaker = speakers.speaker_of_event(event.id, speaker_id)
    if speaker is None:
        abort(404)
    return speaker


@bp.app_template_global("own_speaker_profiles")
def own_speaker_profiles(user) -> list[Speaker]:
    return speakers.own_speaker_profiles(user)


# --- public pages -------------------------------------------------------------------------


@bp.get("/events/<slug>/speakers", endpoint="speakers")
@visible_event
def speakers_page(event):
    cards = kept_or_made(page_piece_key(event, "speakers"), lambda: speaker_cards(event))
    return render_template("agenda/speakers.html", event=event, cards=cards)


def speaker_cards(event) -> Markup:
    """The cards of the event's speakers: the same for every visitor until the agenda changes."""
    return Markup(
        render_template(
            "agenda/_speaker_cards.html",
            event=event,
            speakers=speakers.event_speakers(event.id),
            speaker_link=links_by_id("agenda.speaker", "speaker_id", slug=event.slug),
        )
    )


@bp.get("/events/<slug>/speakers/<int:speaker_id>")
@visible_event
def speaker(event, speaker_id):
    profile = event_speaker_or_404(event, speaker_id)
    return render_template(
        "agenda/speaker.html",
        event=event,
        speaker=profile,
        links=speakers.sessions_in_order(profile),
        role_labels=ROLE_LABELS,
        session_times=session_times,
    )


@bp.get("/events/<slug>/speakers/<int:speaker_id>/photo")
def speaker_photo(slug, speaker_id):
    event = event_or_404(slug)
    profile = of_event_or_404(Speaker, speaker_id, event)
    if not profile.photo_key:
        abort(404)
    if not (security.can_view_event(current_user, event) or security.can_edit_speaker(current_user, profile)):
        abort(404)
    try:
        path = upload_storage().path(profile.photo_key)
    except FileMissing:
        abort(404)  # the profile pages tell its editors to upload it again
    response = send_file(path, mimetype=profile.photo_type, conditional=True, etag=True, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if event.is_public:
        # Pages link to it with ?v=<key>, so a new photo is a new address.
        response.cache_control.public = True
        response.cache_control.max_age = 86400
    else:
        response.cache_control.private = True
        response.cache_control.no_store = True
    return response


# --- organisers -------------------------------------------------------------------------


@bp.route("/manage/events/<slug>/speakers", methods=["GET", "POST"])
@managed_event
def manage_speakers(event):
    form = SpeakerForm()
    if form.validate_on_submit():
        with showing_errors(form):
            added = speakers.add_speaker(acting_user(), event.id, form.data_for_service(), form.photo_upload())
            flash(
                _(
                    "%(name)s is added to the speakers. Now give them their roles in sessions, and invite them.",
                    name=added.full_name,
                ),
                "success",
            )
            return redirect(url_for("agenda.edit_speaker", slug=event.slug, speaker_id=added.id))
    return render_template(
        "agenda/manage_speakers.html",
        event=event,
        form=form,
        speakers=speakers.event_speakers(event.id, with_sessions=True),
        role_labels=ROLE_LABELS,
    )


def session_role_form(event: Event) -> SessionRoleForm:
    form = SessionRoleForm(meta={"csrf": False})  # the page's token is checked by csrf.protect()
    form.session_id.choices = [
        SelectChoice(session.id, f"{session.title} · {_format_start(session, event)}")
        for session in speakers.event_sessions(event.id)
    ]
    return form


def _format_start(session, event: Event) -> str:
    return format_in_zone(session.starts_at, event.timezone)


def session_times(session, zone: str) -> str:
    """ "12 Mar 2027, 09:00 – 10:30" in ``zone``; both dates when the session runs past midnight there."""
    tz = ZoneInfo(zone)
    start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
    if start.date() == end.date():
        return (
            f"{format_in_zone(session.starts_at, zone)} – {format_time(end.time(), 'short', locale=str(get_locale()))}"
        )
    return f"{format_in_zone(session.starts_at, zone)} – {format_in_zone(session.ends_at, zone)}"


def saved_speaker(form, profile: Speaker, saved: str) -> bool:
    """The profile in the form on a GET; on a valid POST, saved from the form (True, ``saved`` said);
    False while the form has something to show."""
    if request.method == "GET":
        fill_from_speaker(form, profile)
    if form.validate_on_submit():
        with showing_errors(form):
            speakers.update_speaker(
                acting_user(), profile.id, form.data_for_service(), form.photo_upload(), bool(form.remove_photo.data)
            )
            flash(saved, "success")
            return True
    return False


@bp.route("/manage/events/<slug>/speakers/<int:speaker_id>", methods=["GET", "POST"])
@managed_event
def edit_speaker(event, speaker_id):
    profile = event_speaker_or_404(event, speaker_id)
    form = SpeakerForm()
    if saved_speaker(form, profile, _("The speaker's profile is saved.")):
        return redirect(url_for("agenda.edit_speaker", slug=event.slug, speaker_id=profile.id))
    mark_missing_files(form, ["photo"] if speakers.photo_missing(profile) else [])
    return render_template(
        "agenda/speaker_form.html",
        event=event,
        speaker=profile,
        form=form,
        manage=True,
        links=speakers.sessions_in_order(profile),
        role_form=session_role_form(event),
        role_labels=ROLE_LABELS,
        session_times=session_times,
    )


def back_to_speaker(event: Event, speaker_id: int, anchor: str = ""):
    return redirect(url_for("agenda.edit_speaker", slug=event.slug, speaker_id=speaker_id) + anchor)


def speaker_button(event: Event, speaker_id: int, action, success_message: str, anchor: str = ""):
    """A button on a speaker's page: check the token, run ``action``, say what happened, go back."""
    csrf.protect()  # a button: without a valid token the CSRF page explains
    event_speaker_or_404(event, speaker_id)
    with showing_errors():
        result = action()
        flash(success_message if not callable(success_message) else success_message(result), "success")
    return back_to_speaker(event, speaker_id, anchor)


@bp.post("/manage/events/<slug>/speakers/<int:speaker_id>/sessions")
@managed_event
def link_speaker_session(event, speaker_id):
    def add():
        form = SessionRoleForm(meta={"csrf": False})
        return speakers.link_to_session(acting_user(), speaker_id, form.session_id.data, form.role.data or "")

    def done(link) -> str:
        return _(
            "%(name)s is added to “%(session)s” as %(role)s.",
            name=link.speaker.full_name,
            session=link.session.title,
            role=ROLE_LABELS[link.role],
        )

    return speaker_button(event, speaker_id, add, done, "#sessions")


@bp.post("/manage/events/<slug>/speakers/<int:speaker_id>/sessions/<int:link_id>/remove")
@managed_event
def unlink_speaker_session(event, speaker_id, link_id):
    return speaker_button(
        event,
        speaker_id,
        lambda: speakers.unlink_from_session(acting_user(), speaker_id, link_id),
        _("The role is removed."),
        "#sessions",
    )


@bp.post("/manage/events/<slug>/speakers/<int:speaker_id>/invite")
@managed_event
def invite_speaker(event, speaker_id):
    return speaker_button(
        event,
        speaker_id,
        lambda: speakers.invite(acting_user(), speaker_id, fallback_locale=str(get_locale())),
        lambda invited: _("The invitation is on its way to %(email)s.", email=invited.email),
        "#invitation",
    )


@bp.post("/manage/events/<slug>/speakers/<int:speaker_id>/remove")
@managed_event
def remove_speaker(event, speaker_id):
    csrf.protect()
    profile = event_speaker_or_404(event, speaker_id)
    name = profile.full_name
    speakers.remove_speaker(acting_user(), profile.id)
    flash(_("%(name)s is removed from the speakers.", name=name), "success")
    return redirect(url_for("agenda.manage_speakers", slug=event.slug))


# --- the invitation ---------------------------------------------------------------------


@bp.get("/speaker-invitation/<token>")
def speaker_invitation(token):
    try:
        profile = speakers.speaker_for_invitation(token)
    except (ExpiredToken, InvalidToken) as error:
        return render_template("agenda/speaker_invitation.html", problem=str(error), speaker=None, token=token), 400
    problem = None
    if profile.user_id is not None and not (current_user.is_authenticated and profile.user_id == current_user.id):
        problem = _(
            "This speaker profile is already linked to another account. Ask the organisers if you think this is a "
            "mistake."
        )
    elif (
        profile.user_id is None
        and current_user.is_authenticated
        and not security.is_invited_speaker(current_user, profile)
    ):
        problem = str(speakers.NOT_YOUR_INVITATION)
    return render_template(
        "agenda/speaker_invitation.html",
        problem=problem,
        speaker=profile,
        event=profile.event,
        token=token,
        login_url=url_for("accounts.login", next=url_for("agenda.speaker_invitation", token=token)),
        signup_url=url_for(
            "accounts.signup", next=url_for("agenda.speaker_invitation", token=token), email=profile.email
        ),
    ), (409 if problem else 200)


@bp.post("/speaker-invitation/<token>")
@login_required
def claim_speaker_profile(token):
    csrf.protect()
    try:
        profile = speakers.claim(acting_user(), token)
    except DomainError as error:
        return render_template("agenda/speaker_invitation.html", problem=str(error), speaker=None, token=token), 400
    flash(_("This speaker profile is now linked to your account: keep it up to date here."), "success")
    return redirect(url_for("agenda.my_speaker_profile", speaker_id=profile.id))


# --- the speaker's own profile ----------------------------------------------------------------


@bp.route("/account/speaker-profiles/<int:speaker_id>", methods=["GET", "POST"])
@login_required
def my_speaker_profile(speaker_id):
    profile = db.session.get(Speaker, speaker_id)
    if profile is None:
        abort(404)
    if profile.user_id != current_user.id:
        # Organisers edit on their own page; anybody else may not, and a draft's speakers are not revealed.
        abort(403 if security.can_view_event(current_user, profile.event) else 404)
    form = SpeakerProfileForm()
    if saved_speaker(form, profile, _("Your speaker profile is saved.")):
        return redirect(url_for("agenda.my_speaker_profile", speaker_id=profile.id))
    mark_missing_files(form, ["photo"] if speakers.photo_missing(profile) else [])
    return render_template(
        "agenda/speaker_form.html",
        event=profile.event,
        speaker=profile,
        form=form,
        manage=False,
        links=speakers.sessions_in_order(profile),
        role_labels=ROLE_LABELS,
        session_times=session_times,
    )
