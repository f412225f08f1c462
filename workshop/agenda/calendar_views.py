"""Calendars and the printable programme: ``.ics`` files of an event's agenda and of one session,
a person's secret calendar feed (and the page to create, renew or revoke it), and the programme PDF."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import login_required

from ..downloads import REVALIDATED, Version, document, pdf_to_read, revalidated
from ..extensions import csrf
from ..lookups import acting_user, visible_event
from ..urls import external_url
from . import bp, calendar, ical, revision, services
from .programme import programme_pdf as build_programme
from .views import session_or_404

FEED_MAX_AGE = 15 * 60  # a calendar application may keep the feed this long (seconds)
CALENDAR_TYPE = "text/calendar; charset=utf-8"


def calendar_file(body: bytes, filename: str):
    return document(body, filename, "text/calendar", cache=REVALIDATED)  # UTF-8 is added to a text type


def version_of(event, document_name: str) -> Version:
    return Version(revision.event_tag(event, document_name), revision.event_changed_at(event))


# --- .ics files -------------------------------------------------------------------------


@bp.get("/events/<slug>/agenda.ics")
@visible_event
def event_ics(event):
    return revalidated(
        version_of(event, "agenda.ics"),
        lambda: calendar_file(ical.agenda_calendar(event, services.agenda_sessions(event.id)), f"{event.slug}.ics"),
    )


@bp.get("/events/<slug>/agenda/<int:session_id>.ics")
@visible_event
def session_ics(event, session_id):
    """A session deleted since the client's copy raised the revision, so only a current session's
    copy can match: the session is looked up only when the file is made."""

    def make():
        session = session_or_404(event, session_id)
        return calendar_file(ical.session_calendar(event, session), f"{event.slug}-session-{session.id}.ics")

    return revalidated(version_of(event, f"session-{session_id}.ics"), make)


@bp.get("/calendar/<token>.ics")
def feed(token):
    """A person's feed, read by calendar applications without logging in: the token is the key.
    Revoked and replaced tokens are not found."""
    found = calendar.feed_by_token(token)
    if found is None:
        abort(404)
    owner = found.user

    def make():
        response = make_response(ical.personal_calendar(owner, calendar.feed_sessions(owner)))
        response.headers["Content-Type"] = CALENDAR_TYPE
        return response

    # The feed depends on the person's registrations and language as well as on the agendas, which
    # share no change time: it is validated by its ETag alone.
    with force_locale(owner.locale or "en"):  # the feed is in its owner's language, whoever fetches it
        version = Version(revision.feed_tag(token, calendar.feed_revisions(owner)))
        # Only the calendar application that holds the secret address keeps a copy, and only briefly.
        response = revalidated(version, make, cache=f"private, max-age={FEED_MAX_AGE}")
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# --- the page of a person's feed ------------------------------------------------------------


def feed_addresses(token: str) -> dict[str, str]:
    """The feed's https:// address and the webcal:// one that opens a calendar application."""
    https = external_url("agenda.feed", token=token)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


@bp.route("/account/calendar", methods=["GET", "POST"])
@login_required
def my_calendar():
    user = acting_user()
    if request.method == "POST":
        csrf.protect()  # buttons only: without a valid token the CSRF page explains
        action = request.form.get("action", "")
        if action == "create":
            calendar.create_feed(user)
            flash(_("Your calendar address is ready: add it to your calendar application."), "success")
        elif action == "renew":
            calendar.renew_feed(user)
            flash(
                _(
                    "Your calendar has a new address; the old one no longer works. Add the new one to your calendar "
                    "application."
                ),
                "success",
            )
        elif action == "revoke":
            if calendar.revoke_feed(user):
                flash(
                    _("Your calendar address no longer works. Remove the calendar from your calendar application."),
                    "info",
                )
        else:
            abort(400)
        return redirect(url_for("agenda.my_calendar"))
    feed = calendar.feed_of(user)
    response = make_response(
        render_template(
            "agenda/my_calendar.html",
            feed=feed,
            addresses=feed_addresses(feed.token) if feed else None,
            events=calendar.feed_events(user),
        )
    )
    response.headers["Cache-Control"] = "no-store"  # the page shows a secret address
    return response


# --- the printable programme ----------------------------------------------------------------


@bp.get("/events/<slug>/programme.pdf")
@visible_event
def programme_pdf(event):
    return revalidated(
        version_of(event, "programme.pdf"),
        lambda: pdf_to_read(
            build_programme(event, services.agenda_sessions(event.id)), f"programme-{event.slug}.pdf", cache=REVALIDATED
        ),
    )
