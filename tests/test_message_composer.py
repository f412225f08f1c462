"""Writing to participants: recipients chosen by filters that combine, shown before sending;
placeholders filled for each person in their language; a preview; saved templates; the history
with each e-mail's delivery; Reply-To the event's contact address."""

import re

import pytest
from flask_babel import force_locale

from workshop.attendance import recording
from workshop.attendance.models import CertificateRule, Method, check_in_staff
from workshop.events.models import EventStatus, Series
from workshop.extensions import db
from workshop.feedback.models import EvaluationSubmission
from workshop.formatting import date_range_in_zone
from workshop.jobs.models import Job
from workshop.letters.models import LetterRequest, LetterStatus
from workshop.mail.delivery import build_message, record_failure
from workshop.mail.models import OutboxMessage
from workshop.messages.models import MessageTemplate, ParticipantMessage
from workshop.registration.models import OrganisationType
from workshop.registration.states import State
from workshop.translated import Translated

from .conftest import as_organiser, as_user, submit, text_part


def compose_url(event) -> str:
    return f"/manage/events/{event.slug}/messages/new"


def history_url(event) -> str:
    return f"/manage/events/{event.slug}/messages"


def post(client, event, action, form_url=None, **fields):
    """Send the compose form with ``action``; a message is sent after the organiser has looked at its
    recipients, as the page does (the form carries what they saw)."""
    fields.setdefault("states", ["confirmed"])
    if action == "send" and "recipients" not in fields:
        review = submit(client, compose_url(event), {"action": "review", **fields}, form_url=form_url)
        fields["recipients"] = fingerprint_in(review.get_data(as_text=True))
    return submit(client, compose_url(event), {"action": action, **fields}, form_url=form_url)


def fingerprint_in(page: str) -> str:
    found = re.search(r'name="recipients" type="hidden" value="([^"]*)"', page)
    return found.group(1) if found else ""


def shown(response) -> set[int]:
    """The registrations the page lists as recipients."""
    return {int(n) for n in re.findall(r'data-registration="(\d+)"', response.get_data(as_text=True))}


def count_shown(response) -> int:
    return int(re.search(r'data-count="(\d+)"', response.get_data(as_text=True)).group(1))


def messages_of(event) -> list[ParticipantMessage]:
    return db.session.scalars(db.select(ParticipantMessage).where(ParticipantMessage.event_id == event.id)).all()


def outbox_of(event) -> list[OutboxMessage]:
    return db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.event_id == event.id)).all()


def mark_present(event, registration, session=None):
    answer = recording.mark_present(event, registration, session, Method.ROSTER, event.organisers[0])
    assert answer.outcome is recording.Outcome.CHECKED_IN


def letter(registration, status):
    db.session.add(LetterRequest(registration_id=registration.id, status=status))
    db.session.commit()


HELLO = {"subject-en": "Hello {first_name}", "text-en": "See you at {event}."}


# --- recipients ------------------------------------------------------------------------------------


def test_the_filters_combine_and_the_recipients_are_listed_before_sending(app, make_event, add_registration):
    event = make_event()
    chosen = add_registration(event, full_name="Li Wei", country="CN", organisation_type=OrganisationType.GOVERNMENT)
    add_registration(event, full_name="Anna Berg", country="SE", organisation_type=OrganisationType.GOVERNMENT)
    add_registration(event, full_name="Wang Fang", country="CN", organisation_type=OrganisationType.WORKERS)
    add_registration(event, full_name="Zhao Min", country="CN", state=State.PENDING)
    client = as_organiser(app, event)

    first = client.get(compose_url(event))
    combined = post(client, event, "review", country="CN", organisation_type="government")

    assert count_shown(first) == 3  # confirmed, the state ticked at first
    assert shown(combined) == {chosen.id} and count_shown(combined) == 1
    assert "Li Wei" in combined.get_data(as_text=True) and "Anna Berg" not in combined.get_data(as_text=True)
    assert "Send to 1 people" in combined.get_data(as_text=True)


