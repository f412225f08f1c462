"""An event's team: organisers name co-organisers, check-in staff and rapporteurs by e-mail address;
people without an account are invited and take the role when they accept; only those who manage
something see "Manage events"."""

import pytest

from workshop.agenda.models import SessionSpeaker, Speaker, SpeakerRole
from workshop.attendance.models import check_in_staff
from workshop.events.models import Event, EventStatus
from workshop.extensions import db
from workshop.team.models import TeamInvitation

from .conftest import as_organiser, as_user, html_part, link_in, login, logout, submit, text_part


def team_url(event) -> str:
    return f"/manage/events/{event.slug}/team"


def add(client, event, email, role="check_in_staff", sessions=()):
    data = {"email": email, "role": role}
    if sessions:
        data["sessions"] = [str(session.id) for session in sessions]
    return submit(client, team_url(event), data)


def text(response) -> str:
    return response.get_data(as_text=True)


def organiser_ids(event) -> list[int]:
    db.session.expire_all()
    return [user.id for user in db.session.get(Event, event.id).organisers]


def staff_ids(event) -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(check_in_staff.c.user_id).where(check_in_staff.c.event_id == event.id)))


def rapporteur_sessions(event, user) -> set[int]:
    db.session.expire_all()
    return set(
        db.session.scalars(
            db.select(SessionSpeaker.session_id)
            .join(SessionSpeaker.speaker)
            .where(
                Speaker.event_id == event.id, Speaker.user_id == user.id, SessionSpeaker.role == SpeakerRole.RAPPORTEUR
            )
        )
    )


def invitations(event) -> list[TeamInvitation]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(TeamInvitation).where(TeamInvitation.event_id == event.id)))


def flashed(client) -> str:
    return text(client.get("/"))


def remove_url(event, role, person_id) -> str:
    return f"{team_url(event)}/{role}/{person_id}/remove"


# --- the page -------------------------------------------------------------------------------------


def test_the_team_page_lists_organisers_staff_and_rapporteurs_with_their_roles(
    app, make_event, make_user, make_session, make_speaker
):
    organiser = make_user(full_name="Anna Schmidt", email="anna@example.org")
    event = make_event(organiser=organiser)
    staff = make_user(full_name="Li Wei", native_name="李伟", email="li.wei@example.cn")
    db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=staff.id))
    db.session.commit()
    session = make_session(event, title="Labour inspection in practice")
    make_speaker(event, full_name="Marie Dupont", native_name="", sessions=[session], role=SpeakerRole.RAPPORTEUR)

    page = text(as_user(app, organiser).get(team_url(event)))

    members = page[page.index('data-testid="team-members"') : page.index('data-testid="team-invitations"')]
    assert "Anna Schmidt" in members and "anna@example.org" in members and "Organiser" in members
    assert "Li Wei" in members and "李伟" in members and "li.wei@example.cn" in members and "Check-in staff" in members
    assert "Marie Dupont" in members and "Rapporteur" in members and "Labour inspection in practice" in members
    assert "No account linked yet" in members  # the rapporteur's profile has no account


def test_the_event_page_links_organisers_to_the_team_and_the_old_address_leads_there(app, make_event):
    event = make_event()
    organiser = as_organiser(app, event)
    assert team_url(event) in text(organiser.get(f"/events/{event.slug}"))
    moved = organiser.get(f"/manage/events/{event.slug}/organisers")
    assert moved.status_code == 301 and moved.headers["Location"] == team_url(event)


# --- adding people with an account ------------------------------------------------------------------


def test_an_organiser_names_a_co_organiser_who_is_told_by_e_mail(app, make_event, make_user, mailbox):
    event = make_event(title="Social dialogue in the platform economy")
    colleague = make_user(email="chen.jing@example.org", full_name="Chen Jing", locale="zh")
    client = as_organiser(app, event)

    response = add(client, event, "Chen.Jing@example.org", "organiser")

    assert response.status_code == 302
    assert colleague.id in organiser_ids(event)
    assert "Chen Jing is now Organiser of this event" in flashed(client)
    message = mailbox.last_to("chen.jing@example.org")
    assert "Social dialogue in the platform economy" in message["Subject"]
    assert "组织者" in text_part(message)  # in the language of their account
    assert as_user(app, colleague).get(f"/manage/events/{event.slug}/edit").status_code == 200


def test_an_account_whose_address_is_not_confirmed_gets_an_invitation_not_the_role(app, make_event, make_user, mailbox):
    event = make_event()
    unconfirmed = make_user(email="boss@partner.example.org", verified=False)  # anyone may have typed it

    add(as_organiser(app, event), event, "boss@partner.example.org", "organiser")

    assert unconfirmed.id not in organiser_ids(event)
    assert as_user(app, unconfirmed).get(f"/manage/events/{event.slug}/edit").status_code != 200
    assert "/team-invitation/" in text_part(mailbox.last_to("boss@partner.example.org"))
    assert [i.email for i in invitations(event)] == ["boss@partner.example.org"]


