"""An event's privacy notice: organisers write it in both languages, starting from a default text;
each change is a new version that stays readable; every way to register shows it and asks for
consent, and the registration keeps the version agreed to and when; the public page shows the
current version of a published event only."""

import re
from datetime import UTC, datetime, timedelta

from workshop.accounts.models import User
from workshop.audit.models import AuditEntry
from workshop.events.models import EventStatus
from workshop.extensions import db
from workshop.privacy_notice import services as privacy_notice
from workshop.privacy_notice.models import PrivacyNotice
from workshop.registration import services
from workshop.registration.models import Registration
from workshop.timeutil import utc_to_local

from .conftest import PASSWORD, REGISTRATION_FORM, as_organiser, as_user, register, submit

PARTS = ("controller", "purposes", "recipients", "retention", "rights")


def notice_url(event) -> str:
    return f"/manage/events/{event.slug}/privacy"


def public_url(event) -> str:
    return f"/events/{event.slug}/privacy"


def written(tag: str, **changed) -> dict:
    """Every part of a notice in English and Chinese, each marked with ``tag``; ``changed`` replaces
    whole fields (``rights_en=""``)."""
    fields = {}
    for part in PARTS:
        fields[f"{part}-en"] = f"{part.capitalize()} in English, {tag}."
        fields[f"{part}-zh"] = f"{part}的中文说明，{tag}。"
    fields.update({name.replace("_", "-"): value for name, value in changed.items()})
    return fields


def save_notice(client, event, tag: str, **changed):
    return submit(client, notice_url(event), written(tag, **changed))


def versions_of(event) -> list[PrivacyNotice]:
    return db.session.scalars(
        db.select(PrivacyNotice).where(PrivacyNotice.event_id == event.id).order_by(PrivacyNotice.number)
    ).all()


def registration_of(event, email: str | None = None) -> Registration | None:
    statement = db.select(Registration).where(Registration.event_id == event.id)
    registrations = db.session.scalars(statement).all()
    if email is not None:
        registrations = [r for r in registrations if r.user.email == email]
    return registrations[0] if registrations else None


def audit_actions(event) -> list[str]:
    return db.session.scalars(
        db.select(AuditEntry.action).where(AuditEntry.event_id == event.id).order_by(AuditEntry.id)
    ).all()


def shown_version(client, event) -> str:
    """The version of the notice the registration form carries, as a browser sends it back."""
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    return re.search(r'name="privacy_notice" type="hidden" value="(\d*)"', page).group(1)


def register_as_shown(client, event, **fields):
    """Register as a browser does: agreeing to the version of the notice the form showed."""
    return register(client, event, privacy_notice=shown_version(client, event), **fields)


def visitor(email: str) -> dict:
    return {"email": email, "password": PASSWORD, "confirm": PASSWORD, "locale": "en"}


def event_with_notice(app, make_event, tag="first", **fields):
    event = make_event(**fields)
    assert save_notice(as_organiser(app, event), event, tag).status_code == 302
    return event


# --- writing the notice ------------------------------------------------------------------------


def test_an_organiser_starts_from_a_text_naming_the_event_its_contact_and_partners_in_both_languages(app, make_event):
    event = make_event(
        title={"en": "Social dialogue workshop", "zh": "社会对话研讨会"},
        contact_email="workshop@ilo.example",
        partners=[{"en": "Ministry of Human Resources", "zh": "人力资源和社会保障部"}],
    )

    page = as_organiser(app, event).get(notice_url(event)).get_data(as_text=True)

    assert 'data-testid="no-notice-yet"' in page
    assert "The organisers of “Social dialogue workshop”" in page and "workshop@ilo.example" in page
    assert "社会对话研讨会" in page and "人力资源和社会保障部" in page  # the Chinese boxes are filled too
    for part in PARTS:
        assert f'name="{part}-en"' in page and f'name="{part}-zh"' in page
    assert versions_of(event) == []  # nothing is saved by looking