def test_attendance_certificate_visa_letter_and_evaluation_choose_the_people_they_say(
    app, make_event, add_registration, make_session
):
    event = make_event(starts_in_days=-1)
    session = make_session(event, "Opening", start=event.starts_at, minutes=60)
    present = add_registration(event, full_name="Present Person", visa_letter_needed=True)
    absent = add_registration(event, full_name="Absent Person")
    approved = add_registration(event, full_name="Approved Person", visa_letter_needed=True)
    mark_present(event, present, session)
    mark_present(event, approved)  # arrival only: present, but at no session
    letter(approved, LetterStatus.APPROVED)
    db.session.add(CertificateRule(event_id=event.id, min_percent=100))
    db.session.add(EvaluationSubmission(event_id=event.id, registration_id=present.id))
    db.session.commit()
    client = as_organiser(app, event)

    assert shown(post(client, event, "review", attendance="attended")) == {present.id, approved.id}
    assert shown(post(client, event, "review", attendance="never")) == {absent.id}
    assert shown(post(client, event, "review", certificate="eligible")) == {present.id}
    assert shown(post(client, event, "review", certificate="not_eligible")) == {absent.id, approved.id}
    assert shown(post(client, event, "review", visa_letter="requested")) == {present.id}
    assert shown(post(client, event, "review", visa_letter="approved")) == {approved.id}
    assert shown(post(client, event, "review", visa_letter="none")) == {absent.id}
    assert shown(post(client, event, "review", evaluation_unanswered="y")) == {absent.id, approved.id}
    assert shown(post(client, event, "review", attendance="attended", evaluation_unanswered="y")) == {approved.id}


def test_the_rows_ticked_in_the_list_of_registrations_are_the_recipients(app, make_event, add_registration):
    event = make_event()
    ticked = [add_registration(event), add_registration(event, state=State.PENDING)]
    add_registration(event)
    add_registration(event, state=State.CANCELLED)
    client = as_organiser(app, event)
    listing = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)

    page = submit(
        client,
        compose_url(event),
        {"action": "from_list", "ids": [str(r.id) for r in ticked], "subject-en": "Typed in the list"},
        form_url=f"/manage/events/{event.slug}/registrations",
    )
    everybody = post(client, event, "review", ids=[str(r.id) for r in ticked], states=[])

    assert f'formaction="{compose_url(event)}" name="action" value="from_list"' in listing
    assert shown(page) == {r.id for r in ticked}
    assert "Typed in the list" in page.get_data(as_text=True)
    none_ticked = submit(
        client,
        compose_url(event),
        {"action": "from_list"},
        form_url=f"/manage/events/{event.slug}/registrations",
    )
    assert count_shown(everybody) == 4  # the box "only the ticked" left unticked, every state
    assert count_shown(none_ticked) == 2  # nothing ticked: the confirmed, as the page starts


# --- placeholders and sending ----------------------------------------------------------------------


def test_each_person_gets_the_placeholders_filled_in_their_language(app, make_event, add_registration, mailbox):
    event = make_event(title={"en": "Skills for green jobs", "zh": "绿色就业技能"}, contact_email="team@ilo.test")
    chen = add_registration(event, full_name="Chen Jing", email="chen@example.org", locale="zh")
    john = add_registration(event, full_name="John Smith", email="john@example.org", locale="en")
    add_registration(event, full_name="Not Chosen", email="pending@example.org", state=State.PENDING)
    client = as_organiser(app, event)

    sent = post(
        client,
        event,
        "send",
        form_url=compose_url(event),
        **{
            "subject-en": "{first_name}, your place at {event}",
            "subject-zh": "{full_name}：{event}",
            "text-en": "Dates: {event_dates}. State: {registration_state}. Yours: {registration_link} {{braces}}",
            "text-zh": "日期：{event_dates}。状态：{registration_state}。链接：{registration_link}",
        },
    )

    assert sent.status_code == 302 and "/jobs/" in sent.headers["Location"]
    to_john, to_chen = mailbox.last_to("john@example.org"), mailbox.last_to("chen@example.org")
    assert to_john["Subject"] == "John, your place at Skills for green jobs"
    assert to_chen["Subject"] == "Chen Jing：绿色就业技能"
    with app.test_request_context(), force_locale("en"):
        english_dates = date_range_in_zone(event.starts_at, event.ends_at, event.timezone)
    with app.test_request_context(), force_locale("zh"):
        chinese_dates = date_range_in_zone(event.starts_at, event.ends_at, event.timezone)
    assert f"Dates: {english_dates}. State: Confirmed." in text_part(to_john)
    assert f"/registrations/{john.id} {{braces}}" in text_part(to_john)
    assert f"日期：{chinese_dates}。状态：已确认。" in text_part(to_chen)
    assert f"/registrations/{chen.id}" in text_part(to_chen) and "{" not in text_part(to_chen)
    assert mailbox.to("pending@example.org") == []
    assert to_john["Reply-To"] == to_chen["Reply-To"] == "team@ilo.test"


