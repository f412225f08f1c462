"""Speakers: organisers keep their profiles and roles in sessions; the public sees them in both
scripts; an invitation links a profile to the speaker's account, and the speaker then edits it."""

import html
import io
import os
import re
from datetime import UTC, datetime, timedelta

from PIL import Image

from workshop.agenda import speakers as speaker_services
from workshop.agenda.models import SessionSpeaker, Speaker, SpeakerRole
from workshop.events.models import EventStatus
from workshop.extensions import db
from workshop.storage import upload_storage

from .conftest import as_user, counted_statements, html_part, link_in, login, submit, text_part

PROFILE = {
    "full_name": "Wang Fang",
    "native_name": "王芳",
    "title": "Director, Labour Inspection Bureau",
    "affiliation": "Ministry of Human Resources and Social Security",
    "biography": "Works on **labour inspection**.\n\n<script>alert(1)</script>",
    "email": "wang.fang@example.cn",
}


def picture(kind="PNG", size=(8, 8), noise=False) -> bytes:
    buffer = io.BytesIO()
    image = (
        Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
        if noise
        else Image.new("RGB", size, (200, 30, 30))
    )
    image.save(buffer, kind)
    return buffer.getvalue()


def is_picture(data: bytes, kind="PNG", size=(8, 8)) -> bool:
    """``data`` is an image of this kind and size, the colour of ``picture()``'s (photos are kept re-encoded)."""
    with Image.open(io.BytesIO(data)) as image:
        red, green, blue = image.convert("RGB").getpixel((size[0] // 2, size[1] // 2))
        return (image.format, image.size) == (kind, size) and abs(red - 200) + abs(green - 30) + abs(blue - 30) < 12


def manage_url(event) -> str:
    return f"/manage/events/{event.slug}/speakers"


def edit_url(event, speaker) -> str:
    return f"{manage_url(event)}/{speaker.id}"


def own_url(speaker) -> str:
    return f"/account/speaker-profiles/{speaker.id}"


def as_organiser(app, event):
    client = app.test_client()
    login(client, event.organisers[0])
    return client


def fresh(speaker) -> Speaker:
    db.session.expire_all()
    return db.session.get(Speaker, speaker.id)


def speakers_of(event) -> list[Speaker]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Speaker).where(Speaker.event_id == event.id).order_by(Speaker.id)))


def photo_file(speaker):
    return upload_storage().root / speaker.photo_key


def stored_files() -> list:
    folder = upload_storage().root
    return list(folder.iterdir()) if folder.exists() else []


def page_text(response) -> str:
    return response.get_data(as_text=True)


def errors_on(page: str) -> list[str]:
    return [
        html.unescape(re.sub(r"\s+", " ", e).strip())
        for e in re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', page, re.S)
    ]


# --- organisers: profiles ---------------------------------------------------------------------


def test_an_organiser_adds_a_speaker_with_a_photo_and_the_public_sees_both_names(app, make_event):
    event = make_event(title="Labour inspection workshop")
    organiser = as_organiser(app, event)

    response = submit(organiser, manage_url(event), {**PROFILE, "photo": (io.BytesIO(picture()), "wang-fang.png")})

    assert response.status_code == 302
    (speaker,) = speakers_of(event)
    assert (speaker.full_name, speaker.native_name, speaker.email) == ("Wang Fang", "王芳", "wang.fang@example.cn")
    assert speaker.photo_type == "image/png" and is_picture(photo_file(speaker).read_bytes())
    assert "Wang Fang is added to the speakers." in page_text(organiser.get(response.headers["Location"]))

    visitor = app.test_client()
    listing = page_text(visitor.get(f"/events/{event.slug}/speakers"))
    assert "Wang Fang" in listing and "王芳" in listing and "Ministry of Human Resources and Social Security" in listing
    assert "wang.fang@example.cn" not in listing  # the e-mail address is for the organisers
    profile = page_text(visitor.get(f"/events/{event.slug}/speakers/{speaker.id}"))
    assert "王芳" in profile and "Director, Labour Inspection Bureau" in profile
    assert "<strong>labour inspection</strong>" in profile and "<script>" not in profile

    photo_url = re.search(r'src="([^"]*/photo[^"]*)"', listing).group(1).replace("&amp;", "&")
    with visitor.get(photo_url) as photo:
        assert photo.status_code == 200 and is_picture(photo.data)
        assert photo.headers["Content-Type"] == "image/png"
        assert photo.headers["X-Content-Type-Options"] == "nosniff"


