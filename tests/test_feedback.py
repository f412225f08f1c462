"""The evaluation: organisers build the form and open it from the event's last day; each confirmed
participant answers once (anonymously if the event says so); organisers see the results as charts."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
import requests

from workshop.errors import DomainError
from workshop.extensions import db
from workshop.feedback import services
from workshop.feedback.models import (
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    EvaluationSubmission,
)
from workshop.feedback.models import (
    EvaluationQuestionKind as Kind,
)
from workshop.feedback.questions import set_options
from workshop.feedback.results import evaluation_results
from workshop.registration.states import State
from workshop.timeutil import utcnow

from .conftest import PASSWORD, as_user, link_in, make_registration, submit, text_part

MANAGE = "/manage/events/{slug}/evaluation"
RESULTS = "/manage/events/{slug}/evaluation/results"
ANSWER = "/events/{slug}/evaluation"
MINE = "/registrations"


@pytest.fixture(autouse=True)
def many_logins(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"


def url(template, event):
    return template.format(slug=event.slug)


def add_question(event, kind, label, options=(), required=False, session=None):
    position = db.session.scalar(
        db.select(db.func.count(EvaluationQuestion.id)).where(EvaluationQuestion.event_id == event.id)
    )
    question = EvaluationQuestion(
        event_id=event.id,
        kind=kind,
        label=label,
        required=required,
        position=position,
        session_id=session.id if session else None,
    )
    set_options(question, list(options))
    db.session.add(question)
    db.session.commit()
    return question


def open_now(event, anonymous=True):
    db.session.add(Evaluation(event_id=event.id, anonymous=anonymous, introduction="", opened_at=utcnow()))
    db.session.commit()


@pytest.fixture
def past(make_event, make_user):
    """A workshop that ended yesterday, with an organiser and a form of four questions."""
    organiser = make_user(full_name="Catherine Shaw", can_create_events=True)
    event = make_event(organiser=organiser, title="Safe Migration Workshop", starts_in_days=-3, days=2)
    overall = add_question(event, Kind.RATING, "Overall, how was it?", required=True)
    recommend = add_question(event, Kind.CHOICE, "Would you recommend it?", options=["Yes", "No"])
    topics = add_question(event, Kind.MULTIPLE_CHOICE, "Which topics helped?", options=["Law", "Practice", "Data"])
    improve = add_question(event, Kind.TEXT, "What should we improve?")
    return event, organiser, (overall, recommend, topics, improve)


def participant(event, make_user, name="Li Wei", state=State.CONFIRMED):
    user = make_user(full_name=name)
    return user, make_registration(event, user, state)


def answers(questions, rating="4", choice="Yes", topics=("Law",), text="More coffee"):
    overall, recommend, multiple, improve = questions
    data = {f"q_{overall.id}": rating, f"q_{recommend.id}": choice, f"q_{improve.id}": text}
    if topics:
        data[f"q_{multiple.id}"] = list(topics)
    return data


def answer(client, event, data):
    return submit(client, url(ANSWER, event), data, form_url=f"/events/{event.slug}")


def stored():
    db.session.commit()  # a fresh snapshot: the requests wrote on their own connections
    count = db.func.count
    return (
        db.session.scalar(db.select(count(EvaluationSubmission.id))),
        db.session.scalar(db.select(count(EvaluationResponse.id))),
        db.session.scalar(db.select(count(EvaluationAnswer.id))),
    )


# --- building the form -----------------------------------------------------------------------


def test_an_organiser_builds_a_form_with_every_kind_of_question(app, make_event, make_user, make_session):
    organiser = make_user(can_create_events=True)
    event = make_event(organiser=organiser)
    panel = make_session(event, "Panel on legal pathways")
    client = as_user(app, organiser)
    manage = url(MANAGE, event)

    assert "The evaluation has no questions yet." in client.get(manage).get_data(as_text=True)
    for data in (
        {"kind": "rating", "label": "How was the panel?", "session_id": str(panel.id), "required": "y"},
        {"kind": "choice", "label": "Would you come again?", "options": "Yes\nNo\n\n"},
        {"kind": "multiple_choice", "label": "What did you use?", "options": "Slides\nVideos\nNotes"},
        {"kind": "text", "label": "Anything else?", "help_text": "Optional"},
    ):
        assert submit(client, manage, data).status_code == 302

    page = client.get(manage).get_data(as_text=True)
    assert page.index("How was the panel?") < page.index("Would you come again?") < page.index("Anything else?")
    assert "About the session: Panel on legal pathways" in page
    rows = db.session.scalars(db.select(EvaluationQuestion).order_by(EvaluationQuestion.position)).all()
    assert [(q.kind, q.required, q.options) for q in rows] == [
        (Kind.RATING, True, []),
        (Kind.CHOICE, False, ["Yes", "No"]),
        (Kind.MULTIPLE_CHOICE, False, ["Slides", "Videos", "Notes"]),
        (Kind.TEXT, False, []),
    ]
    assert rows[0].session_id == panel.id


def test_a_choice_with_one_option_or_a_session_of_another_event_is_refused_and_nothing_is_added(
    app, make_event, make_user, make_session
):
    organiser = make_user(can_create_events=True)
    event, other = make_event(organiser=organiser), make_event()
    elsewhere = make_session(other, "Not ours")
    client = as_user(app, organiser)

    response = submit(client, url(MANAGE, event), {"kind": "choice", "label": "Pick one", "options": "Only"})
    assert response.status_code == 400
    assert "Give at least two options, one per line." in response.get_data(as_text=True)
    assert 'value="Pick one"' in response.get_data(as_text=True)  # what was typed stays
    response = submit(
        client, url(MANAGE, event), {"kind": "rating", "label": "How was it?", "session_id": str(elsewhere.id)}
    )
    assert "Choose a session of this event" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(EvaluationQuestion.id))) == 0


def test_the_standard_questions_are_added_once(app, make_event, make_user):
    organiser = make_user(can_create_events=True)
    event = make_event(organiser=organiser)
    client = as_user(app, organiser)
    standard = f"/manage/events/{event.slug}/evaluation/standard-questions"

    submit(client, standard, {}, form_url=url(MANAGE, event))
    page = client.get(url(MANAGE, event)).get_data(as_text=True)
    assert "7 standard questions added." in page
    submit(client, standard, {}, form_url=url(MANAGE, event))
    assert "The standard questions are on the form already." in client.get(url(MANAGE, event)).get_data(as_text=True)
    kinds = db.session.scalars(db.select(EvaluationQuestion.kind).order_by(EvaluationQuestion.position)).all()
    assert kinds == [Kind.RATING] * 4 + [Kind.CHOICE, Kind.TEXT, Kind.TEXT]
    recommend = db.session.scalars(db.select(EvaluationQuestion).where(EvaluationQuestion.kind == Kind.CHOICE)).one()
    assert recommend.options == ["Yes", "No"]


def test_questions_move_up_and_down(app, past):
    event, organiser, (overall, recommend, topics, improve) = past
    client = as_user(app, organiser)
    move = f"/manage/events/{event.slug}/evaluation/questions/{improve.id}/move"

    submit(client, move, {"direction": "up"}, form_url=url(MANAGE, event))
    page = client.get(url(MANAGE, event)).get_data(as_text=True)
    assert page.index("What should we improve?") < page.index("Which topics helped?")


def test_an_unanswered_question_is_deleted_and_an_answered_one_archived_with_its_answers(app, past, make_user):
    event, organiser, (overall, recommend, topics, improve) = past
    open_now(event)
    user, _ = participant(event, make_user)
    answer(as_user(app, user), event, answers((overall, recommend, topics, improve), topics=()))
    client = as_user(app, organiser)

    topics_id, recommend_id = topics.id, recommend.id
    for question_id in (topics_id, recommend_id):
        submit(
            client,
            f"/manage/events/{event.slug}/evaluation/questions/{question_id}/remove",
            {},
            form_url=url(MANAGE, event),
        )

    archived = dict(db.session.execute(db.select(EvaluationQuestion.id, EvaluationQuestion.archived)).all())
    assert topics_id not in archived  # nobody had answered it: deleted
    assert archived[recommend_id] is True
    page = client.get(url(MANAGE, event)).get_data(as_text=True)
    assert "so it is archived" in page and "Archived questions" in page
    results = client.get(url(RESULTS, event)).get_data(as_text=True)
    assert "Would you recommend it?" in results and "no longer asked" in results
    other = make_user()
    make_registration(event, other)
    assert "Would you recommend it?" not in as_user(app, other).get(url(ANSWER, event)).get_data(as_text=True)


def test_an_answered_question_keeps_its_options_and_kind(app, past, make_user):
    event, organiser, (overall, recommend, topics, improve) = past
    open_now(event)
    user, _ = participant(event, make_user)
    answer(as_user(app, user), event, answers((overall, recommend, topics, improve)))
    client = as_user(app, organiser)
    edit = f"/manage/events/{event.slug}/evaluation/questions/{recommend.id}"

    assert "its options cannot be removed" in client.get(edit).get_data(as_text=True)
    response = submit(client, edit, {"kind": "choice", "label": "Recommend?", "options": "Yes\nMaybe"})
    assert response.status_code == 400
    assert "options cannot be removed or renamed: “No” is missing" in response.get_data(as_text=True)
    response = submit(client, edit, {"kind": "text", "label": "Recommend?", "options": "Yes\nNo"})
    assert "its kind cannot change" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (recommend.label, recommend.kind, recommend.options) == (
        "Would you recommend it?",
        Kind.CHOICE,
        ["Yes", "No"],
    )

    assert (
        submit(client, edit, {"label": "Recommend?", "options": "Yes\nNo\nMaybe"}).status_code == 302
    )  # kind disabled: not sent
    db.session.expire_all()
    assert (recommend.label, recommend.kind, recommend.options) == ("Recommend?", Kind.CHOICE, ["Yes", "No", "Maybe"])


def test_the_introduction_is_markdown_without_scripts(app, past, make_user):
    event, organiser, questions = past
    open_now(event)
    client = as_user(app, organiser)
    submit(
        client,
        f"/manage/events/{event.slug}/evaluation/settings",
        {"introduction": "Thank you for **coming**.<script>alert(1)</script>", "anonymous": "y"},
        form_url=url(MANAGE, event),
    )

    user, _ = participant(event, make_user)
    page = as_user(app, user).get(url(ANSWER, event)).get_data(as_text=True)
    assert "Thank you for <strong>coming</strong>." in page
    assert "<script>alert(1)" not in page


def test_anonymity_cannot_change_once_someone_answered(app, past, make_user):
    event, organiser, questions = past
    open_now(event, anonymous=True)
    user, _ = participant(event, make_user)
    answer(as_user(app, user), event, answers(questions))
    client = as_user(app, organiser)
    settings = f"/manage/events/{event.slug}/evaluation/settings"

    page = client.get(url(MANAGE, event)).get_data(as_text=True)
    assert "whether answers are anonymous can no longer change" in page
    assert re.search(r'id="anonymous"[^>]*disabled|disabled[^>]*id="anonymous"', page)
    # The disabled box is not sent: the introduction is saved and the evaluation stays anonymous.
    assert submit(client, settings, {"introduction": "Hello"}, form_url=url(MANAGE, event)).status_code == 302
    db.session.expire_all()
    evaluation = services.evaluation_of(event)
    assert evaluation.anonymous and evaluation.introduction == "Hello"

    evaluation.anonymous = False  # as if it had been created named; a hand-made post to switch it on is refused
    db.session.commit()
    response = submit(client, settings, {"introduction": "Hello", "anonymous": "y"}, form_url=url(MANAGE, event))
    assert "can no longer change" in response.get_data(as_text=True)
    db.session.expire_all()
    assert services.evaluation_of(event).anonymous is False


# --- opening and closing ---------------------------------------------------------------------


def test_opening_before_the_last_day_is_disabled_with_the_reason_and_the_post_is_refused(
    app, make_event, make_user, mailbox
):
    organiser = make_user(can_create_events=True)
    event = make_event(organiser=organiser, starts_in_days=-1, days=3)  # on now, ends in two days
    add_question(event, Kind.RATING, "Overall?")
    make_registration(event, make_user())
    client = as_user(app, organiser)

    page = client.get(url(MANAGE, event)).get_data(as_text=True)
    assert re.search(r'data-testid="open"[^>]*disabled', page)
    assert "can be opened from the start of the event&#39;s last day" in page
    submit(client, f"/manage/events/{event.slug}/evaluation/open", {}, form_url=url(MANAGE, event))

    assert "can be opened from the start of the event&#39;s last day" in client.get(url(MANAGE, event)).get_data(
        as_text=True
    )
    assert not services.evaluation_of(event).is_open
    assert mailbox.messages == []


def test_the_last_day_starts_at_midnight_in_the_events_time_zone(app, make_event, make_user):
    organiser = make_user(can_create_events=True)
    # Beijing, 10-12 March 2027, ending 17:00 local (09:00 UTC): the last day starts at 16:00 UTC on the 11th.
    event = make_event(
        organiser=organiser,
        timezone="Asia/Shanghai",
        starts_at=datetime(2027, 3, 10, 1, 0, tzinfo=UTC),
        ends_at=datetime(2027, 3, 12, 9, 0, tzinfo=UTC),
    )
    add_question(event, Kind.RATING, "Overall?")
    midnight = datetime(2027, 3, 11, 16, 0, tzinfo=UTC)
    assert services.opens_from(event) == midnight

    with pytest.raises(DomainError, match="2027-03-12 \\(Asia/Shanghai\\)"):
        services.open_evaluation(organiser, event, now=midnight - timedelta(minutes=1))
    services.open_evaluation(organiser, event, now=midnight)
    assert services.evaluation_of(event).is_open


def test_an_event_ending_at_midnight_has_its_last_day_before(app, make_event):
    event = make_event(
        timezone="Europe/London",
        starts_at=datetime(2027, 6, 1, 8, 0, tzinfo=UTC),
        ends_at=datetime(2027, 6, 2, 23, 0, tzinfo=UTC),
    )  # 00:00 on 3 June in London (BST)
    assert services.last_day(event) == date(2027, 6, 2)


def test_opening_invites_the_confirmed_participants_by_email(app, past, make_user, mailbox):
    event, organiser, questions = past
    li, _ = participant(event, make_user, "Li Wei")
    pending, _ = participant(event, make_user, "Pending Person", State.PENDING)
    client = as_user(app, organiser)

    submit(client, f"/manage/events/{event.slug}/evaluation/open", {}, form_url=url(MANAGE, event))

    assert "1 participant who has not answered yet is invited by e-mail" in client.get(url(MANAGE, event)).get_data(
        as_text=True
    )
    assert [m["To"] for m in mailbox.messages] == [li.email]
    invitation = mailbox.last_to(li.email)
    assert invitation["Subject"] == "Your opinion on Safe Migration Workshop"
    assert "anonymous" in text_part(invitation)
    li_client = as_user(app, li)
    assert "Overall, how was it?" in li_client.get(link_in(invitation)).get_data(as_text=True)


def test_opening_without_questions_is_refused(app, make_event, make_user):
    organiser = make_user(can_create_events=True)
    event = make_event(organiser=organiser, starts_in_days=-3, days=1)
    client = as_user(app, organiser)
    page = client.get(url(MANAGE, event)).get_data(as_text=True)
    assert "Add at least one question before opening the evaluation." in page
    submit(client, f"/manage/events/{event.slug}/evaluation/open", {}, form_url=url(MANAGE, event))
    assert services.evaluation_of(event).opened_at is None


def test_closing_stops_answers_and_reopening_takes_them_again(app, past, make_user, mailbox):
    event, organiser, questions = past
    li, _ = participant(event, make_user)
    organiser_client, li_client = as_user(app, organiser), as_user(app, li)
    submit(organiser_client, f"/manage/events/{event.slug}/evaluation/open", {}, form_url=url(MANAGE, event))
    form_token_page = f"/events/{event.slug}"

    submit(organiser_client, f"/manage/events/{event.slug}/evaluation/close", {}, form_url=url(MANAGE, event))
    response = li_client.get(url(ANSWER, event))
    assert "The evaluation of this event is closed" in response.get_data(as_text=True)
    assert "Reopen the evaluation" in organiser_client.get(url(MANAGE, event)).get_data(as_text=True)
    response = submit(li_client, url(ANSWER, event), answers(questions), form_url=form_token_page)
    assert "is closed" in response.get_data(as_text=True)
    assert stored() == (0, 0, 0)

    submit(organiser_client, f"/manage/events/{event.slug}/evaluation/open", {}, form_url=url(MANAGE, event))
    assert answer(li_client, event, answers(questions)).status_code == 302
    assert stored()[:2] == (1, 1)


# --- answering -------------------------------------------------------------------------------


def test_a_participant_answers_from_my_registrations_and_then_sees_thank_you(app, past, make_user):
    event, organiser, questions = past
    open_now(event, anonymous=False)
    li, registration = participant(event, make_user)
    client = as_user(app, li)

    mine = client.get(MINE).get_data(as_text=True)
    assert "Answer the evaluation" in mine
    page = client.get(url(ANSWER, event)).get_data(as_text=True)
    assert "1 poor" in page and "5 excellent" in page and 'type="radio"' in page
    response = answer(client, event, answers(questions, rating="5", topics=("Law", "Data"), text="  Longer breaks  "))

    assert response.status_code == 302
    mine = client.get(MINE).get_data(as_text=True)
    assert (
        "Thank you: your answers are saved." in mine
        and "thank you, answered" in mine
        and "Answer the evaluation" not in mine
    )
    response_row = db.session.scalars(db.select(EvaluationResponse)).one()
    assert response_row.registration_id == registration.id  # not anonymous
    by_question = {a.question_id: a for a in response_row.answers}
    overall, recommend, topics, improve = questions
    assert by_question[overall.id].rating == 5
    assert by_question[recommend.id].value_json == '["Yes"]'
    assert by_question[topics.id].value_json == '["Law", "Data"]'
    assert by_question[improve.id].value_json == '"Longer breaks"'


def test_an_anonymous_answer_keeps_neither_the_registration_nor_the_time_of_day(app, past, make_user):
    event, organiser, questions = past
    open_now(event, anonymous=True)
    li, registration = participant(event, make_user, "Li Wei")
    answer(as_user(app, li), event, answers(questions, text="The venue was cold"))

    response_row = db.session.scalars(db.select(EvaluationResponse)).one()
    assert response_row.registration_id is None
    assert type(response_row.submitted_on) is date  # the day, no time
    assert db.session.scalars(db.select(EvaluationSubmission.registration_id)).all() == [registration.id]
    results = as_user(app, organiser).get(url(RESULTS, event)).get_data(as_text=True)
    assert "The venue was cold" in results and "Li Wei" not in results


def test_answering_twice_keeps_the_first_answer_and_says_already_answered(app, past, make_user):
    event, organiser, questions = past
    open_now(event)
    li, _ = participant(event, make_user)
    client = as_user(app, li)
    assert answer(client, event, answers(questions, rating="5")).status_code == 302

    response = answer(client, event, answers(questions, rating="1"))

    assert "You have already answered the evaluation of this event." in response.get_data(as_text=True)
    assert stored()[:2] == (1, 1)
    assert db.session.scalar(db.select(EvaluationAnswer.rating).where(EvaluationAnswer.rating.is_not(None))) == 5


@pytest.mark.parametrize("state", [State.PENDING, State.WAITLISTED, State.CANCELLED, None])
def test_only_confirmed_participants_answer(app, past, make_user, state):
    event, organiser, questions = past
    open_now(event)
    user = make_user()
    if state is not None:
        registration = make_registration(event, user, state)
        registration.waitlist_seq = 1 if state is State.WAITLISTED else None
        db.session.commit()
    client = as_user(app, user)

    page = client.get(url(ANSWER, event))
    assert page.status_code == 403
    assert (
        "not confirmed" in page.get_data(as_text=True)
        if state in (State.PENDING, State.WAITLISTED)
        else "not registered" in page.get_data(as_text=True)
    )
    assert answer(client, event, answers(questions)).status_code == 403
    assert stored() == (0, 0, 0)
    assert "Answer the evaluation" not in client.get(MINE).get_data(as_text=True)


def test_an_evaluation_not_yet_opened_says_so(app, past, make_user):
    event, organiser, questions = past
    li, _ = participant(event, make_user)
    client = as_user(app, li)
    assert "is not open yet" in client.get(url(ANSWER, event)).get_data(as_text=True)
    assert "is not open yet" in answer(client, event, answers(questions)).get_data(as_text=True)
    assert stored() == (0, 0, 0)
    assert "Answer the evaluation" not in client.get(MINE).get_data(as_text=True)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"rating": "7"}, "Choose a rating from 1 to 5."),
        ({"rating": "five"}, "Choose a rating from 1 to 5."),
        ({"choice": "Perhaps"}, "Choose one of the options."),
        ({"topics": ("Law", "Gossip")}, "Choose among the options."),
        ({"text": "x" * 5001}, "5000"),
    ],
)
def test_an_answer_that_does_not_fit_its_question_is_refused(app, past, make_user, change, message):
    event, organiser, questions = past
    open_now(event)
    li, _ = participant(event, make_user)
    client = as_user(app, li)

    response = answer(client, event, answers(questions, **change))

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored() == (0, 0, 0)


def test_a_missing_required_answer_is_shown_and_what_was_typed_stays(app, past, make_user):
    event, organiser, questions = past
    open_now(event)
    li, _ = participant(event, make_user)
    client = as_user(app, li)

    response = answer(client, event, answers(questions, rating="", text="Keep this text"))

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This question needs an answer." in page
    assert "Keep this text" in page
    assert stored() == (0, 0, 0)


def test_a_visitor_is_asked_to_log_in(app, past, client):
    event, organiser, questions = past
    response = client.get(url(ANSWER, event))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def csrf_token_of(session: requests.Session, address: str) -> str:
    page = session.get(address, timeout=30)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def test_two_simultaneous_answers_of_one_participant_leave_one_response(app, live_url, past, make_user):
    event, organiser, questions = past
    open_now(event)
    li, registration = participant(event, make_user)
    sessions = []
    for _ in range(2):  # two devices of the same person
        session = requests.Session()
        login_page = f"{live_url}/login"
        session.post(
            login_page,
            data={"csrf_token": csrf_token_of(session, login_page), "email": li.email, "password": PASSWORD},
            timeout=30,
        )
        token = csrf_token_of(session, f"{live_url}{url(ANSWER, event)}")
        sessions.append((session, {**answers(questions), "csrf_token": token}))
    barrier = threading.Barrier(2)

    def send(job):
        session, data = job
        barrier.wait()
        with session:
            return session.post(f"{live_url}{url(ANSWER, event)}", data=data, allow_redirects=False, timeout=120)

    with ThreadPoolExecutor(max_workers=2) as pool:
        replies = list(pool.map(send, sessions))

    assert sorted(reply.status_code for reply in replies) == [200, 302]
    assert "already answered" in next(reply.text for reply in replies if reply.status_code == 200)
    assert stored()[:2] == (1, 1)


# --- access ----------------------------------------------------------------------------------


def test_a_participant_cannot_open_the_builder_or_the_results(app, past, make_user):
    event, organiser, questions = past
    li, _ = participant(event, make_user)
    client = as_user(app, li)
    for page in (MANAGE, RESULTS):
        assert client.get(url(page, event)).status_code == 403
    assert client.get(f"/manage/events/{event.slug}/evaluation/questions/{questions[0].id}").status_code == 403
    response = submit(client, f"/manage/events/{event.slug}/evaluation/open", {}, form_url=f"/events/{event.slug}")
    assert response.status_code == 403
    assert services.evaluation_of(event).opened_at is None


def test_another_events_organiser_gets_403_and_a_draft_404(app, past, make_event, make_user):
    from workshop.events.models import EventStatus

    event, organiser, questions = past
    stranger = make_user(can_create_events=True)
    make_event(organiser=stranger)
    draft = make_event(organiser=organiser, status=EventStatus.DRAFT)
    client = as_user(app, stranger)
    assert client.get(url(MANAGE, event)).status_code == 403
    assert client.get(url(RESULTS, event)).status_code == 403
    response = submit(
        client,
        f"/manage/events/{event.slug}/evaluation/questions/{questions[0].id}/remove",
        {},
        form_url=f"/events/{event.slug}",
    )
    assert response.status_code == 403
    assert db.session.get(EvaluationQuestion, questions[0].id) is not None
    assert client.get(url(MANAGE, draft)).status_code == 404
    assert client.get(url(ANSWER, draft)).status_code == 404


def test_a_question_of_another_event_is_not_found(app, past, make_event):
    event, organiser, questions = past
    other = make_event(organiser=organiser)
    client = as_user(app, organiser)
    assert client.get(f"/manage/events/{other.slug}/evaluation/questions/{questions[0].id}").status_code == 404


# --- results ---------------------------------------------------------------------------------


def test_the_results_show_rates_charts_averages_and_comments_without_names(app, past, make_user):
    event, organiser, questions = past
    open_now(event, anonymous=False)
    people = [participant(event, make_user, name)[0] for name in ("Li Wei", "Wang Fang", "Zhao Lei", "Sun Li")]
    answer(
        as_user(app, people[0]),
        event,
        answers(questions, rating="5", choice="Yes", topics=("Law", "Data"), text="Zebra crossing"),
    )
    answer(
        as_user(app, people[1]),
        event,
        answers(questions, rating="4", choice="No", topics=("Law",), text="apples first"),
    )
    answer(as_user(app, people[2]), event, answers(questions, rating="4", choice="Yes", topics=(), text=""))

    page = as_user(app, organiser).get(url(RESULTS, event)).get_data(as_text=True)

    assert "Answers: 3 of 4 confirmed participants (75%)" in page
    assert "Average: 4.3 out of 5" in page
    assert "<svg" in page and "Ratings: 1 (poor): 0; 2: 0; 3: 0; 4: 2; 5 (excellent): 1" in page
    assert re.search(r"Yes</th>.*?2 \(67%\)", page, re.S) and re.search(r"No</th>.*?1 \(33%\)", page, re.S)
    assert re.search(r"Law</th>.*?2 \(100%\)", page, re.S)
    assert page.index("apples first") < page.index("Zebra crossing")  # alphabetical, not in the order they came
    for name in ("Li Wei", "Wang Fang", "Zhao Lei", "Sun Li"):
        assert name not in page


def test_the_results_without_answers_say_so(app, past):
    event, organiser, questions = past
    page = as_user(app, organiser).get(url(RESULTS, event)).get_data(as_text=True)
    assert "No answers yet." in page
    assert "Answers: 0 of 0 confirmed participants" in page or "Answers: 0;" in page


def test_the_demo_has_an_answered_evaluation_of_a_past_event(app):
    from workshop.demo import load_demo
    from workshop.events.models import Event

    assert load_demo()
    event = db.session.scalars(db.select(Event).where(Event.ends_at < utcnow())).first()

    results = evaluation_results(event)
    assert len(results.questions) == 7
    assert results.responses == results.participants - 1  # the demo participant answers herself
    assert services.evaluation_of(event).is_open