def test_the_placeholders_are_listed_beside_the_form(app, make_event):
    event = make_event()
    page = as_organiser(app, event).get(compose_url(event)).get_data(as_text=True)
    listed = page[page.index('data-testid="placeholders"') :]
    for name in ("first_name", "last_name", "full_name", "event", "event_dates", "venue", "registration_link"):
        assert f"<code>{{{name}}}</code>" in listed
    assert "<code>{registration_state}</code>" in listed


def test_the_preview_shows_one_recipients_email_in_their_language_and_sends_nothing(
    app, make_event, add_registration, mailbox
):
    event = make_event(title={"en": "Green jobs", "zh": "绿色就业"}, venue={"en": "Palais", "zh": "万国宫"})
    add_registration(event, full_name="John Smith", locale="en")
    chen = add_registration(event, full_name="Chen Jing", native_name="陈静", locale="zh")
    client = as_organiser(app, event)

    response = post(
        client,
        event,
        "preview",
        preview_for=str(chen.id),
        **{"subject-en": "At {venue}", "subject-zh": "地点：{venue}", "text-en": "Hi", "text-zh": "{event}见"},
    )
    page = response.get_data(as_text=True)

    preview = page[page.index('data-testid="preview"') :]
    assert "地点：万国宫" in preview and "绿色就业见" in preview and "尊敬的 陈静（Chen Jing）" in preview
    assert "At Palais" not in preview
    not_chosen = post(client, event, "preview", country="CN", preview_for=str(chen.id), **HELLO).get_data(as_text=True)
    assert "Choose one of the recipients." in not_chosen and 'data-testid="preview"' not in not_chosen
    assert mailbox.messages == [] and messages_of(event) == [] and outbox_of(event) == []


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        (
            {"subject-en": "Hi", "text-en": "Dear {frist_name},"},
            "text",
            "The English text has a placeholder that does not exist: {frist_name}.",
        ),
        (
            {"subject-zh": "你好 {first_name", "text-en": "Hello"},
            "subject",
            "The Chinese text has a brace that does not open or close a placeholder.",
        ),
        (
            {"subject-en": "Hi", "text-en": "Dear {{first_name}},"},
            "text",
            "a placeholder takes one brace on each side, {first_name}.",
        ),
        ({"subject-en": " ", "subject-zh": "", "text-en": "Hello"}, "subject", "Write a subject."),
        ({"subject-en": "Hi", "text-en": "\n", "text-zh": " "}, "text", "Write the message."),
    ],
)
def test_a_message_that_is_not_right_is_refused_by_its_field_and_nothing_is_sent(
    app, make_event, add_registration, mailbox, fields, field_id, message
):
    event = make_event()
    add_registration(event)
    client = as_organiser(app, event)

    for action in ("send", "preview", "save_template"):
        page = post(client, event, action, template_name="Welcome", **fields).get_data(as_text=True)
        errors = page[page.index(f'id="{field_id}-error"') :][:600]
        assert message in errors.replace("&#34;", '"').replace("&#39;", "'"), action
        for typed in fields.values():
            if typed.strip():
                assert typed.replace("{", "").strip() in page.replace("{", "")  # what was typed stays
    assert mailbox.messages == [] and messages_of(event) == [] and outbox_of(event) == []
    assert db.session.scalars(db.select(MessageTemplate)).all() == []