def test_an_organiser_edits_a_speaker_and_a_new_photo_replaces_the_old_file(app, make_event, make_speaker):
    event = make_event()
    speaker = make_speaker(event)
    organiser = as_organiser(app, event)
    submit(organiser, edit_url(event, speaker), {**PROFILE, "photo": (io.BytesIO(picture()), "first.png")})
    first = photo_file(fresh(speaker))
    assert first.is_file()

    response = submit(
        organiser,
        edit_url(event, speaker),
        {**PROFILE, "affiliation": "Shanghai Labour Bureau", "photo": (io.BytesIO(picture("JPEG")), "second.JPG")},
    )

    assert response.status_code == 302
    speaker = fresh(speaker)
    assert speaker.affiliation == "Shanghai Labour Bureau" and speaker.photo_type == "image/jpeg"
    assert photo_file(speaker).is_file() and not first.exists()

    second = photo_file(speaker)
    submit(organiser, edit_url(event, speaker), {**PROFILE, "remove_photo": "y"})
    assert fresh(speaker).photo_key == "" and not second.exists()
    assert app.test_client().get(f"/events/{event.slug}/speakers/{speaker.id}/photo").status_code == 404


def test_the_speakers_page_shows_a_changed_speaker_and_photo_at_once(app, make_event, make_speaker):
    event = make_event()
    speaker = make_speaker(event)
    visitor = app.test_client()
    assert 'class="speaker-initials' in page_text(visitor.get(f"/events/{event.slug}/speakers"))  # kept from here on
    organiser = as_organiser(app, event)

    submit(
        organiser,
        edit_url(event, speaker),
        {**PROFILE, "affiliation": "Shanghai Labour Bureau", "photo": (io.BytesIO(picture()), "first.png")},
    )

    page = page_text(visitor.get(f"/events/{event.slug}/speakers"))
    assert "Shanghai Labour Bureau" in page and f"/speakers/{speaker.id}/photo?v=" in page
    assert 'class="speaker-initials' not in page


def test_a_photo_gone_from_the_server_is_marked_on_the_profile_form_until_it_is_uploaded_again(
    app, make_event, make_speaker
):
    event = make_event()
    speaker = make_speaker(event)
    organiser = as_organiser(app, event)
    submit(organiser, edit_url(event, speaker), {**PROFILE, "photo": (io.BytesIO(picture()), "first.png")})
    photo_file(fresh(speaker)).unlink()

    assert errors_on(page_text(organiser.get(edit_url(event, speaker)))) == [
        "The file uploaded here is missing on the server: upload it again."
    ]
    assert app.test_client().get(f"/events/{event.slug}/speakers/{speaker.id}/photo").status_code == 404

    submit(organiser, edit_url(event, speaker), {**PROFILE, "photo": (io.BytesIO(picture("JPEG")), "again.jpg")})
    assert errors_on(page_text(organiser.get(edit_url(event, speaker)))) == []
    with app.test_client().get(f"/events/{event.slug}/speakers/{speaker.id}/photo") as photo:
        assert photo.status_code == 200 and is_picture(photo.data, "JPEG")


def test_an_organiser_removes_a_speaker_with_their_photo_and_roles(app, make_event, make_session, make_speaker):
    event = make_event()
    session = make_session(event)
    speaker = make_speaker(event, sessions=[session])
    organiser = as_organiser(app, event)
    submit(organiser, edit_url(event, speaker), {**PROFILE, "photo": (io.BytesIO(picture("WEBP")), "me.webp")})
    path = photo_file(fresh(speaker))

    response = submit(organiser, f"{edit_url(event, speaker)}/remove", {}, form_url=edit_url(event, speaker))

    assert response.status_code == 302
    assert speakers_of(event) == [] and not path.exists()
    assert db.session.scalar(db.select(db.func.count()).select_from(SessionSpeaker)) == 0