def test_an_organiser_adds_check_in_staff_who_then_opens_the_desk(app, make_event, make_user, mailbox):
    event = make_event()
    helper = make_user(email="desk@example.org", full_name="Desk Helper")

    add(as_organiser(app, event), event, "desk@example.org", "check_in_staff")

    assert staff_ids(event) == [helper.id]
    assert "Check-in staff" in text_part(mailbox.last_to("desk@example.org"))
    assert as_user(app, helper).get(f"/events/{event.slug}/check-in").status_code == 200


def test_an_organiser_names_a_rapporteur_of_chosen_sessions(app, make_event, make_user, make_session, mailbox):
    event = make_event()
    first, second = make_session(event, title="Opening"), make_session(event, title="Closing")
    person = make_user(email="rapporteur@example.org", full_name="Rita Rapporteur")

    add(as_organiser(app, event), event, "rapporteur@example.org", "rapporteur", [first])

    assert rapporteur_sessions(event, person) == {first.id}
    client = as_user(app, person)
    assert client.get(f"/events/{event.slug}/sessions/{first.id}/summary").status_code == 200
    assert client.get(f"/events/{event.slug}/sessions/{second.id}/summary").status_code == 403
    assert "Opening" in text_part(mailbox.last_to("rapporteur@example.org"))


def test_a_rapporteur_needs_a_session(app, make_event, make_user, make_session):
    event = make_event()
    make_session(event)
    person = make_user()
    client = as_organiser(app, event)

    page = text(add(client, event, person.email, "rapporteur"))

    assert "Choose the sessions the rapporteur reports on." in page
    assert rapporteur_sessions(event, person) == set()


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["organiser", "check_in_staff", "rapporteur"])
def test_adding_someone_who_already_has_the_role_is_refused(app, make_event, make_user, make_session, mailbox, role):
    event = make_event()
    session = make_session(event)
    person = make_user(email="twice@example.org", full_name="Twice Named")
    client = as_organiser(app, event)
    add(client, event, person.email, role, [session])
    before = (organiser_ids(event), staff_ids(event), rapporteur_sessions(event, person), len(mailbox.messages))

    page = text(add(client, event, person.email, role, [session]))

    assert "Twice Named" in page and "already" in page
    assert 'aria-invalid="true"' in page  # next to the field
    after = (organiser_ids(event), staff_ids(event), rapporteur_sessions(event, person), len(mailbox.messages))
    assert after == before


def test_inviting_an_address_twice_for_the_same_role_is_refused(app, make_event, mailbox):
    event = make_event()
    client = as_organiser(app, event)
    add(client, event, "newcomer@example.org")

    page = text(add(client, event, "newcomer@example.org"))

    assert "An invitation to this address for this role is waiting already" in page
    assert len(invitations(event)) == 1 and len(mailbox.to("newcomer@example.org")) == 1


@pytest.mark.parametrize("email", ["not an address", "nobody@", "name@localhost"])
def test_an_invalid_e_mail_address_is_refused(app, make_event, mailbox, email):
    event = make_event()
    client = as_organiser(app, event)

    response = add(client, event, email)

    page = text(response)
    assert response.status_code == 200
    assert "e-mail address" in page and 'aria-invalid="true"' in page
    assert f'value="{email}"' in page  # what was typed stays
    assert invitations(event) == [] and staff_ids(event) == [] and mailbox.messages == []


def test_the_last_organiser_cannot_be_removed(app, make_event):
    event = make_event()
    organiser = event.organisers[0]
    client = as_organiser(app, event)

    response = submit(client, remove_url(event, "organiser", organiser.id), {}, form_url=team_url(event))

    assert response.status_code == 302
    assert "An event needs at least one organiser" in flashed(client)
    assert organiser_ids(event) == [organiser.id]


def test_organisers_remove_people_from_their_roles(app, make_event, make_user, make_session):
    event = make_event()
    session = make_session(event)
    colleague, helper, writer = make_user(), make_user(), make_user()
    client = as_organiser(app, event)
    add(client, event, colleague.email, "organiser")
    add(client, event, helper.email, "check_in_staff")
    add(client, event, writer.email, "rapporteur", [session])
    speaker_id = db.session.scalar(db.select(Speaker.id).where(Speaker.user_id == writer.id))

    for role, person_id in (("organiser", colleague.id), ("check_in_staff", helper.id), ("rapporteur", speaker_id)):
        assert submit(client, remove_url(event, role, person_id), {}, form_url=team_url(event)).status_code == 302

    assert organiser_ids(event) == [event.organisers[0].id]
    assert staff_ids(event) == [] and rapporteur_sessions(event, writer) == set()
    assert db.session.get(Speaker, speaker_id) is not None  # the speaker profile stays, without the role
    assert as_user(app, helper).get(f"/events/{event.slug}/check-in").status_code == 403