def test_sending_the_same_message_twice_in_a_row_sends_it_once(app, make_event, add_registration):
    event = make_event()
    add_registration(event)
    client = as_organiser(app, event)
    review = submit(client, compose_url(event), {"action": "review", "states": ["confirmed"], **HELLO})
    sent = {"action": "send", "states": ["confirmed"], "recipients": fingerprint_in(review.get_data(as_text=True))}

    first = submit(client, compose_url(event), sent | HELLO)
    second = submit(client, compose_url(event), sent | HELLO)  # a double click, or Back and Send again
    another = post(client, event, "send", **{**HELLO, "text-en": "One more thing."})

    assert first.status_code == 302 and "sent to these people a moment ago" in second.get_data(as_text=True)
    assert another.status_code == 302
    assert len(messages_of(event)) == 2 and len(db.session.scalars(db.select(Job)).all()) == 2


def test_a_message_whose_filters_match_nobody_is_not_sent(app, make_event, add_registration, mailbox):
    event = make_event()
    add_registration(event, country="GB")
    client = as_organiser(app, event)

    page = post(client, event, "send", country="CN", **HELLO).get_data(as_text=True)

    errors = page[page.index('id="recipients-error"') :][:300]
    assert "Nobody matches these filters" in errors
    assert "Hello {first_name}" in page
    assert mailbox.messages == [] and messages_of(event) == [] and db.session.scalars(db.select(Job)).all() == []


def test_recipients_that_changed_since_the_organiser_looked_are_shown_again_before_anything_is_sent(
    app, make_event, add_registration, mailbox
):
    event = make_event()
    add_registration(event, country="GB")
    client = as_organiser(app, event)
    seen = fingerprint_in(client.get(compose_url(event)).get_data(as_text=True))
    add_registration(event, country="GB")  # registers meanwhile

    page = post(client, event, "send", recipients=seen, **HELLO)
    again = post(client, event, "send", recipients=fingerprint_in(page.get_data(as_text=True)), **HELLO)

    assert "The recipients changed with the filters" in page.get_data(as_text=True) and count_shown(page) == 2
    assert again.status_code == 302 and len(mailbox.messages) == 2


# --- templates ---------------------------------------------------------------------------------------


def test_an_organiser_saves_loads_replaces_and_deletes_a_template(app, make_event, add_registration):
    event = make_event()
    add_registration(event)
    client = as_organiser(app, event)
    words = {"subject-en": "Welcome {first_name}", "subject-zh": "欢迎", "text-en": "See you.", "text-zh": "再见。"}

    saved = post(client, event, "save_template", template_name="Welcome", **words)
    post(client, event, "save_template", template_name="Welcome", **{**words, "text-en": "See you soon."})
    template = db.session.scalar(db.select(MessageTemplate).where(MessageTemplate.event_id == event.id))
    loaded = client.get(f"{compose_url(event)}?template={template.id}").get_data(as_text=True)
    deleted = submit(
        client, f"/manage/events/{event.slug}/messages/templates/{template.id}/delete", {}, form_url=compose_url(event)
    )

    assert "is saved" in saved.get_data(as_text=True)
    assert "Welcome {first_name}" in loaded and "欢迎" in loaded and "See you soon." in loaded
    assert deleted.status_code == 302
    assert db.session.scalars(db.select(MessageTemplate)).all() == []


def test_a_template_of_another_event_cannot_be_loaded_or_deleted(app, make_event):
    event, other = make_event(), make_event()
    client = as_organiser(app, other)
    post(client, other, "save_template", template_name="Ours", **HELLO)
    template = db.session.scalar(db.select(MessageTemplate))
    mine = as_organiser(app, event)

    loaded = mine.get(f"{compose_url(event)}?template={template.id}")
    deleted = submit(
        mine, f"/manage/events/{event.slug}/messages/templates/{template.id}/delete", {}, form_url=compose_url(event)
    )

    assert loaded.status_code == deleted.status_code == 404
    assert db.session.scalars(db.select(MessageTemplate)).all() != []