def test_a_speaker_without_a_name_is_refused_and_what_was_typed_stays(app, make_event, make_speaker):
    event = make_event()
    organiser = as_organiser(app, event)

    added = submit(organiser, manage_url(event), {**PROFILE, "full_name": "   "})
    speaker = make_speaker(event, full_name="Li Na", native_name="李娜")
    edited = submit(organiser, edit_url(event, speaker), {**PROFILE, "full_name": ""})

    for response in (added, edited):
        assert response.status_code == 200
        assert errors_on(page_text(response)) == ["Enter the speaker's name."]
        assert "Ministry of Human Resources and Social Security" in page_text(response)  # nothing typed is lost
    assert [s.full_name for s in speakers_of(event)] == ["Li Na"]


def test_a_photo_that_is_really_a_web_page_is_refused(app, make_event, make_speaker):
    event = make_event()
    speaker = make_speaker(event)
    organiser = as_organiser(app, event)
    files_before = set(stored_files())
    html = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    for content, name in ((html, "photo.png"), (svg, "photo.png"), (svg, "photo.svg"), (picture(), "photo.jpg")):
        response = submit(organiser, edit_url(event, speaker), {**PROFILE, "photo": (io.BytesIO(content), name)})
        assert response.status_code == 200
        (message,) = errors_on(page_text(response))
        assert "Accepted: JPEG, JPG, PNG, WEBP." in message or "should end in .png" in message

    assert fresh(speaker).photo_key == "" and fresh(speaker).affiliation == ""
    assert set(stored_files()) == files_before


def test_a_photo_over_the_limit_is_refused_with_a_message(app, make_event, make_speaker):
    app.config["PHOTO_MAX_BYTES"] = 2000
    event = make_event()
    speaker = make_speaker(event)
    organiser = as_organiser(app, event)
    big = picture(size=(40, 40), noise=True)
    assert len(big) > 2000

    response = submit(organiser, edit_url(event, speaker), {**PROFILE, "photo": (io.BytesIO(big), "big.png")})

    assert response.status_code == 200
    assert errors_on(page_text(response)) == ["The file is larger than the limit of 2.0 KB."]
    assert "at most 2.0 KB" in page_text(response)
    assert fresh(speaker).photo_key == ""
    assert not any(stored_files())


# --- organisers: roles in sessions ------------------------------------------------------------