# --- invitations ----------------------------------------------------------------------------------


def test_someone_without_an_account_is_invited_and_takes_the_role_after_signing_up(
    app, make_event, make_user, make_session, mailbox
):
    event = make_event(title="Green jobs and just transition")
    session = make_session(event, title="Panel on skills")
    inviter = make_user(full_name="Anna Schmidt", locale="zh")
    db.session.get(Event, event.id).organisers.append(inviter)
    db.session.commit()
    client = as_user(app, inviter)

    add(client, event, "Zhang.Min@example.cn", "rapporteur", [session])

    [invitation] = invitations(event)
    assert invitation.email == "zhang.min@example.cn" and invitation.is_pending
    listed = text(client.get(team_url(event)))
    pending = listed[listed.index('data-testid="team-invitations"') :]
    assert "zhang.min@example.cn" in pending and "Panel on skills" in pending
    message = mailbox.last_to("zhang.min@example.cn")
    assert "邀请" in text_part(message)  # in the inviter's language: the address has no account
    link = link_in(message)
    assert link.startswith("/team-invitation/") and link in html_part(message)

    visitor = app.test_client()
    page = text(visitor.get(link))
    assert "Panel on skills" in page and "Log in" in page
    person = make_user(email="zhang.min@example.cn", full_name="Zhang Min")  # signed up and confirmed
    login(visitor, person)
    assert "Accept the invitation" in text(visitor.get(link))

    accepted = submit(visitor, link, {})

    assert accepted.status_code == 302 and accepted.headers["Location"] == "/manage/events"
    assert rapporteur_sessions(event, person) == {session.id}
    [invitation] = invitations(event)
    assert invitation.accepted_at is not None and invitation.accepted_by_id == person.id
    assert "Panel on skills" in text(visitor.get("/manage/events"))
    listed = text(client.get(team_url(event)))
    assert "zhang.min@example.cn" not in listed[listed.index('data-testid="team-invitations"') :]


def test_an_invitation_link_used_by_another_account_is_refused(app, make_event, make_user, mailbox):
    event = make_event()
    add(as_organiser(app, event), event, "invited@example.org", "organiser")
    link = link_in(mailbox.last_to("invited@example.org"))
    intruder = make_user(email="intruder@example.org")
    client = as_user(app, intruder)

    assert "sent to another e-mail address" in text(client.get(link))
    refused = submit(client, link, {}, form_url="/")

    assert refused.status_code == 409 and "sent to another e-mail address" in text(refused)
    assert intruder.id not in organiser_ids(event)
    assert invitations(event)[0].is_pending


def test_a_withdrawn_invitation_link_no_longer_works(app, make_event, make_user, mailbox):
    event = make_event()
    organiser = as_organiser(app, event)
    add(organiser, event, "invited@example.org", "check_in_staff")
    link = link_in(mailbox.last_to("invited@example.org"))
    [invitation] = invitations(event)

    submit(organiser, f"{team_url(event)}/invitations/{invitation.id}/withdraw", {}, form_url=team_url(event))

    assert invitations(event)[0].withdrawn_at is not None
    assert "No invitation is waiting." in text(organiser.get(team_url(event)))
    person = make_user(email="invited@example.org")
    client = as_user(app, person)
    assert "withdrew this invitation" in text(client.get(link))
    refused = submit(client, link, {}, form_url="/")
    assert refused.status_code == 400 and "withdrew this invitation" in text(refused)
    assert staff_ids(event) == []


def test_an_expired_invitation_link_is_refused(app, make_event, make_user, mailbox):
    event = make_event()
    add(as_organiser(app, event), event, "invited@example.org", "check_in_staff")
    link = link_in(mailbox.last_to("invited@example.org"))
    client = as_user(app, make_user(email="invited@example.org"))

    app.config["TEAM_INVITATION_MAX_AGE"] = -1  # every link is too old
    expired = client.get(link)

    assert expired.status_code == 400 and "This invitation link has expired." in text(expired)
    assert "This invitation link has expired." in text(submit(client, link, {}, form_url="/"))
    assert staff_ids(event) == []