def test_a_template_saved_for_the_series_is_offered_in_each_of_its_events_and_nowhere_else(app, make_event):
    series = Series(slug="labour-inspection", title=Translated({"en": "Labour inspection trainings"}))
    db.session.add(series)
    db.session.flush()
    first, second, outside = make_event(), make_event(), make_event()
    first.series_id = second.series_id = series.id
    db.session.commit()
    client = as_organiser(app, first)

    saved = post(client, first, "save_template", template_name="Joining details", template_for_series="y", **HELLO)
    template = db.session.scalar(db.select(MessageTemplate))
    in_second = as_organiser(app, second).get(f"{compose_url(second)}?template={template.id}")
    from_outside = as_organiser(app, outside).get(f"{compose_url(outside)}?template={template.id}")

    assert "is saved" in saved.get_data(as_text=True)
    assert (template.series_id, template.event_id) == (series.id, None)
    assert in_second.status_code == 200 and 'data-testid="series-template"' in in_second.get_data(as_text=True)
    assert from_outside.status_code == 404
    assert "Joining details" not in as_organiser(app, outside).get(compose_url(outside)).get_data(as_text=True)


def test_a_series_template_for_an_event_in_no_series_is_refused_and_nothing_is_saved(app, make_event):
    event = make_event()
    client = as_organiser(app, event)

    response = post(client, event, "save_template", template_name="Joining", template_for_series="y", **HELLO)

    assert "This event is in no series." in response.get_data(as_text=True)
    assert db.session.scalars(db.select(MessageTemplate)).all() == []


# --- history -----------------------------------------------------------------------------------------


def test_the_history_says_what_was_sent_by_whom_to_whom_and_how_each_email_fared(
    app, make_event, add_registration, mailbox
):
    event = make_event()
    add_registration(event, full_name="John Smith", email="john@example.org", country="GB")
    refused = add_registration(event, full_name="Anna Berg", email="anna@example.org", country="GB")
    add_registration(event, full_name="Li Wei", email="li@example.org", country="CN")
    client = as_organiser(app, event)
    post(client, event, "send", country="GB", **HELLO)
    bounced = next(m for m in outbox_of(event) if m.recipient == refused.email)
    record_failure(bounced.id, "550 5.1.1 No such user here")

    listing = client.get(history_url(event)).get_data(as_text=True)
    message = messages_of(event)[0]
    detail = client.get(f"{history_url(event)}/{message.id}").get_data(as_text=True)

    row = listing[listing.index(f'data-message="{message.id}"') :]
    assert "Hello {first_name}" in row and event.organisers[0].full_name in row
    assert "Country: United Kingdom" in row and "State: Confirmed" in row
    assert re.search(r"<td>2</td>", row)
    assert 'data-recipient="john@example.org" data-state="sent"' in detail
    assert 'data-recipient="anna@example.org" data-state="failed"' in detail and "550 5.1.1 No such user here" in detail
    assert "li@example.org" not in detail


def test_an_email_the_worker_has_not_sent_yet_reads_waiting_in_the_history(
    app, make_event, add_registration, worker_queue
):
    event = make_event()
    add_registration(event, email="waiting@example.org")
    client = as_organiser(app, event)
    post(client, event, "send", **HELLO)
    detail_url = f"{history_url(event)}/{messages_of(event)[0].id}"
    before = client.get(detail_url).get_data(as_text=True)

    db.session.commit()
    worker_queue.execute(worker_queue.dequeue())  # the job writes the e-mails; the mail server is not reached yet
    waiting = client.get(detail_url).get_data(as_text=True)

    assert "No e-mail has been written yet." in before
    assert 'data-recipient="waiting@example.org" data-state="queued"' in waiting and "Waiting to be sent" in waiting