def test_a_speaker_has_roles_in_sessions_shown_in_the_events_time_zone(app, make_event, make_session, make_speaker):
    start = datetime(2031, 3, 12, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    event = make_event(timezone="Asia/Shanghai", starts_at=start, ends_at=start + timedelta(days=2))
    opening = make_session(event, title="Opening plenary", start=start, minutes=90)
    panel = make_session(
        event, title="Panel on platform work", start=start + timedelta(hours=14), minutes=120
    )  # 23:00–01:00 in Shanghai
    speaker = make_speaker(event)
    organiser = as_organiser(app, event)
    link_url = f"{edit_url(event, speaker)}/sessions"

    chair = submit(organiser, link_url, {"session_id": opening.id, "role": "chair"}, form_url=edit_url(event, speaker))
    assert chair.status_code == 302
    assert "Wang Fang is added to “Opening plenary” as Chair." in page_text(organiser.get(chair.headers["Location"]))
    submit(organiser, link_url, {"session_id": panel.id, "role": "speaker"}, form_url=edit_url(event, speaker))
    submit(organiser, link_url, {"session_id": panel.id, "role": "discussant"}, form_url=edit_url(event, speaker))
    twice = submit(
        organiser,
        link_url,
        {"session_id": opening.id, "role": "chair"},
        form_url=edit_url(event, speaker),
        follow_redirects=True,
    )

    assert "Wang Fang already has the role “Chair” in “Opening plenary”." in page_text(twice)
    links = fresh(speaker).sessions
    assert sorted((link.session.title, link.role.value) for link in links) == [
        ("Opening plenary", "chair"),
        ("Panel on platform work", "discussant"),
        ("Panel on platform work", "speaker"),
    ]

    page = page_text(app.test_client().get(f"/events/{event.slug}/speakers/{speaker.id}"))
    listed = page.split('data-testid="speaker-sessions"', 1)[1].split("</ul>", 1)[0].replace("\u202f", " ")
    assert listed.index("Opening plenary") < listed.index("Panel on platform work")
    assert "Mar 12, 2031, 9:00 AM – 10:30 AM" in listed
    assert "Mar 12, 2031, 11:00 PM – Mar 13, 2031, 1:00 AM" in listed  # across midnight in Shanghai
    assert "Asia/Shanghai (UTC+08:00)" in page
    assert f"/events/{event.slug}/agenda/{opening.id}" in listed

    listing = page_text(organiser.get(manage_url(event)))
    assert "Opening plenary" in listing and "Discussant" in listing and "王芳" in listing

    discussant = next(link for link in links if link.role is SpeakerRole.DISCUSSANT)
    submit(organiser, f"{link_url}/{discussant.id}/remove", {}, form_url=edit_url(event, speaker))
    assert sorted(link.role.value for link in fresh(speaker).sessions) == ["chair", "speaker"]


def test_a_role_in_another_events_session_or_an_unknown_role_is_refused(app, make_event, make_session, make_speaker):
    event, other_event = make_event(), make_event()
    elsewhere = make_session(other_event, title="Somebody else's session")
    here = make_session(event)
    speaker = make_speaker(event)
    organiser = as_organiser(app, event)
    link_url = f"{edit_url(event, speaker)}/sessions"

    foreign = submit(
        organiser,
        link_url,
        {"session_id": elsewhere.id, "role": "chair"},
        form_url=edit_url(event, speaker),
        follow_redirects=True,
    )
    unknown = submit(
        organiser,
        link_url,
        {"session_id": here.id, "role": "keynote"},
        form_url=edit_url(event, speaker),
        follow_redirects=True,
    )

    assert "Choose a session of this event." in page_text(foreign)
    assert "Choose a role from the list." in page_text(unknown)
    assert fresh(speaker).sessions == []


# --- the invitation ---------------------------------------------------------------------------


def invite(app, event, speaker, client=None):
    client = client or as_organiser(app, event)
    return submit(client, f"{edit_url(event, speaker)}/invite", {}, form_url=edit_url(event, speaker))


def test_an_invited_speaker_logs_in_through_the_link_and_the_profile_becomes_theirs(
    app, make_event, make_speaker, make_user, mailbox
):
    event = make_event(title="Platform work and social protection")
    speaker = make_speaker(event, email="wang.fang@example.cn")
    person = make_user(email="wang.fang@example.cn", full_name="Wang Fang")

    response = invite(app, event, speaker)

    assert response.status_code == 302
    assert fresh(speaker).invited_at is not None
    message = mailbox.last_to("wang.fang@example.cn")
    assert message["Subject"] == "Your speaker profile for Platform work and social protection"
    assert "Dear Wang Fang (王芳)," in text_part(message) and "14 days" in text_part(message)
    link = link_in(message)
    assert link.startswith("/speaker-invitation/") and link in html_part(message)

    visitor = app.test_client()
    page = page_text(visitor.get(link))
    assert "Wang Fang" in page and "王芳" in page and "log in first" in page
    login_link = re.search(r'href="(/login\?next=[^"]+)"', page).group(1).replace("&amp;", "&")
    logged_in = submit(
        visitor, login_link, {"email": person.email, "password": "correct horse battery staple", "next": link}
    )
    assert logged_in.headers["Location"] == link  # back to the invitation
    assert "Link this speaker profile to your account" in page_text(visitor.get(link))

    claimed = submit(visitor, link, {})

    assert claimed.status_code == 302 and claimed.headers["Location"] == own_url(speaker)
    assert fresh(speaker).user_id == person.id
    assert "now linked to your account" in page_text(visitor.get(own_url(speaker)))
    mine = page_text(visitor.get("/registrations"))
    assert "My speaker profiles" in mine and own_url(speaker) in mine and str(event.title) in mine
    manage = page_text(as_organiser(app, event).get(edit_url(event, speaker)))
    assert "Linked to the account of Wang Fang (wang.fang@example.cn)" in manage


def test_the_invitation_is_in_the_language_of_the_account_or_else_the_organisers(
    app, make_event, make_speaker, make_user
):
    make_event()
    make_user(email="li.na@example.cn", locale="zh")
    with app.test_request_context():
        assert speaker_services.invitation_locale("li.na@example.cn", "en") == "zh"
        assert speaker_services.invitation_locale("LI.NA@example.cn ", "en") == "zh"
        assert speaker_services.invitation_locale("nobody@example.org", "zh") == "zh"
        assert speaker_services.invitation_locale("nobody@example.org", "") == "en"


def test_an_invitation_needs_an_e_mail_address(app, make_event, make_speaker, mailbox):
    event = make_event()
    speaker = make_speaker(event, email="")

    organiser = as_organiser(app, event)
    response = invite(app, event, speaker, organiser)

    assert "Enter the speaker&#39;s e-mail address first" in page_text(organiser.get(response.headers["Location"]))
    assert fresh(speaker).invited_at is None and mailbox.messages == []


def test_an_expired_or_forged_invitation_link_gets_a_clear_message(app, make_event, make_speaker, make_user, mailbox):
    event = make_event()
    speaker = make_speaker(event, email="wang.fang@example.cn")
    person = make_user(email="wang.fang@example.cn")
    invite(app, event, speaker)
    link = link_in(mailbox.last_to("wang.fang@example.cn"))
    client = as_user(app, person)

    forged = link[:-3] + ("abc" if not link.endswith("abc") else "xyz")
    assert "This invitation link is not valid." in page_text(client.get(forged))
    assert "This invitation link is not valid." in page_text(submit(client, forged, {}, form_url="/registrations"))

    app.config["SPEAKER_INVITATION_MAX_AGE"] = -1  # every link is too old
    expired = client.get(link)
    assert expired.status_code == 400 and "This invitation link has expired." in page_text(expired)
    assert "This invitation link has expired." in page_text(submit(client, link, {}, form_url="/registrations"))
    assert fresh(speaker).user_id is None


def test_a_new_invitation_replaces_the_old_link(app, make_event, make_speaker, make_user, mailbox):
    event = make_event()
    speaker = make_speaker(event, email="wang.fang@example.cn")
    client = as_user(app, make_user(email="wang.fang@example.cn"))
    invite(app, event, speaker)
    db.session.execute(
        db.update(Speaker).where(Speaker.id == speaker.id).values(invited_at=datetime(2020, 1, 1, tzinfo=UTC))
    )
    db.session.commit()  # as if the first invitation went out long ago
    old = speaker_services.invitation_token(fresh(speaker))

    invite(app, event, speaker)
    new = link_in(mailbox.last_to("wang.fang@example.cn"))

    assert "replaced by a newer one" in page_text(client.get(f"/speaker-invitation/{old}"))
    assert "Link this speaker profile to your account" in page_text(client.get(new))


def test_an_invitation_for_a_profile_linked_to_another_account_is_refused(app, make_event, make_speaker, make_user):
    event = make_event()
    owner, somebody = make_user(email="wang.fang@example.cn"), make_user()
    speaker = make_speaker(event, email="wang.fang@example.cn")
    with app.test_request_context():
        speaker.invited_at = datetime.now(UTC).replace(microsecond=0)
        db.session.commit()
        token = speaker_services.invitation_token(speaker)
    link = f"/speaker-invitation/{token}"
    first = as_user(app, owner)
    submit(first, link, {})
    assert fresh(speaker).user_id == owner.id

    other = as_user(app, somebody)
    page = other.get(link)
    claimed = submit(other, link, {}, form_url="/registrations")

    assert "already linked to another account" in page_text(page) and "Link this speaker profile" not in page_text(page)
    assert claimed.status_code == 400 and "already linked to another account" in page_text(claimed)
    assert fresh(speaker).user_id == owner.id


def test_an_invitation_opened_by_another_account_is_refused_and_the_profile_stays_unclaimed(
    app, make_event, make_speaker, make_user, mailbox
):
    event = make_event()
    speaker = make_speaker(event, email="Wang.Fang@example.cn")
    invited = make_user(email="wang.fang@example.cn")
    colleague = make_user(email="colleague@example.cn")
    invite(app, event, speaker)
    link = link_in(mailbox.last_to("Wang.Fang@example.cn"))

    other = as_user(app, colleague)
    page = other.get(link)
    claimed = submit(other, link, {}, form_url="/registrations")

    assert page.status_code == 409 and "sent to another e-mail address" in page_text(page)
    assert "Link this speaker profile" not in page_text(page)
    assert claimed.status_code == 400 and "sent to another e-mail address" in page_text(claimed)
    assert fresh(speaker).user_id is None

    owner = as_user(app, invited)  # the same address, whatever its case
    assert submit(owner, link, {}).headers["Location"] == own_url(speaker)
    assert fresh(speaker).user_id == invited.id


def test_an_account_links_only_one_speaker_profile_per_event(app, make_event, make_speaker, make_user):
    event = make_event()
    person = make_user(email="li.na@example.cn")
    make_speaker(event, full_name="Li Na", user=person)
    second = make_speaker(event, email="li.na@example.cn")
    with app.test_request_context():
        second.invited_at = datetime.now(UTC).replace(microsecond=0)
        db.session.commit()
        token = speaker_services.invitation_token(second)

    claimed = submit(as_user(app, person), f"/speaker-invitation/{token}", {}, form_url="/registrations")

    assert "already linked to another speaker profile at this event" in page_text(claimed)
    assert fresh(second).user_id is None


# --- the speaker's own profile ---------------------------------------------------------------


def test_a_speaker_edits_their_own_profile_but_not_the_organisers_fields(
    app, make_event, make_session, make_speaker, make_user
):
    event = make_event()
    session = make_session(event, title="Opening plenary")
    person = make_user()
    speaker = make_speaker(event, user=person, email="invited@example.cn", sessions=[session], role=SpeakerRole.CHAIR)
    client = as_user(app, person)

    page = page_text(client.get(own_url(speaker)))
    assert 'name="email"' not in page and "Opening plenary" in page and "Chair" in page
    assert f"/manage/events/{event.slug}" not in page

    response = submit(
        client,
        own_url(speaker),
        {
            **PROFILE,
            "email": "changed@example.org",
            "native_name": "王芳芳",
            "photo": (io.BytesIO(picture()), "me.png"),
        },
    )

    assert response.status_code == 302
    speaker = fresh(speaker)
    assert (speaker.native_name, speaker.email, speaker.photo_type) == ("王芳芳", "invited@example.cn", "image/png")
    assert [(link.session_id, link.role) for link in speaker.sessions] == [(session.id, SpeakerRole.CHAIR)]
    assert "王芳芳" in page_text(app.test_client().get(f"/events/{event.slug}/speakers"))
    assert client.get(manage_url(event)).status_code == 403
    assert (
        submit(
            client,
            f"{edit_url(event, speaker)}/sessions",
            {"session_id": session.id, "role": "speaker"},
            form_url=own_url(speaker),
        ).status_code
        == 403
    )
    assert len(fresh(speaker).sessions) == 1


def test_a_speaker_cannot_edit_another_speakers_profile(app, make_event, make_speaker, make_user):
    event = make_event()
    draft = make_event(status=EventStatus.DRAFT)
    person = make_user()
    own = make_speaker(event, user=person)
    colleague = make_speaker(event, full_name="Li Na", native_name="李娜")
    hidden = make_speaker(draft, full_name="Zhang Wei")
    client = as_user(app, person)

    assert client.get(own_url(colleague)).status_code == 403
    assert (
        submit(client, own_url(colleague), {**PROFILE, "full_name": "Hacked"}, form_url=own_url(own)).status_code == 403
    )
    assert client.get(own_url(hidden)).status_code == 404
    assert client.get(edit_url(event, colleague)).status_code == 403
    assert fresh(colleague).full_name == "Li Na"


# --- access -----------------------------------------------------------------------------


def test_non_organisers_get_403_or_404_on_the_management_pages(
    app, make_event, make_session, make_speaker, make_user, mailbox
):
    public, draft = make_event(), make_event(status=EventStatus.DRAFT)
    participant = make_user()
    client = as_user(app, participant)

    for event, code in ((public, 403), (draft, 404)):
        session = make_session(event)
        speaker = make_speaker(event, email="speaker@example.cn", sessions=[session])
        link = speaker.sessions[0]
        base = edit_url(event, speaker)
        assert client.get(manage_url(event)).status_code == code
        assert client.get(base).status_code == code
        for url in (
            manage_url(event),
            base,
            f"{base}/sessions",
            f"{base}/sessions/{link.id}/remove",
            f"{base}/invite",
            f"{base}/remove",
        ):
            response = submit(
                client, url, {**PROFILE, "session_id": session.id, "role": "chair"}, form_url="/registrations"
            )
            assert response.status_code == code, url
    assert len(speakers_of(public)) == 1 and fresh(speakers_of(public)[0]).full_name == "Wang Fang"
    assert [len(s.sessions) for s in speakers_of(public) + speakers_of(draft)] == [1, 1]
    assert mailbox.messages == []
    assert app.test_client().get(manage_url(public)).status_code == 302  # to the login page


def test_a_speaker_of_another_event_is_not_found_through_this_event(app, make_event, make_speaker):
    event, other = make_event(), make_event()
    stranger = make_speaker(other)
    organiser = as_organiser(app, event)

    assert organiser.get(edit_url(event, stranger)).status_code == 404
    assert app.test_client().get(f"/events/{event.slug}/speakers/{stranger.id}").status_code == 404


def test_a_draft_events_speaker_pages_are_404_to_the_public(app, make_event, make_speaker, make_user):
    event = make_event(status=EventStatus.DRAFT)
    organiser = as_organiser(app, event)
    speaker = make_speaker(event)
    submit(organiser, edit_url(event, speaker), {**PROFILE, "photo": (io.BytesIO(picture()), "me.png")})
    urls = (
        f"/events/{event.slug}/speakers",
        f"/events/{event.slug}/speakers/{speaker.id}",
        f"/events/{event.slug}/speakers/{speaker.id}/photo",
    )

    for client in (app.test_client(), as_user(app, make_user())):
        for url in urls:
            assert client.get(url).status_code == 404, url
    for url in urls:
        with organiser.get(url) as response:
            assert response.status_code == 200, url  # the organisers preview it
    with organiser.get(urls[2]) as photo:
        assert "no-store" in photo.headers["Cache-Control"]


# --- queries ----------------------------------------------------------------------------


def event_with_speakers(make_event, make_session, make_speaker, count: int):
    event = make_event()
    sessions = [
        make_session(event, title=f"Session {n}", start=event.starts_at + timedelta(hours=n)) for n in range(count)
    ]
    first = None
    for n in range(count):
        speaker = make_speaker(
            event,
            full_name=f"Speaker {n}",
            native_name=f"讲者{n}",
            sessions=sessions,
            photo_key="ab" * 16 if n % 2 else "",
        )
        first = first or speaker
    return event, first


def test_the_speaker_pages_need_as_many_queries_for_40_speakers_as_for_5(app, make_event, make_session, make_speaker):
    small, small_first = event_with_speakers(make_event, make_session, make_speaker, 5)
    large, large_first = event_with_speakers(make_event, make_session, make_speaker, 40)
    client = app.test_client()

    def queries(url: str) -> int:
        client.get(url)  # warm up
        with counted_statements() as statements:
            response = client.get(url)
        assert response.status_code == 200
        return len(statements)

    for small_url, large_url in (
        (f"/events/{small.slug}/speakers", f"/events/{large.slug}/speakers"),
        (f"/events/{small.slug}/speakers/{small_first.id}", f"/events/{large.slug}/speakers/{large_first.id}"),
    ):
        assert queries(small_url) == queries(large_url) <= 4, large_url
    assert "讲者39" in page_text(client.get(f"/events/{large.slug}/speakers"))
    assert page_text(client.get(f"/events/{large.slug}/speakers/{large_first.id}")).count("Session ") >= 40