def test_saving_makes_version_one_and_each_change_a_new_version_while_earlier_ones_stay_readable(app, make_event):
    event = make_event()
    organiser = as_organiser(app, event)

    first = save_notice(organiser, event, "first")
    again = save_notice(organiser, event, "first")
    second = save_notice(organiser, event, "second")

    assert first.status_code == again.status_code == second.status_code == 302
    versions = versions_of(event)
    assert [v.number for v in versions] == [1, 2]  # saving the same text again made no version
    assert versions[0].rights.get("en") == "Rights in English, first."
    assert versions[0].rights.get("zh") == "rights的中文说明，first。"
    assert versions[1].purposes.get("en") == "Purposes in English, second."
    assert versions[0].created_by_id == event.organisers[0].id and versions[0].created_at is not None

    page = organiser.get(notice_url(event)).get_data(as_text=True)
    assert "Participants now agree to version 2." in page
    assert len(re.findall(r'data-testid="notice-version"', page)) == 2
    assert "Purposes in English, second." in page

    old = organiser.get(f"{notice_url(event)}/versions/1").get_data(as_text=True)
    assert "Privacy notice, version 1" in old
    assert "Purposes in English, first." in old and "Purposes in English, second." not in old


# --- registering ------------------------------------------------------------------------------


def test_a_participant_reads_the_notice_on_the_form_and_the_registration_keeps_the_version_and_when(
    app, make_event, make_user
):
    event = event_with_notice(app, make_event)
    person = as_user(app, make_user())

    form = person.get(f"/events/{event.slug}/register").get_data(as_text=True)
    before = datetime.now(UTC) - timedelta(seconds=1)
    response = register_as_shown(person, event)

    assert 'data-testid="event-privacy-notice"' in form
    assert "Controller in English, first." in form and f'href="{public_url(event)}"' in form
    assert response.status_code == 302
    registration = registration_of(event)
    assert registration.privacy_notice.number == 1
    assert before <= registration.privacy_accepted_at <= datetime.now(UTC)


def test_a_visitor_who_registers_with_a_new_account_agrees_to_the_current_version(app, make_event):
    event = event_with_notice(app, make_event)

    response = register_as_shown(app.test_client(), event, **visitor("new.person@example.org"))

    assert response.status_code == 302
    assert registration_of(event, "new.person@example.org").privacy_notice.number == 1


def test_a_returning_participants_prefilled_form_still_shows_the_notice_and_asks_for_consent_afresh(
    app, make_event, make_user
):
    person = as_user(app, make_user())
    assert register_as_shown(person, make_event()).status_code == 302  # an event without its own notice
    event = event_with_notice(app, make_event)

    form = person.get(f"/events/{event.slug}/register").get_data(as_text=True)

    assert REGISTRATION_FORM["organisation"] in form  # filled in from the earlier registration
    assert 'data-testid="event-privacy-notice"' in form
    assert re.search(r'<input[^>]*name="privacy"[^>]*>', form) and "checked" not in re.search(
        r'<input[^>]*name="privacy"[^>]*>', form
    ).group(0)
    assert register_as_shown(person, event).status_code == 302
    assert registration_of(event).privacy_notice.number == 1


def test_a_later_version_does_not_change_what_earlier_registrations_agreed_to(app, make_event, make_user):
    event = event_with_notice(app, make_event)
    early = make_user()
    register_as_shown(as_user(app, early), event)
    save_notice(as_organiser(app, event), event, "second")
    late = make_user()
    register_as_shown(as_user(app, late), event)

    assert registration_of(event, early.email).privacy_notice.number == 1
    assert registration_of(event, late.email).privacy_notice.number == 2


def test_participants_see_on_their_registration_which_version_they_agreed_to_and_when(app, make_event, make_user):
    event = event_with_notice(app, make_event, timezone="Asia/Shanghai")
    person = as_user(app, make_user())
    register_as_shown(person, event)
    save_notice(as_organiser(app, event), event, "second")
    registration = registration_of(event)

    page = person.get(f"/registrations/{registration.id}").get_data(as_text=True)

    agreed = re.search(r'data-testid="privacy-agreed">(.*?)</p>', page, re.S).group(1)
    local = utc_to_local(registration.privacy_accepted_at, "Asia/Shanghai")  # the event's time
    assert "You agreed to version 1 of this event's privacy notice on" in agreed
    assert f"{local.hour % 12 or 12}:{local.minute:02d}" in agreed
    assert f'href="{public_url(event)}"' in agreed


