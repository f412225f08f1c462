"""The organisers' message to participants, written in English and Chinese side by side: each
participant reads it in their language, else in the one it is written in."""

from workshop.extensions import db
from workshop.jobs.models import Job

from .conftest import html_part, login, submit, text_part


def list_url(event) -> str:
    return f"/manage/events/{event.slug}/registrations"


def send(client, event, registrations, form_url=None, **fields):
    data = {"action": "message", "ids": [str(r.id) for r in registrations], **fields}
    return submit(client, list_url(event), data, form_url=form_url)


def as_organiser(app, event):
    client = app.test_client()
    login(client, event.organisers[0])
    return client


def jobs_of(event) -> list[Job]:
    return db.session.scalars(db.select(Job).where(Job.event_id == event.id)).all()


def test_the_form_has_a_box_for_each_language(app, make_event, add_registration):
    event = make_event()
    add_registration(event)
    page = as_organiser(app, event).get(list_url(event)).get_data(as_text=True)
    for name in ("subject-en", "subject-zh", "text-en", "text-zh"):
        assert f'name="{name}"' in page
    assert 'lang="zh"' in page


def test_each_participant_reads_the_message_in_their_language(app, make_event, add_registration, mailbox):
    event = make_event(title="Skills for green jobs")
    chinese = add_registration(event, full_name="Chen Jing", native_name="陈静", email="chen@example.org", locale="zh")
    english = add_registration(event, full_name="John Smith", email="john@example.org", locale="en")

    send(
        as_organiser(app, event),
        event,
        [chinese, english],
        **{
            "subject-en": "Visa letters",
            "subject-zh": "签证邀请函",
            "text-en": "The letters are ready.",
            "text-zh": "邀请函已准备好。",
        },
    )

    to_chen, to_john = mailbox.last_to("chen@example.org"), mailbox.last_to("john@example.org")
    assert to_chen["Subject"] == "签证邀请函" and to_john["Subject"] == "Visa letters"
    assert "尊敬的" in text_part(to_chen) and "邀请函已准备好。" in text_part(to_chen)
    assert "The letters are ready." not in text_part(to_chen) + html_part(to_chen)
    assert "Dear John Smith," in text_part(to_john) and "The letters are ready." in text_part(to_john)
    assert "邀请函" not in text_part(to_john) + html_part(to_john) + to_john["Subject"]


def test_a_message_written_in_one_language_reaches_everyone_in_it(app, make_event, add_registration, mailbox):
    event = make_event()
    chinese = add_registration(event, email="chen@example.org", locale="zh")
    english = add_registration(event, email="john@example.org", locale="en")
    client = as_organiser(app, event)

    send(client, event, [chinese, english], **{"subject-en": "Bring your passport", "text-en": "Please bring it."})
    send(client, event, [chinese, english], **{"subject-zh": "会议通知", "text-zh": "请携带护照。"})

    to_chen, to_john = mailbox.to("chen@example.org"), mailbox.to("john@example.org")
    assert [m["Subject"] for m in to_chen] == [m["Subject"] for m in to_john] == ["Bring your passport", "会议通知"]
    assert "尊敬的" in text_part(to_chen[0]) and "Please bring it." in text_part(to_chen[0])
    assert 'lang="en"' in html_part(to_chen[0])  # read out in English by a Chinese screen reader
    assert "Dear" in text_part(to_john[1]) and "请携带护照。" in text_part(to_john[1])
    assert 'lang="zh"' in html_part(to_john[1])


def test_a_message_without_subject_or_text_in_any_language_is_not_sent(app, make_event, add_registration, mailbox):
    event = make_event()
    chosen = add_registration(event)
    client = as_organiser(app, event)

    no_subject = send(client, event, [chosen], **{"subject-en": " ", "subject-zh": "", "text-zh": "请携带护照。"})
    no_text = send(client, event, [chosen], **{"subject-en": "Passport", "text-en": "  ", "text-zh": "\n"})
    too_long = send(client, event, [chosen], **{"subject-zh": "通" * 201, "text-en": "Hello"})

    assert "Write a subject." in no_subject.get_data(as_text=True)
    assert "请携带护照。" in no_subject.get_data(as_text=True)  # what was typed stays
    assert "Write the message." in no_text.get_data(as_text=True)
    assert "The Chinese text is longer than 200 characters." in too_long.get_data(as_text=True)
    assert mailbox.messages == [] and jobs_of(event) == []


def test_a_participant_or_another_events_organiser_cannot_send_a_message(
    app, make_event, add_registration, make_user, mailbox
):
    event = make_event()
    chosen = add_registration(event, email="chosen@example.org")
    fields = {"subject-en": "Hello", "text-en": "A message.", "subject-zh": "你好", "text-zh": "一条消息。"}

    participant = app.test_client()
    login(participant, make_user())
    refused = send(participant, event, [chosen], form_url=f"/events/{event.slug}", **fields)

    other = make_event()
    other_organiser = as_organiser(app, other)
    not_theirs = send(other_organiser, event, [chosen], form_url=list_url(other), **fields)
    mixed_in = send(other_organiser, other, [chosen], **fields)  # a registration of another event, in their list

    assert refused.status_code == 403 and not_theirs.status_code == 403
    assert "Choose at least one registration." in mixed_in.get_data(as_text=True)
    assert mailbox.messages == [] and jobs_of(event) == jobs_of(other) == []