# --- Reply-To ----------------------------------------------------------------------------------------


def test_every_email_about_an_event_replies_to_its_contact_address(app, make_event):
    with_contact, without = make_event(contact_email="team@ilo.test"), make_event(contact_email="")

    def rendered(event_id):
        message = OutboxMessage(
            event_id=event_id, recipient="x@example.org", subject="S", text="t", html="<p>t</p>", message_id="<a@b>"
        )
        message.created_at = with_contact.created_at
        return build_message(message)

    assert rendered(with_contact.id)["Reply-To"] == "team@ilo.test"
    assert rendered(without.id)["Reply-To"] is None
    assert rendered(None)["Reply-To"] is None  # an account's e-mail, about no event


# --- access ------------------------------------------------------------------------------------------


def test_participants_check_in_staff_and_other_organisers_cannot_reach_the_messages(
    app, make_event, add_registration, make_user, mailbox
):
    event = make_event()
    registration = add_registration(event)
    organiser = as_organiser(app, event)
    post(organiser, event, "save_template", template_name="Ours", **HELLO)
    post(organiser, event, "send", **HELLO)
    template = db.session.scalar(db.select(MessageTemplate))
    message = messages_of(event)[0]
    mailbox.messages.clear()
    staff = make_user()
    db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=staff.id))
    db.session.commit()
    other_event = make_event()

    for user in (registration.user, staff, other_event.organisers[0]):
        client = as_user(app, user)
        home = f"/events/{event.slug}"
        assert client.get(compose_url(event)).status_code == 403
        assert client.get(f"{compose_url(event)}?template={template.id}").status_code == 403
        assert (
            post(client, event, "preview", form_url=home, preview_for=str(registration.id), **HELLO).status_code == 403
        )
        assert post(client, event, "send", form_url=home, **HELLO).status_code == 403
        assert post(client, event, "save_template", form_url=home, template_name="Theirs", **HELLO).status_code == 403
        delete = f"/manage/events/{event.slug}/messages/templates/{template.id}/delete"
        assert submit(client, delete, {}, form_url=home).status_code == 403
        assert client.get(history_url(event)).status_code == 403
        assert client.get(f"{history_url(event)}/{message.id}").status_code == 403
    assert mailbox.messages == [] and len(messages_of(event)) == 1
    assert [t.name for t in db.session.scalars(db.select(MessageTemplate))] == ["Ours"]


def test_the_messages_of_a_draft_are_not_found_by_anyone_but_its_organisers(app, make_event, make_user):
    event = make_event(status=EventStatus.DRAFT)
    stranger = as_user(app, make_user())
    assert stranger.get(compose_url(event)).status_code == 404
    assert stranger.get(history_url(event)).status_code == 404
    assert as_organiser(app, event).get(compose_url(event)).status_code == 200


def test_a_message_of_another_event_is_not_found_from_this_one(app, make_event, add_registration):
    event, other = make_event(), make_event()
    add_registration(other)
    post(as_organiser(app, other), other, "send", **HELLO)
    theirs = messages_of(other)[0]
    assert as_organiser(app, event).get(f"{history_url(event)}/{theirs.id}").status_code == 404


def test_a_message_sent_from_the_list_of_registrations_is_in_the_history(app, make_event, add_registration, mailbox):
    event = make_event()
    ticked = add_registration(event, email="ticked@example.org")
    add_registration(event, email="other@example.org")
    client = as_organiser(app, event)

    submit(
        client,
        f"/manage/events/{event.slug}/registrations",
        {"action": "message", "ids": [str(ticked.id)], "subject-en": "Dear {full_name}", "text-en": "Hello."},
    )

    listing = client.get(history_url(event)).get_data(as_text=True)
    assert mailbox.last_to("ticked@example.org")["Subject"] == f"Dear {ticked.full_name}"
    assert mailbox.to("other@example.org") == []
    assert "Dear {full_name}" in listing and "Ticked in the list: 1" in listing