def test_organisers_see_on_a_registration_which_version_was_agreed_to(app, make_event, make_user):
    event = event_with_notice(app, make_event)
    register_as_shown(as_user(app, make_user()), event)
    save_notice(as_organiser(app, event), event, "second")
    registration = registration_of(event)

    page = as_organiser(app, event).get(f"/manage/events/{event.slug}/registrations/{registration.id}")

    agreed = re.search(r'data-testid="privacy-agreed">(.*?)</dd>', page.get_data(as_text=True), re.S).group(1)
    assert "version 1" in agreed and f"{notice_url(event)}/versions/1" in agreed


def test_without_a_notice_of_its_own_an_event_asks_consent_to_the_sites_notice(app, make_event, make_user):
    event = make_event()
    person = as_user(app, make_user())

    form = person.get(f"/events/{event.slug}/register").get_data(as_text=True)
    public = app.test_client().get(public_url(event)).get_data(as_text=True)

    assert 'data-testid="event-privacy-notice"' not in form and 'href="/privacy"' in form
    assert 'data-testid="no-event-notice"' in public
    assert register_as_shown(person, event).status_code == 302
    registration = registration_of(event)
    assert registration.privacy_notice is None and registration.privacy_accepted_at is not None


# --- reading it -------------------------------------------------------------------------------


def test_the_event_page_links_to_its_notice_which_is_read_in_the_readers_language(app, make_event):
    event = event_with_notice(app, make_event)
    save_notice(as_organiser(app, event), event, "second", rights_zh="")
    visitor_client = app.test_client()

    event_page = visitor_client.get(f"/events/{event.slug}").get_data(as_text=True)
    english = visitor_client.get(public_url(event), headers={"Accept-Language": "en"}).get_data(as_text=True)
    chinese = visitor_client.get(public_url(event), headers={"Accept-Language": "zh"}).get_data(as_text=True)

    assert f'href="{public_url(event)}"' in event_page
    assert "Purposes in English, second." in english and "purposes的中文说明" not in english
    assert "purposes的中文说明，second。" in chinese and "Purposes in English" not in chinese
    assert "Rights in English, second." in chinese and "fallback-mark" in chinese  # not translated: said so


def test_a_part_of_the_notice_written_in_one_language_only_is_on_the_organisers_list_to_translate(app, make_event):
    event = event_with_notice(app, make_event)
    organiser = as_organiser(app, event)
    save_notice(organiser, event, "second", retention_zh="")

    page = organiser.get(f"/manage/events/{event.slug}/translations", headers={"Accept-Language": "en"})

    rows = re.findall(r"<tr>\s*<td>Privacy notice</td>(.*?)</tr>", page.get_data(as_text=True), re.S)
    assert len(rows) == 1  # the current version's one part without Chinese
    assert "Version 2" in rows[0] and "How long the data is kept" in rows[0] and "Chinese" in rows[0]
    assert f'href="{notice_url(event)}"' in rows[0]


# --- bad input --------------------------------------------------------------------------------


def test_a_registration_without_consent_is_refused_with_a_clear_message_and_nothing_is_saved(
    app, make_event, make_user
):
    event = event_with_notice(app, make_event)
    person = as_user(app, make_user())

    member = register_as_shown(person, event, privacy="")
    stranger = register_as_shown(app.test_client(), event, privacy="", **visitor("stranger@example.org"))

    for response in (member, stranger):
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Please agree to the privacy notice to register." in page
        assert REGISTRATION_FORM["organisation"] in page  # what was typed is kept
    assert registration_of(event) is None
    assert db.session.scalar(db.select(User).where(User.email == "stranger@example.org")) is None
    assert audit_actions(event).count("registration.refused_without_consent") == 2


def test_consent_to_a_version_replaced_meanwhile_is_refused_and_the_new_version_is_shown(app, make_event, make_user):
    event = event_with_notice(app, make_event)
    person = as_user(app, make_user())
    shown = shown_version(person, event)
    save_notice(as_organiser(app, event), event, "second")

    response = register(person, event, privacy_notice=shown)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The privacy notice of this event has just changed" in page
    assert "Controller in English, second." in page
    assert f'name="privacy_notice" type="hidden" value="{versions_of(event)[1].id}"' in page
    assert registration_of(event) is None
    assert "registration.refused_outdated_privacy_notice" in audit_actions(event)
    assert register_as_shown(person, event).status_code == 302  # read again, agreed again
    assert registration_of(event).privacy_notice.number == 2


