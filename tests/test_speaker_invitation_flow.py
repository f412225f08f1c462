"""A speaker invitation leads a person without an account through sign-up, the e-mail
confirmation and the log-in back to the invitation, and on to their profile, where each of their
sessions has an upload button."""

import re
from urllib.parse import parse_qs, urlsplit

from workshop.agenda.models import Speaker
from workshop.extensions import db

from .conftest import link_in, login, submit

PASSWORD = "Plum blossom river 2027"


def page_text(response) -> str:
    return response.get_data(as_text=True)


def invite(app, event, speaker) -> None:
    organiser = app.test_client()
    login(organiser, event.organisers[0])
    url = f"/manage/events/{event.slug}/speakers/{speaker.id}"
    assert submit(organiser, f"{url}/invite", {}, form_url=url).status_code == 302


def href(page: str, testid: str) -> str:
    match = re.search(rf'<a[^>]*data-testid="{testid}"[^>]*>', page) or re.search(
        rf'<a[^>]*href="([^"]+)"[^>]*data-testid="{testid}"', page
    )
    assert match, f"no link {testid}"
    return re.search(r'href="([^"]+)"', match.group(0)).group(1).replace("&amp;", "&")


def owner_of(speaker) -> int | None:
    db.session.expire_all()
    return db.session.get(Speaker, speaker.id).user_id


def test_a_new_speaker_signs_up_from_the_invitation_and_lands_on_their_profile_with_upload_buttons(
    app, make_event, make_session, make_speaker, mailbox
):
    event = make_event(title="Platform work and social protection")
    opening = make_session(event, title="Opening plenary")
    panel = make_session(event, title="Panel on platform work", start=event.starts_at.replace(hour=14))
    speaker = make_speaker(event, email="wang.fang@example.cn", sessions=[opening, panel])
    invite(app, event, speaker)
    invitation = link_in(mailbox.last_to("wang.fang@example.cn"))

    visitor = app.test_client()
    signup_link = href(page_text(visitor.get(invitation)), "signup-for-invitation")
    query = parse_qs(urlsplit(signup_link).query)
    assert query["next"] == [invitation] and query["email"] == ["wang.fang@example.cn"]
    assert 'value="wang.fang@example.cn"' in page_text(visitor.get(signup_link))  # the invited address, typed for them

    signed_up = submit(
        visitor,
        "/signup",
        {
            "email": "wang.fang@example.cn",
            "full_name": "Wang Fang",
            "native_name": "王芳",
            "locale": "en",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "next": invitation,
        },
        form_url=signup_link,
    )
    assert "Check your e-mail" in page_text(signed_up)

    confirmation = link_in(mailbox.last_to("wang.fang@example.cn"))
    assert confirmation.startswith("/verify/")
    confirmed = visitor.get(confirmation)
    assert confirmed.status_code == 302
    login_page = confirmed.headers["Location"]
    assert parse_qs(urlsplit(login_page).query)["next"] == [invitation]
    assert "your e-mail address is confirmed" in page_text(visitor.get(login_page))

    logged_in = submit(
        visitor,
        login_page,
        {"email": "wang.fang@example.cn", "password": PASSWORD, "next": invitation},
    )
    assert logged_in.headers["Location"] == invitation
    assert "Link this speaker profile to your account" in page_text(visitor.get(invitation))

    claimed = submit(visitor, invitation, {})
    profile_url = f"/account/speaker-profiles/{speaker.id}"
    assert claimed.headers["Location"] == profile_url
    assert owner_of(speaker) is not None

    profile = page_text(visitor.get(profile_url))
    uploads = re.findall(r'<a[^>]*data-testid="upload-material"[^>]*>', profile)
    assert len(uploads) == 2
    assert f"/events/{event.slug}/agenda/{opening.id}/materials/new" in profile
    assert f"/events/{event.slug}/agenda/{panel.id}/materials/new" in profile
    assert "Upload material for “Panel on platform work”" in profile
    upload_page = visitor.get(f"/events/{event.slug}/agenda/{panel.id}/materials/new?next={profile_url}")
    assert upload_page.status_code == 200


def test_an_existing_account_logs_in_from_the_signup_page_and_keeps_the_way_back(app, make_event, make_speaker):
    event = make_event()
    speaker = make_speaker(event, email="wang.fang@example.cn")
    invitation = "/speaker-invitation/sometoken"
    visitor = app.test_client()

    signup = page_text(visitor.get(f"/signup?next={invitation}"))
    login_link = re.search(r'Already have an account\?</p>|Already have an account\? <a href="([^"]+)"', signup).group(
        1
    )
    assert parse_qs(urlsplit(login_link.replace("&amp;", "&")).query)["next"] == [invitation]
    login_page = page_text(visitor.get(login_link))
    assert f'value="{invitation}"' in login_page
    back_to_signup = re.search(r'New here\? <a href="([^"]+)"', login_page).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(back_to_signup).query)["next"] == [invitation]
    assert owner_of(speaker) is None


def test_a_next_page_on_another_site_is_dropped_from_sign_up_confirmation_and_log_in(app, mailbox):
    visitor = app.test_client()
    for evil in ("https://evil.example/x", "//evil.example/x", "/\\evil.example"):
        signup = page_text(visitor.get("/signup", query_string={"next": evil}))
        assert '<input id="next" name="next" type="hidden" value="">' in signup
        assert 'Already have an account? <a href="/login">' in signup
        assert 'New here? <a href="/signup">' in page_text(visitor.get("/login", query_string={"next": evil}))

    submit(
        visitor,
        "/signup",
        {
            "email": "li.na@example.cn",
            "full_name": "Li Na",
            "locale": "en",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "next": "https://evil.example/x",
        },
    )
    confirmation = link_in(mailbox.last_to("li.na@example.cn"))
    assert "evil" not in confirmation and "next" not in confirmation

    forged = visitor.get(confirmation.split("?")[0] + "?next=//evil.example/x")
    assert forged.headers["Location"] == "/login"


def test_the_invitation_cannot_be_claimed_by_an_account_that_signed_up_with_another_address(
    app, make_event, make_session, make_speaker, make_user, mailbox
):
    event = make_event()
    session = make_session(event)
    speaker = make_speaker(event, email="wang.fang@example.cn", sessions=[session])
    invite(app, event, speaker)
    invitation = link_in(mailbox.last_to("wang.fang@example.cn"))
    other = app.test_client()
    login(other, make_user(email="someone.else@example.org"))

    assert other.get(invitation).status_code == 409
    assert submit(other, invitation, {}, form_url="/registrations").status_code == 400
    assert owner_of(speaker) is None
    assert other.get(f"/account/speaker-profiles/{speaker.id}").status_code == 403
    assert other.get(f"/events/{event.slug}/agenda/{session.id}/materials/new").status_code == 403


def test_organisers_see_no_upload_buttons_on_the_speakers_profile_form_they_manage(
    app, make_event, make_session, make_speaker
):
    event = make_event()
    speaker = make_speaker(event, sessions=[make_session(event)])
    organiser = app.test_client()
    login(organiser, event.organisers[0])

    page = page_text(organiser.get(f"/manage/events/{event.slug}/speakers/{speaker.id}"))

    assert 'data-testid="upload-material"' not in page