def test_sending_an_invitation_again_replaces_its_link(app, make_event, make_user, mailbox):
    event = make_event()
    organiser = as_organiser(app, event)
    add(organiser, event, "invited@example.org", "check_in_staff")
    old = link_in(mailbox.last_to("invited@example.org"))
    [invitation] = invitations(event)

    submit(organiser, f"{team_url(event)}/invitations/{invitation.id}/send-again", {}, form_url=team_url(event))

    new = link_in(mailbox.last_to("invited@example.org"))
    assert new != old and len(mailbox.to("invited@example.org")) == 2
    person = make_user(email="invited@example.org")
    client = as_user(app, person)
    assert "replaced by a newer one" in text(client.get(old))
    submit(client, new, {})
    assert staff_ids(event) == [person.id]


def test_an_admin_restores_an_organiser_on_any_event(app, make_event, make_user):
    event = make_event()
    first = event.organisers[0]
    second = make_user(email="second@example.org")
    client = as_organiser(app, event)
    add(client, event, second.email, "organiser")
    submit(client, remove_url(event, "organiser", first.id), {}, form_url=team_url(event))  # removed by a colleague
    assert organiser_ids(event) == [second.id]

    admin = as_user(app, make_user(is_admin=True))
    add(admin, event, first.email, "organiser")

    assert sorted(organiser_ids(event)) == sorted([first.id, second.id])


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [EventStatus.PUBLISHED, EventStatus.DRAFT])
def test_participants_staff_and_other_organisers_cannot_reach_the_team(
    app, make_event, make_user, make_session, mailbox, status
):
    event = make_event(status=status)
    make_session(event)
    organiser = as_organiser(app, event)
    add(organiser, event, "invited@example.org", "check_in_staff")
    [invitation] = invitations(event)
    helper = make_user()
    add(organiser, event, helper.email, "check_in_staff")
    expected = 403 if status is EventStatus.PUBLISHED else 404
    outsiders = {
        "participant": make_user(),
        "check-in staff": helper,
        "another event's organiser": make_event().organisers[0],
    }
    target = make_user()
    before = (organiser_ids(event), staff_ids(event), invitations(event)[0].sent_at, len(mailbox.messages))

    for who, person in outsiders.items():
        client = as_user(app, person)
        assert client.get(team_url(event)).status_code == expected, who
        posts = [
            (team_url(event), {"email": target.email, "role": "organiser"}),
            (remove_url(event, "organiser", event.organisers[0].id), {}),
            (remove_url(event, "check_in_staff", helper.id), {}),
            (f"{team_url(event)}/invitations/{invitation.id}/withdraw", {}),
            (f"{team_url(event)}/invitations/{invitation.id}/send-again", {}),
        ]
        for url, form in posts:
            assert submit(client, url, form, form_url="/").status_code == expected, (who, url)

    after = (organiser_ids(event), staff_ids(event), invitations(event)[0].sent_at, len(mailbox.messages))
    assert after == before


# --- the menu -------------------------------------------------------------------------------------


def has_manage_entry(client) -> bool:
    return 'href="/manage/events"' in text(client.get("/"))


def test_a_participant_sees_no_manage_entry_until_they_are_added_to_a_team(app, make_event, make_user):
    event = make_event()
    person = make_user()
    participant = as_user(app, person)
    assert not has_manage_entry(participant)
    assert participant.get("/manage/events").status_code == 403
    for language in ("zh", "en"):
        submit(participant, "/language", {"lang": language, "next": "/"}, form_url="/")
        assert not has_manage_entry(participant)

    add(as_organiser(app, event), event, person.email, "check_in_staff")

    assert has_manage_entry(participant)
    page = text(participant.get("/manage/events"))
    assert str(event.title) in page and f"/events/{event.slug}/check-in" in page
    assert f"/manage/events/{event.slug}/edit" not in page

    logout(participant)
    login(participant, make_user())
    assert not has_manage_entry(participant)  # the kept menu of the team is not another person's


def test_the_manage_entry_shows_for_each_kind_of_manager(app, make_event, make_user, make_session, make_speaker):
    event = make_event()
    session = make_session(event, title="Round table")
    rapporteur = make_user()
    make_speaker(event, sessions=[session], role=SpeakerRole.RAPPORTEUR, user=rapporteur)
    speaker = make_user()
    make_speaker(event, full_name="Only Speaking", sessions=[session], user=speaker)

    for person, sees in (
        (make_user(is_admin=True), True),
        (make_user(can_create_events=True), True),
        (event.organisers[0], True),
        (rapporteur, True),
        (speaker, False),
    ):
        client = as_user(app, person)
        assert has_manage_entry(client) is sees
        assert client.get("/manage/events").status_code == (200 if sees else 403)

    page = text(as_user(app, rapporteur).get("/manage/events"))
    assert "Round table" in page and f"/events/{event.slug}/sessions/{session.id}/summary" in page