def test_a_version_published_while_a_registration_waits_for_the_event_is_refused(
    app, make_event, make_user, monkeypatch
):
    """The form and the notice are checked before the event is locked; an organiser who publishes
    a new version in between is serialised with the registration by the lock, which sees it."""
    event = event_with_notice(app, make_event)
    person = as_user(app, make_user())
    shown = shown_version(person, event)
    organiser = event.organisers[0]
    waiting_for_the_lock = services.lock_for_registration

    def publish_then_lock(locked_event, user_id):
        privacy_notice.save(organiser, locked_event.id, {part: f"{part} changed" for part in PARTS})
        return waiting_for_the_lock(locked_event, user_id)

    monkeypatch.setattr(services, "lock_for_registration", publish_then_lock)
    response = register(person, event, privacy_notice=shown)

    assert response.status_code == 200
    assert "The privacy notice of this event has just changed" in response.get_data(as_text=True)
    assert registration_of(event) is None and len(versions_of(event)) == 2
    assert "registration.refused_outdated_privacy_notice" in audit_actions(event)


def test_a_notice_with_an_empty_part_is_refused_by_that_part_and_nothing_is_saved(app, make_event):
    event = event_with_notice(app, make_event)
    organiser = as_organiser(app, event)

    response = save_notice(organiser, event, "second", rights_en="  ", rights_zh="", controller_en="", controller_zh="")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Say how participants get a copy of their data or have it deleted." in page
    assert "Say who is responsible for the participants&#39; data and how to reach them." in page
    assert "Purposes in English, second." in page  # what was typed is kept
    assert [v.number for v in versions_of(event)] == [1]
    assert "privacy_notice.refused" in audit_actions(event)


# --- access -----------------------------------------------------------------------------------


def test_only_the_events_organisers_write_the_notice_and_read_its_versions(app, make_event, make_user):
    event = event_with_notice(app, make_event)
    participant = as_user(app, make_user())
    other_organiser = as_organiser(app, make_event())

    for client in (participant, other_organiser):
        assert client.get(notice_url(event)).status_code == 403
        assert client.get(f"{notice_url(event)}/versions/1").status_code == 403
        refused = submit(client, notice_url(event), written("intruder"), form_url="/")
        assert refused.status_code == 403
    assert app.test_client().get(notice_url(event)).status_code == 302  # to the log-in page
    assert [v.number for v in versions_of(event)] == [1]
    assert as_organiser(app, event).get(f"{notice_url(event)}/versions/2").status_code == 404


def test_the_public_page_shows_only_the_current_version(app, make_event):
    event = event_with_notice(app, make_event)
    save_notice(as_organiser(app, event), event, "second")

    page = app.test_client().get(public_url(event)).get_data(as_text=True)

    assert 'data-version="2"' in page and "Purposes in English, second." in page
    assert "first" not in page


def test_a_draft_events_notice_is_not_public(app, make_event, make_user):
    event = event_with_notice(app, make_event, status=EventStatus.DRAFT)

    assert app.test_client().get(public_url(event)).status_code == 404
    assert as_user(app, make_user()).get(public_url(event)).status_code == 404
    assert "Purposes in English, first." in as_organiser(app, event).get(public_url(event)).get_data(as_text=True)


def test_the_demo_workshop_has_a_notice_in_both_languages_that_its_registrations_agreed_to(app):
    from workshop.demo import load_demo

    load_demo()

    notices = db.session.scalars(db.select(PrivacyNotice)).all()
    assert len(notices) == 1 and notices[0].number == 1
    assert all(part.get("en") and part.get("zh") for part in notices[0].parts().values())
    agreed = db.session.scalars(db.select(Registration).where(Registration.event_id == notices[0].event_id)).all()
    assert agreed and all(registration.privacy_notice_id == notices[0].id for registration in agreed)
