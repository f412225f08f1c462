"""Organisers manage the registrations of their event: the list, decisions one by one or many
at once, e-mails to participants, a registration's full page, and who may see any of it."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import event as sa_event

from workshop.events.models import EventStatus
from workshop.extensions import db
from workshop.registration import services
from workshop.registration.models import OrganisationType, QuestionKind, Registration, Sex
from workshop.registration.states import State

from .conftest import login, register, submit, text_part
from .test_events import EVENT_FORM


def list_url(event, **params) -> str:
    url = f"/manage/events/{event.slug}/registrations"
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def page_url(event, registration) -> str:
    return f"/manage/events/{event.slug}/registrations/{registration.id}"


def act(client, event, action, registrations, **fields):
    """Tick ``registrations`` in the list and press the button of ``action``."""
    query = fields.pop("query", {})
    data = {"action": action, "ids": [str(r.id) for r in registrations], **fields}
    return submit(client, list_url(event, **query), data)


def state_of(registration) -> State:
    return db.session.get(Registration, registration.id).state


def names_listed(page: str) -> list[str]:
    return re.findall(r'/registrations/\d+">([^<]+)</a>', page)


def as_organiser(app, event):
    client = app.test_client()
    login(client, event.organisers[0])
    return client


# --- the list -----------------------------------------------------------------------


def test_the_list_shows_the_counts_per_state_and_each_registration(app, make_event, add_registration):
    event = make_event(title="Social dialogue workshop")
    add_registration(
        event, State.CONFIRMED, full_name="Li Wei", native_name="李伟", organisation="MOHRSS", country="CN"
    )
    add_registration(event, State.CONFIRMED)
    add_registration(event, State.PENDING)
    waiting = add_registration(event, State.WAITLISTED, full_name="Anna Schmidt")
    add_registration(event, State.CANCELLED)
    client = as_organiser(app, event)

    page = client.get(list_url(event)).get_data(as_text=True)

    counts = dict(re.findall(r'data-state="(\w+)"[^>]*>[^<]+<span class="badge text-bg-light">(\d+)</span>', page))
    assert counts == {"pending": "1", "confirmed": "2", "waitlisted": "1", "rejected": "0", "cancelled": "1"}
    assert f'href="{list_url(event, state="rejected")}"' in page  # every state is a filter link, even an empty one
    assert "李伟" in page and "Li Wei" in page and "MOHRSS" in page and "China" in page
    assert "On the waiting list · number 1" in page
    assert f'name="ids" value="{waiting.id}"' in page


def test_the_list_shows_an_edit_of_the_events_title_and_places_and_a_new_registration_at_once(
    app, make_event, make_user, add_registration
):
    event = make_event(title="Social dialogue workshop", capacity=40)
    add_registration(event, State.CONFIRMED, full_name="Li Wei")
    client = as_organiser(app, event)
    before = client.get(list_url(event)).get_data(as_text=True)
    assert "Places: 40; confirmed: 1." in before and "Social dialogue workshop" in before

    form = EVENT_FORM | {"title": "Labour inspection workshop", "capacity": "25", "status": "published"}
    submit(client, f"/manage/events/{event.slug}/edit", form)
    edited = client.get(list_url(event)).get_data(as_text=True)
    add_registration(event, State.CONFIRMED, full_name="Zhang Min")
    registered = client.get(list_url(event)).get_data(as_text=True)

    assert "Places: 25; confirmed: 1." in edited and "Labour inspection workshop" in edited
    assert "Social dialogue workshop" not in edited
    assert "Places: 25; confirmed: 2." in registered and "Zhang Min" in names_listed(registered)
    tokens = set(re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', registered))
    assert len(tokens) == 1 and "\x00" not in registered  # the list's form and the log-out button: this session's


def test_each_organiser_gets_the_kept_list_with_the_form_token_of_their_own_session(
    app, make_event, make_user, add_registration
):
    event = make_event()
    pending = add_registration(event, State.PENDING, full_name="Li Wei")
    colleague = make_user(full_name="Claire Dubois")
    event.organisers.append(colleague)
    db.session.commit()
    first, second = as_organiser(app, event), app.test_client()
    login(second, colleague)
    form_token = re.compile(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"')

    mine = form_token.search(first.get(list_url(event)).get_data(as_text=True)).group(1)
    theirs = form_token.search(second.get(list_url(event)).get_data(as_text=True)).group(1)  # the same kept page
    approved = second.post(list_url(event), data={"csrf_token": theirs, "action": "approve", "ids": [str(pending.id)]})

    assert mine != theirs
    assert approved.status_code == 302 and state_of(pending) is State.CONFIRMED


def test_the_list_filters_by_state_country_organisation_type_and_sex(app, make_event, add_registration):
    event = make_event()
    add_registration(event, State.PENDING, full_name="Pending Government China", country="CN")
    add_registration(
        event,
        State.CONFIRMED,
        full_name="Confirmed Workers Kenya",
        country="KE",
        organisation_type=OrganisationType.WORKERS,
    )
    add_registration(
        event,
        State.CONFIRMED,
        full_name="Confirmed Employers China",
        country="CN",
        organisation_type=OrganisationType.EMPLOYERS,
        sex=Sex.MALE,
    )
    client = as_organiser(app, event)

    def listed(**params):
        return sorted(names_listed(client.get(list_url(event, **params)).get_data(as_text=True)))

    assert listed(state="pending") == ["Pending Government China"]
    assert listed(country="CN") == ["Confirmed Employers China", "Pending Government China"]
    assert listed(organisation_type="workers") == ["Confirmed Workers Kenya"]
    assert listed(sex="male") == ["Confirmed Employers China"]
    assert listed(state="confirmed", country="CN") == ["Confirmed Employers China"]
    assert len(listed(state="nonsense", sex="?")) == 3  # a value that is not ours is ignored
    assert "No registration matches." in client.get(list_url(event, state="rejected")).get_data(as_text=True)


def test_the_search_finds_chinese_names_organisations_and_e_mails_in_any_case(app, make_event, add_registration):
    event = make_event()
    add_registration(
        event,
        full_name="Zhang Wei",
        native_name="张伟",
        organisation="All-China Federation of Trade Unions",
        email="zhang.wei@acftu.example.org",
    )
    add_registration(
        event, full_name="Maria Rossi", organisation="Università di Bologna", email="m.rossi@unibo.example.org"
    )
    add_registration(event, full_name="Percent 100%_", organisation="Other")
    client = as_organiser(app, event)

    def found(q):
        return names_listed(client.get(list_url(event, q=q)).get_data(as_text=True))

    assert found("张伟") == ["Zhang Wei"]
    assert found("张") == ["Zhang Wei"]
    assert found("zhang") == ["Zhang Wei"]
    assert found("ZHANG.WEI@ACFTU") == ["Zhang Wei"]
    assert found("trade unions") == ["Zhang Wei"]
    assert found("unibo.example") == ["Maria Rossi"]
    assert found("%") == ["Percent 100%_"]  # LIKE wildcards are searched as typed
    assert found("_") == ["Percent 100%_"]
    assert found("nobody") == []


def test_the_list_has_pages_of_50_and_the_links_keep_the_filters(app, make_event, add_registration):
    event = make_event()
    start = datetime(2030, 1, 1, tzinfo=UTC)
    for i in range(52):
        add_registration(
            event, State.CONFIRMED, full_name=f"Person {i:03d}", country="FR", created_at=start + timedelta(minutes=i)
        )
    add_registration(event, State.CONFIRMED, full_name="Not in France", country="DE")
    client = as_organiser(app, event)

    first = client.get(list_url(event, country="FR")).get_data(as_text=True)
    second = client.get(list_url(event, country="FR", page=2)).get_data(as_text=True)

    assert names_listed(first) == [f"Person {i:03d}" for i in range(50)]
    assert names_listed(second) == ["Person 050", "Person 051"]
    assert "Matching registrations: 52." in first
    assert "Page 1 of 2" in first
    assert f'href="/manage/events/{event.slug}/registrations?page=2&amp;country=FR"' in first
    assert names_listed(client.get(list_url(event, country="FR", page=99)).get_data(as_text=True)) == []


def count_queries(action) -> int:
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_the_number_of_queries_does_not_grow_with_the_rows_shown(app, make_event, add_registration):
    event = make_event(capacity=2)
    for state in (State.CONFIRMED, State.WAITLISTED, State.PENDING):
        add_registration(event, state)
    client = as_organiser(app, event)
    client.get(list_url(event))  # warm up: the first request loads what every request loads once
    add_registration(event, State.PENDING)  # a change: the list is made again, not shown as it was kept

    few = count_queries(lambda: client.get(list_url(event)))
    for i in range(30):
        add_registration(
            event, (State.CONFIRMED, State.WAITLISTED, State.PENDING)[i % 3], country=("CN", "GB", "KE")[i % 3]
        )
    many = count_queries(lambda: client.get(list_url(event)))

    assert many == few, f"{few} queries for 4 rows, {many} for 34"


# --- the list kept between requests ----------------------------------------------------


def registration_statements(client, url) -> list[str]:
    statements = []

    def record(connection, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    return [statement for statement in statements if "FROM registration" in statement]


def the_table(page: str) -> str:
    return re.search(r'<table[^>]*data-testid="registrations".*?</table>', page, re.S).group(0)


def test_an_unchanged_list_is_shown_again_without_reading_the_registrations(app, make_event, add_registration):
    event = make_event()
    for _ in range(3):
        add_registration(event, State.CONFIRMED)
    client = as_organiser(app, event)
    first = the_table(client.get(list_url(event)).get_data(as_text=True))

    assert registration_statements(client, list_url(event)) == []
    assert the_table(client.get(list_url(event)).get_data(as_text=True)) == first
    assert registration_statements(client, list_url(event, state="confirmed"))  # other filters: made for them


def test_every_change_to_a_registration_shows_in_the_list_at_once(app, make_event, add_registration):
    event = make_event(capacity=1)
    first = add_registration(event, State.CONFIRMED, full_name="Amina Diallo")
    waiting = add_registration(event, State.WAITLISTED, full_name="Bao Nguyen")
    client = as_organiser(app, event)
    assert "Amina Diallo" in client.get(list_url(event)).get_data(as_text=True)

    first.organisation = "Ministry of Human Resources"  # the participant edits the registration
    db.session.commit()
    page = client.get(list_url(event)).get_data(as_text=True)
    assert "Ministry of Human Resources" in page

    act(client, event, "cancel", [first], reason="Cannot travel")  # the waiting list moves up by itself
    page = client.get(list_url(event)).get_data(as_text=True)
    assert state_of(waiting) is State.CONFIRMED
    row = re.search(rf'value="{waiting.id}".*?</tr>', page, re.S).group(0)
    assert "Confirmed" in row and "waiting list" not in row

    add_registration(event, State.WAITLISTED, full_name="Chen Jing")  # someone new
    page = client.get(list_url(event)).get_data(as_text=True)
    assert "Chen Jing" in page and "number 1" in page


def test_a_person_confirming_their_address_shows_in_every_list_they_are_in(app, make_event, add_registration):
    event, other = make_event(), make_event()
    registration = add_registration(event, State.PENDING)
    user = registration.user
    add_registration(other, State.PENDING, email="someone.else@example.org")
    db.session.add(Registration(**{**registration_values(registration), "event_id": other.id}))
    user.email_verified_at = None
    db.session.commit()
    organiser_client, other_client = as_organiser(app, event), as_organiser(app, other)
    assert 'data-testid="unconfirmed"' in organiser_client.get(list_url(event)).get_data(as_text=True)
    assert 'data-testid="unconfirmed"' in other_client.get(list_url(other)).get_data(as_text=True)

    user.email_verified_at = datetime.now(UTC)
    user.email = "confirmed.address@example.org"
    db.session.commit()

    for client, listed in ((organiser_client, event), (other_client, other)):
        page = client.get(list_url(listed)).get_data(as_text=True)
        assert 'data-testid="unconfirmed"' not in page
        assert "confirmed.address@example.org" in page


def registration_values(registration) -> dict:
    names = ("user_id", "state", "full_name", "organisation", "organisation_type", "country", "sex")
    return {name: getattr(registration, name) for name in names} | {"privacy_accepted_at": datetime.now(UTC)}


def test_the_revision_rises_only_for_what_the_list_shows(app, make_event, add_registration):
    event, other = make_event(), make_event()
    registration = add_registration(event, State.CONFIRMED)
    db.session.refresh(event)
    db.session.refresh(other)
    listed, untouched, agenda = event.registrations_revision, other.registrations_revision, event.agenda_revision
    changed_at = event.updated_at

    registration.user.full_name = "A new name on the account"  # not what the list shows of the account
    db.session.commit()
    assert event.registrations_revision == listed

    registration.state = State.CANCELLED
    db.session.commit()
    assert event.registrations_revision == listed + 1
    assert other.registrations_revision == untouched
    assert event.agenda_revision == agenda  # the agenda's calendars stay valid
    db.session.refresh(event)
    assert event.updated_at == changed_at  # their Last-Modified too

    event.capacity = 40  # an edit of the event: its time zone and address are part of the key, not the revision
    db.session.commit()
    assert event.registrations_revision == listed + 1


# --- decisions on many at once --------------------------------------------------------


def test_approving_three_with_two_places_confirms_two_and_waitlists_the_third(
    app, make_event, add_registration, mailbox
):
    event = make_event(capacity=2, approval_required=True, title="Tripartite dialogue")
    first, second, third = (add_registration(event, State.PENDING) for _ in range(3))
    client = as_organiser(app, event)

    response = act(client, event, "approve", [first, second, third], query={"state": "pending", "q": "Participant"})

    assert response.status_code == 302
    assert response.headers["Location"] == list_url(event, state="pending", q="Participant")  # the same filters
    assert [state_of(r) for r in (first, second, third)] == [State.CONFIRMED, State.CONFIRMED, State.WAITLISTED]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 approved, 1 put on the waiting list because the event is full." in page
    assert mailbox.last_to(first.user.email)["Subject"] == "Your registration for Tripartite dialogue is approved"
    assert "number 1 on the waiting list" in text_part(mailbox.last_to(third.user.email))


def test_an_action_lists_what_it_could_not_do(app, make_event, add_registration):
    event = make_event(approval_required=True)
    pending = add_registration(event, State.PENDING)
    confirmed = add_registration(event, State.CONFIRMED, full_name="Already Confirmed")
    client = as_organiser(app, event)

    response = act(client, event, "approve", [pending, confirmed])

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Registrations approved: 1." in page
    assert "Not done: Already Confirmed: only pending registrations can be approved." in page
    assert state_of(confirmed) is State.CONFIRMED


def test_rejecting_without_a_reason_is_refused_and_changes_nothing(app, make_event, add_registration, mailbox):
    event = make_event(approval_required=True)
    pending = add_registration(event, State.PENDING)
    other = add_registration(event, State.PENDING)
    client = as_organiser(app, event)

    response = act(client, event, "reject", [pending], reason="  ", subject="Typed subject")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Give the reason; the participant will read it." in page
    assert f'name="ids" value="{pending.id}" id="select-{pending.id}" checked' in page  # the ticks stay
    assert f'name="ids" value="{other.id}" id="select-{other.id}" aria' in page
    assert 'value="Typed subject"' in page
    assert state_of(pending) is State.PENDING
    assert mailbox.messages == []


def test_rejecting_with_a_reason_tells_the_participant_why(app, make_event, add_registration, mailbox):
    event = make_event(approval_required=True, title="Labour migration course")
    pending = add_registration(event, State.PENDING, email="applicant@example.org")
    client = as_organiser(app, event)

    act(client, event, "reject", [pending], reason="The course is for labour inspectors only.")

    registration = db.session.get(Registration, pending.id)
    assert registration.state is State.REJECTED
    assert (registration.changes[-1].reason, registration.changes[-1].actor_id) == (
        "The course is for labour inspectors only.",
        event.organisers[0].id,
    )
    message = mailbox.last_to("applicant@example.org")
    assert message["Subject"] == "Your registration for Labour migration course"
    assert "The course is for labour inspectors only." in text_part(message)


def test_promoting_gives_a_free_place_or_the_front_of_the_waiting_list(app, make_event, add_registration, mailbox):
    event = make_event(capacity=1, title="Study tour")
    add_registration(event, State.CONFIRMED)
    early = add_registration(event, State.WAITLISTED)
    late = add_registration(event, State.WAITLISTED)
    client = as_organiser(app, event)

    act(client, event, "promote", [late])  # full: moves to the front
    assert services.waitlist_positions(event.id) == {late.id: 1, early.id: 2}

    event.capacity = 2
    db.session.commit()
    response = act(client, event, "promote", [late])

    assert (state_of(late), state_of(early)) == (State.CONFIRMED, State.WAITLISTED)
    assert mailbox.last_to(late.user.email)["Subject"] == "You have a place at Study tour"
    assert "Registrations promoted: 1." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_cancelling_a_confirmed_registration_promotes_the_waiting_list(app, make_event, add_registration, mailbox):
    event = make_event(capacity=1, title="Forced labour workshop")
    confirmed = add_registration(event, State.CONFIRMED)
    waiting = add_registration(event, State.WAITLISTED)
    client = as_organiser(app, event)

    act(client, event, "cancel", [confirmed], reason="Did not confirm the travel.")

    assert (state_of(confirmed), state_of(waiting)) == (State.CANCELLED, State.CONFIRMED)
    assert "Did not confirm the travel." in text_part(mailbox.last_to(confirmed.user.email))
    assert mailbox.last_to(waiting.user.email)["Subject"] == "You have a place at Forced labour workshop"


def test_an_action_without_a_ticked_registration_says_so(app, make_event, add_registration):
    event = make_event(approval_required=True)
    pending = add_registration(event, State.PENDING)
    client = as_organiser(app, event)

    page = act(client, event, "approve", []).get_data(as_text=True)

    assert "Choose at least one registration." in page
    assert state_of(pending) is State.PENDING


def test_an_unknown_action_is_refused(app, make_event, add_registration):
    event = make_event(approval_required=True)
    pending = add_registration(event, State.PENDING)
    client = as_organiser(app, event)
    page = act(client, event, "delete", [pending]).get_data(as_text=True)
    assert "Choose what to do with the registrations." in page
    assert state_of(pending) is State.PENDING


def test_organisers_e_mail_the_selected_participants_each_in_their_language(app, make_event, add_registration, mailbox):
    event = make_event(title="Skills for green jobs")
    chinese = add_registration(
        event, full_name="Chen Jing", native_name="陈静", email="chen.jing@example.org", locale="zh"
    )
    english = add_registration(event, full_name="John Smith", email="john.smith@example.org", locale="en")
    add_registration(event, email="not.chosen@example.org")
    client = as_organiser(app, event)

    response = act(
        client,
        event,
        "message",
        [chinese, english],
        subject="Visa letters / 签证邀请函",
        text="The letters are ready.\n\n邀请函已准备好。",
    )

    progress = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The message is being sent to 2 people." in progress and "Finished: 2 of 2 done." in progress
    to_chen, to_john = mailbox.last_to("chen.jing@example.org"), mailbox.last_to("john.smith@example.org")
    assert to_chen["Subject"] == to_john["Subject"] == "Visa letters / 签证邀请函"
    assert "尊敬的 陈静（Chen Jing）：" in text_part(to_chen) and "邀请函已准备好。" in text_part(to_chen)
    assert "Dear John Smith," in text_part(to_john)
    assert mailbox.to("not.chosen@example.org") == []


def test_an_e_mail_without_a_subject_is_not_sent_and_the_text_stays(app, make_event, add_registration, mailbox):
    event = make_event()
    chosen = add_registration(event)
    client = as_organiser(app, event)

    page = act(client, event, "message", [chosen], subject="", text="Please bring your passport.").get_data(
        as_text=True
    )

    assert "Write a subject." in page
    assert "Please bring your passport." in page
    assert mailbox.messages == []


# --- one registration -----------------------------------------------------------------


def test_a_registrations_page_shows_every_field_answer_and_change(app, make_event, add_registration, make_question):
    event = make_event(approval_required=True)
    hotel = make_question(
        event, QuestionKind.SINGLE_CHOICE, "Hotel", options=["Beijing Hotel", "Own arrangement"], position=0
    )
    health = make_question(event, QuestionKind.LONG_TEXT, "Health conditions", sensitive=True, position=1)
    old = make_question(event, QuestionKind.YES_NO, "Attends the dinner", position=2)
    registration = add_registration(
        event,
        State.PENDING,
        full_name="Liu Yang",
        native_name="刘洋",
        sex=Sex.MALE,
        dietary_needs="Halal",
        accessibility_needs="Wheelchair access",
        visa_letter_needed=True,
        answers={hotel: "Beijing Hotel", health: "Asthma", old: True},
    )
    old.archived = True
    db.session.commit()
    client = as_organiser(app, event)
    submit(client, page_url(event, registration), {"action": "approve"})

    page = client.get(page_url(event, registration)).get_data(as_text=True)

    for text in (
        "Liu Yang",
        "刘洋",
        registration.user.email,
        "Ministry of Labour",
        "Government",
        "United Kingdom",
        "Male",
        "Halal",
        "Wheelchair access",
    ):
        assert text in page, text
    assert re.search(r"Visa letter needed</dt><dd[^>]*>Yes<", page)
    assert "Beijing Hotel" in page and "Asthma" in page
    assert re.search(r"Health conditions\s*<span[^>]*>Sensitive</span>", page)
    assert re.search(r"Attends the dinner\s*<span[^>]*>Removed question</span>\s*</dt>\s*<dd[^>]*>Yes<", page)
    assert "History" in page and "Pending approval → Confirmed" in page


def test_single_decisions_on_a_registrations_page(app, make_event, add_registration, mailbox):
    event = make_event(approval_required=True)
    registration = add_registration(event, State.PENDING, email="one@example.org")
    client = as_organiser(app, event)

    refused = submit(client, page_url(event, registration), {"action": "reject", "reason": ""})
    assert "Give the reason; the participant will read it." in refused.get_data(as_text=True)
    assert state_of(registration) is State.PENDING

    response = submit(
        client, page_url(event, registration), {"action": "reject", "reason": "Places are for government officials."}
    )
    assert response.headers["Location"] == page_url(event, registration)
    page = client.get(page_url(event, registration)).get_data(as_text=True)
    assert "Registrations rejected: 1." in page and "Places are for government officials." in page
    assert state_of(registration) is State.REJECTED
    assert "nothing more can be decided" in page
    assert "Places are for government officials." in text_part(mailbox.last_to("one@example.org"))


def test_a_registration_of_another_event_is_not_found_on_this_events_pages(
    app, make_event, add_registration, make_user
):
    organiser = make_user(can_create_events=True)
    mine, other = make_event(organiser=organiser), make_event(organiser=organiser, approval_required=True)
    theirs = add_registration(other, State.PENDING)
    client = as_organiser(app, mine)

    assert client.get(page_url(mine, theirs)).status_code == 404
    assert submit(client, page_url(mine, theirs), {"action": "approve"}, form_url=list_url(mine)).status_code == 404
    assert state_of(theirs) is State.PENDING


# --- who may -------------------------------------------------------------------------


def test_a_participant_gets_403_and_never_the_data(app, make_event, add_registration, make_user):
    event = make_event(approval_required=True)
    registration = add_registration(event, State.PENDING, full_name="Secret Person", dietary_needs="Kosher")
    participant = make_user()
    client = app.test_client()
    login(client, participant)

    for url in (
        list_url(event),
        page_url(event, registration),
        f"/manage/events/{event.slug}/registrations/export?col=full_name&col=dietary_needs&format=csv",
        f"/manage/events/{event.slug}/questions",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Secret Person" not in response.get_data(as_text=True) and "Kosher" not in response.get_data(
            as_text=True
        )
    token_page = f"/events/{event.slug}"
    response = submit(
        client, list_url(event), {"action": "approve", "ids": [str(registration.id)]}, form_url=token_page
    )
    assert response.status_code == 403
    assert state_of(registration) is State.PENDING


def test_a_visitor_is_asked_to_log_in_and_a_draft_is_not_found(app, client, make_event, make_user):
    event = make_event()
    assert client.get(list_url(event)).headers["Location"].startswith("/login")
    draft = make_event(status=EventStatus.DRAFT)
    login(client, make_user())
    assert client.get(list_url(draft)).status_code == 404
    assert client.get(f"/manage/events/{draft.slug}/registrations/export?col=full_name").status_code == 404


def test_an_organiser_of_one_event_cannot_act_on_another(app, make_event, add_registration):
    event_a = make_event(approval_required=True)
    event_b = make_event(approval_required=True, title="Someone else's workshop")
    theirs = add_registration(event_b, State.PENDING, full_name="Person of B")
    client = as_organiser(app, event_a)

    assert client.get(list_url(event_b)).status_code == 403
    assert client.get(page_url(event_b, theirs)).status_code == 403
    assert client.get(f"/manage/events/{event_b.slug}/registrations/export?col=full_name").status_code == 403
    # B's registration posted to A's list: not one of A's, so nothing happens
    response = act(client, event_a, "approve", [theirs])
    assert "Choose at least one registration." in response.get_data(as_text=True)
    response = act(client, event_a, "reject", [theirs], reason="no")
    assert "Person of B" not in response.get_data(as_text=True)
    # posted to B's list with a token from A's page: refused
    response = submit(
        client, list_url(event_b), {"action": "approve", "ids": [str(theirs.id)]}, form_url=list_url(event_a)
    )
    assert response.status_code == 403
    assert state_of(theirs) is State.PENDING


def test_an_admin_manages_every_events_registrations(app, make_event, add_registration, make_user):
    event = make_event(approval_required=True)
    pending = add_registration(event, State.PENDING)
    client = app.test_client()
    login(client, make_user(is_admin=True))
    act(client, event, "approve", [pending])
    assert state_of(pending) is State.CONFIRMED


def test_the_event_page_links_organisers_to_registrations_and_the_form(app, make_event, make_user):
    event = make_event()
    client = as_organiser(app, event)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert f'href="{list_url(event)}"' in page and f'href="/manage/events/{event.slug}/questions"' in page
    participant = app.test_client()
    login(participant, make_user())
    assert list_url(event) not in participant.get(f"/events/{event.slug}").get_data(as_text=True)


def test_a_registration_made_in_chinese_shows_on_the_organisers_pages(app, make_event, make_user, mailbox):
    event = make_event(title="移民管理能力建设研讨会")
    participant = make_user(locale="zh", email="sun.li@example.org")
    client = app.test_client()
    login(client, participant)
    register(
        client,
        event,
        full_name="Sun Li",
        native_name="孙丽",
        organisation="国家移民管理局",
        job_title="处长",
        dietary_needs="清真",
    )
    registration = db.session.scalar(db.select(Registration).where(Registration.user_id == participant.id))
    organiser = as_organiser(app, event)

    listed = organiser.get(list_url(event, q="孙丽")).get_data(as_text=True)
    page = organiser.get(page_url(event, registration)).get_data(as_text=True)
    act(organiser, event, "message", [registration], subject="会议通知", text="请携带护照。")

    assert names_listed(listed) == ["Sun Li"] and "国家移民管理局" in listed
    assert all(text in page for text in ("孙丽", "国家移民管理局", "处长", "清真"))
    message = mailbox.last_to("sun.li@example.org")
    assert (
        message["Subject"] == "会议通知" and "请携带护照。" in text_part(message) and "孙丽" not in message["Subject"]
    )


def test_the_organisers_pages_are_in_chinese_for_a_chinese_organiser(app, make_event, make_user, add_registration):
    organiser = make_user(locale="zh", can_create_events=True)
    event = make_event(organiser=organiser)
    add_registration(event, State.WAITLISTED)
    client = as_organiser(app, event)
    page = client.get(list_url(event)).get_data(as_text=True)
    questions = client.get(f"/manage/events/{event.slug}/questions").get_data(as_text=True)
    for english in (
        "Registrations",
        "Decide on the selected registrations",
        "E-mail the selected participants",
        "Export",
        "Columns",
    ):
        assert english not in page, english
    for english in ("Add a question", "Kind of answer", "Short text"):
        assert english not in questions, english


def test_an_action_without_a_csrf_token_changes_nothing_and_keeps_what_was_typed(
    app, make_event, add_registration, mailbox
):
    event = make_event(approval_required=True)
    pending = add_registration(event, State.PENDING)
    client = as_organiser(app, event)

    response = client.post(
        list_url(event), data={"action": "reject", "ids": [str(pending.id)], "reason": "Typed reason"}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This form was open for a long time, so for your safety it was not saved." in page
    assert "Typed reason" in page
    assert state_of(pending) is State.PENDING and mailbox.messages == []


def test_a_new_or_removed_question_shows_in_the_export_columns_at_once(
    app, make_event, add_registration, make_question
):
    event = make_event()
    add_registration(event, State.CONFIRMED)
    client = as_organiser(app, event)
    assert "Arrival flight" not in client.get(list_url(event)).get_data(as_text=True)

    question = make_question(event, label="Arrival flight")
    assert "Arrival flight</label>" in client.get(list_url(event)).get_data(as_text=True)

    question.archived = True
    db.session.commit()
    assert "Arrival flight (removed question)" in client.get(list_url(event)).get_data(as_text=True)
