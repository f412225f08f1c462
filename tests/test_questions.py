"""The event's own questions: organisers add, order, edit and remove them; participants answer
them on the registration form, and bad answers are refused with a message by the question."""

import re

from workshop.extensions import db
from workshop.registration.models import Question, QuestionKind, Registration
from workshop.registration.states import State

from .conftest import REGISTRATION_FORM, login, register, submit


def questions_url(event) -> str:
    return f"/manage/events/{event.slug}/questions"


def question_url(event, question) -> str:
    return f"{questions_url(event)}/{question.id}"


def add(client, event, **fields):
    data = {"kind": "short_text", "label": "", "help_text": "", "options": ""}
    data.update(fields)
    data = {key: value for key, value in data.items() if value is not False}
    return submit(client, questions_url(event), data)


def questions_of(event, archived=False) -> list[Question]:
    return list(
        db.session.scalars(
            db.select(Question)
            .where(Question.event_id == event.id, Question.archived.is_(archived))
            .order_by(Question.position, Question.id)
        )
    )


def labels_on_form(client, event) -> list[str]:
    """The questions of the registration form, in the order it asks them, with their labels as shown."""
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    ids = list(dict.fromkeys(int(n) for n in re.findall(r'name="q_(\d+)"', page)))
    labels = [str(db.session.get(Question, n).label) for n in ids]
    assert all(label in page for label in labels)
    return labels


def question_rows(page: str) -> list[list[str]]:
    """The table of questions as text: number, question (and options), kind, required, sensitive, answers."""
    table = page.split('data-testid="questions"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)][:6]
        for row in rows
    ]


def as_organiser(app, event):
    client = app.test_client()
    login(client, event.organisers[0])
    return client


def registration_of(user, event) -> Registration | None:
    return db.session.scalar(
        db.select(Registration).where(Registration.user_id == user.id, Registration.event_id == event.id)
    )


# --- organisers -------------------------------------------------------------------------


def test_an_organiser_adds_questions_and_participants_answer_them_in_order(app, make_event, make_user):
    event = make_event()
    organiser = as_organiser(app, event)

    response = add(
        organiser,
        event,
        kind="single_choice",
        label="Which session will you join?",
        options="Labour inspection\nSocial protection\n\n",
        required="y",
    )
    add(organiser, event, kind="yes_no", label="Will you attend the dinner?")
    add(
        organiser,
        event,
        kind="long_text",
        label="Health conditions we should know about",
        help_text="Only the organisers see it.",
        sensitive="y",
    )

    assert response.status_code == 302
    page = organiser.get(questions_url(event)).get_data(as_text=True)
    assert "The question is added to the registration form." in page
    assert question_rows(page) == [
        ["1", "Which session will you join?Labour inspection · Social protection", "Single choice", "Yes", "No", "0"],
        ["2", "Will you attend the dinner?", "Yes or no", "No", "No", "0"],
        ["3", "Health conditions we should know about", "Long text", "No", "Yes", "0"],
    ]
    session = questions_of(event)[0]
    assert (session.options, session.required) == (["Labour inspection", "Social protection"], True)

    participant = app.test_client()
    user = make_user()
    login(participant, user)
    assert labels_on_form(participant, event) == [
        "Which session will you join?",
        "Will you attend the dinner?",
        "Health conditions we should know about",
    ]
    ids = [q.id for q in questions_of(event)]
    register(participant, event, **{f"q_{ids[0]}": "Social protection", f"q_{ids[1]}": "yes", f"q_{ids[2]}": "Asthma"})
    answers = {str(a.question.label): a.value for a in registration_of(user, event).answers}
    assert answers == {
        "Which session will you join?": "Social protection",
        "Will you attend the dinner?": True,
        "Health conditions we should know about": "Asthma",
    }


def test_every_kind_of_question_can_be_added(app, make_event):
    event = make_event()
    organiser = as_organiser(app, event)
    for kind in ("short_text", "long_text", "single_choice", "multiple_choice", "yes_no", "country", "date"):
        add(organiser, event, kind=kind, label=f"A {kind} question", options="One\nTwo")
    kinds = [(q.kind.value, q.options) for q in questions_of(event)]
    assert kinds == [
        ("short_text", []),
        ("long_text", []),
        ("single_choice", ["One", "Two"]),
        ("multiple_choice", ["One", "Two"]),
        ("yes_no", []),
        ("country", []),
        ("date", []),
    ]


def test_questions_move_up_and_down(app, make_event, make_user, make_question):
    event = make_event()
    first = make_question(event, label="First", position=0)
    make_question(event, label="Second", position=1)
    third = make_question(event, label="Third", position=2)
    organiser = as_organiser(app, event)

    submit(organiser, f"{question_url(event, third)}/move", {"direction": "up"}, form_url=questions_url(event))
    assert [q.label for q in questions_of(event)] == ["First", "Third", "Second"]
    submit(organiser, f"{question_url(event, first)}/move", {"direction": "down"}, form_url=questions_url(event))
    assert [q.label for q in questions_of(event)] == ["Third", "First", "Second"]
    submit(
        organiser, f"{question_url(event, third)}/move", {"direction": "up"}, form_url=questions_url(event)
    )  # at the top already
    assert [q.label for q in questions_of(event)] == ["Third", "First", "Second"]

    participant = app.test_client()
    login(participant, make_user())
    assert labels_on_form(participant, event) == ["Third", "First", "Second"]


def test_a_removed_question_leaves_the_form_but_its_answers_stay(app, make_event, make_user, make_question):
    event = make_event()
    dinner = make_question(event, QuestionKind.YES_NO, "Will you attend the dinner?")
    user = make_user()
    participant = app.test_client()
    login(participant, user)
    register(participant, event, **{f"q_{dinner.id}": "yes"})
    organiser = as_organiser(app, event)

    response = submit(organiser, f"{question_url(event, dinner)}/remove", {}, form_url=questions_url(event))

    assert response.headers["Location"] == questions_url(event)
    assert questions_of(event) == [] and [q.label for q in questions_of(event, archived=True)] == [
        "Will you attend the dinner?"
    ]
    page = organiser.get(questions_url(event)).get_data(as_text=True)
    assert "The question is removed from the form." in page and "Removed questions" in page
    assert labels_on_form(app.test_client(), event) == []
    registration = registration_of(user, event)
    organiser_page = organiser.get(f"/manage/events/{event.slug}/registrations/{registration.id}").get_data(
        as_text=True
    )
    assert re.search(
        r"Will you attend the dinner\?\s*<span[^>]*>Removed question</span>\s*</dt>\s*<dd[^>]*>Yes<", organiser_page
    )
    csv = organiser.get(
        f"/manage/events/{event.slug}/registrations/export?col=full_name&col=q{dinner.id}&format=csv"
    ).get_data(as_text=True)
    assert csv.splitlines()[:2] == ["\ufeffFull name,Will you attend the dinner? (removed question)", "Li Wei,Yes"]
    # the participant changes their answers later: the removed question's answer is kept
    submit(participant, f"/registrations/{registration.id}", {**REGISTRATION_FORM, "dietary_needs": "Vegan"})
    assert [a.value for a in registration_of(user, event).answers] == [True]


def test_editing_the_options_keeps_the_answers_already_given(app, make_event, make_user, make_question):
    event = make_event()
    hotel = make_question(event, QuestionKind.SINGLE_CHOICE, "Hotel", options=["Beijing Hotel", "Own arrangement"])
    user = make_user()
    participant = app.test_client()
    login(participant, user)
    register(participant, event, **{f"q_{hotel.id}": "Beijing Hotel"})
    organiser = as_organiser(app, event)

    page = organiser.get(question_url(event, hotel)).get_data(as_text=True)
    assert "People have answered this question already, so its kind cannot change." in page
    assert re.search(r'<select[^>]*disabled[^>]*name="kind"|<select[^>]*name="kind"[^>]*disabled', page)
    response = submit(
        organiser,
        question_url(event, hotel),
        {"label": "Hotel in Beijing", "options": "Jianguo Hotel\nOwn arrangement", "required": "y"},
    )

    assert response.status_code == 302
    question = db.session.get(Question, hotel.id)
    assert (question.kind, question.label, question.options, question.required) == (
        QuestionKind.SINGLE_CHOICE,
        "Hotel in Beijing",
        ["Jianguo Hotel", "Own arrangement"],
        True,
    )
    registration = registration_of(user, event)
    assert [a.value for a in registration.answers] == ["Beijing Hotel"]
    organiser_page = organiser.get(f"/manage/events/{event.slug}/registrations/{registration.id}").get_data(
        as_text=True
    )
    assert "Beijing Hotel" in organiser_page
    csv = organiser.get(f"/manage/events/{event.slug}/registrations/export?col=q{hotel.id}").get_data(as_text=True)
    assert csv.splitlines() == ["\ufeffHotel in Beijing", "Beijing Hotel"]

    # the participant's own form still offers their answer, and saving other changes keeps it
    own_page = participant.get(f"/registrations/{registration.id}").get_data(as_text=True)
    assert re.search(
        r'<input[^>]*checked[^>]*value="Beijing Hotel"|<input[^>]*value="Beijing Hotel"[^>]*checked', own_page
    )
    response = submit(
        participant,
        f"/registrations/{registration.id}",
        {**REGISTRATION_FORM, f"q_{hotel.id}": "Beijing Hotel", "dietary_needs": "Halal"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    registration = registration_of(user, event)
    assert ([a.value for a in registration.answers], registration.dietary_needs) == (["Beijing Hotel"], "Halal")
    # a new registrant is offered only the current options
    newcomer = app.test_client()
    login(newcomer, make_user())
    assert "Beijing Hotel" not in newcomer.get(f"/events/{event.slug}/register").get_data(as_text=True)


def test_the_kind_of_an_answered_question_cannot_change(app, make_event, make_user, make_question):
    event = make_event()
    answered = make_question(event, QuestionKind.SHORT_TEXT, "Your ministry")
    unanswered = make_question(event, QuestionKind.SHORT_TEXT, "Your department", position=1)
    participant = app.test_client()
    login(participant, make_user())
    register(participant, event, **{f"q_{answered.id}": "MOHRSS"})
    organiser = as_organiser(app, event)

    page = submit(organiser, question_url(event, answered), {"kind": "date", "label": "Changed"}).get_data(as_text=True)
    assert "People have answered this question already, so its kind cannot change. Add a new question instead." in page
    assert 'value="Changed"' in page  # what was typed stays
    assert (db.session.get(Question, answered.id).kind, db.session.get(Question, answered.id).label) == (
        QuestionKind.SHORT_TEXT,
        "Your ministry",
    )

    submit(organiser, question_url(event, unanswered), {"kind": "yes_no", "label": "Do you work in a department?"})
    assert db.session.get(Question, unanswered.id).kind is QuestionKind.YES_NO


def test_bad_questions_are_refused_with_a_message_by_the_field(app, make_event):
    event = make_event()
    organiser = as_organiser(app, event)
    cases = [
        (
            {"kind": "single_choice", "label": "Session", "options": "Only one"},
            "Give at least two options, one per line.",
        ),
        ({"kind": "multiple_choice", "label": "Topics", "options": ""}, "Give at least two options, one per line."),
        (
            {"kind": "single_choice", "label": "Session", "options": "Plenary\nplenary "},
            "Each option must be different: “plenary” appears twice.",
        ),
        (
            {"kind": "single_choice", "label": "Session", "options": "Short\n" + "x" * 201},
            "An option can have at most 200 characters.",
        ),
        ({"kind": "short_text", "label": "   "}, "Write the question."),
        ({"kind": "spreadsheet", "label": "What?"}, "Choose a kind of question from the list."),
    ]
    for data, message in cases:
        page = add(organiser, event, **data).get_data(as_text=True)
        assert message in page, message
        assert re.search(r'invalid-feedback d-block">' + re.escape(message), page.replace("&#34;", '"')), message
    page = add(organiser, event, kind="single_choice", label="Kept label", options="Only one").get_data(as_text=True)
    assert 'value="Kept label"' in page and "Only one</textarea>" in page
    assert questions_of(event) == []


def test_a_question_of_another_event_is_not_found(app, make_event, make_user, make_question):
    organiser = make_user(can_create_events=True)
    mine, other = make_event(organiser=organiser), make_event(organiser=organiser)
    theirs = make_question(other, label="Other event's question")
    client = app.test_client()
    login(client, organiser)
    assert client.get(question_url(mine, theirs)).status_code == 404
    assert submit(client, f"{question_url(mine, theirs)}/remove", {}, form_url=questions_url(mine)).status_code == 404
    assert (
        submit(
            client, f"{question_url(mine, theirs)}/move", {"direction": "up"}, form_url=questions_url(mine)
        ).status_code
        == 404
    )
    assert not db.session.get(Question, theirs.id).archived


def test_only_the_events_organisers_manage_its_questions(app, make_event, make_user, make_question):
    event = make_event()
    question = make_question(event, label="Kept as it is")
    other_organiser = make_user(can_create_events=True)
    make_event(organiser=other_organiser)
    for person in (make_user(), other_organiser):
        client = app.test_client()
        login(client, person)
        assert client.get(questions_url(event)).status_code == 403
        assert client.get(question_url(event, question)).status_code == 403
        token_page = f"/events/{event.slug}"
        assert (
            submit(
                client, questions_url(event), {"kind": "short_text", "label": "Sneaked in"}, form_url=token_page
            ).status_code
            == 403
        )
        assert submit(client, f"{question_url(event, question)}/remove", {}, form_url=token_page).status_code == 403
        assert (
            submit(
                client, question_url(event, question), {"kind": "short_text", "label": "Changed"}, form_url=token_page
            ).status_code
            == 403
        )
    assert [(q.label, q.archived) for q in db.session.scalars(db.select(Question))] == [("Kept as it is", False)]
    assert app.test_client().get(questions_url(event)).headers["Location"].startswith("/login")


def test_moving_without_a_token_changes_nothing(app, make_event, make_question):
    event = make_event()
    make_question(event, label="First", position=0)
    second = make_question(event, label="Second", position=1)
    organiser = as_organiser(app, event)
    assert organiser.post(f"{question_url(event, second)}/move", data={"direction": "up"}).status_code == 400
    assert [q.label for q in questions_of(event)] == ["First", "Second"]


# --- participants answering --------------------------------------------------------------


def refused(app, make_user, event, message, **answers):
    """Register with ``answers``: the message shows, what was typed stays, nothing is saved."""
    user = make_user()
    client = app.test_client()
    login(client, user)
    response = register(client, event, **answers)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page, page
    assert 'value="Ministry of Human Resources and Social Security"' in page
    assert registration_of(user, event) is None
    return page


def test_a_choice_that_is_not_among_the_options_is_refused(app, make_event, make_user, make_question):
    event = make_event()
    single = make_question(event, QuestionKind.SINGLE_CHOICE, "Session", options=["Plenary", "Workshop"])
    multiple = make_question(event, QuestionKind.MULTIPLE_CHOICE, "Topics", options=["Skills", "Migration"], position=1)
    refused(app, make_user, event, "Choose one of the options.", **{f"q_{single.id}": "Site visit"})
    refused(
        app,
        make_user,
        event,
        "Choose among the options.",
        **{f"q_{single.id}": "Plenary", f"q_{multiple.id}": ["Skills", "Wages"]},
    )


def test_a_required_answer_missing_is_refused(app, make_event, make_user, make_question):
    event = make_event()
    question = make_question(event, QuestionKind.SHORT_TEXT, "Your ministry", required=True)
    page = refused(app, make_user, event, "This question needs an answer.", **{f"q_{question.id}": "  "})
    assert re.search(rf'id="q_{question.id}"', page)


def test_a_country_code_that_does_not_exist_is_refused(app, make_event, make_user, make_question):
    event = make_event()
    question = make_question(event, QuestionKind.COUNTRY, "Country of your passport")
    refused(app, make_user, event, "Choose a country from the list.", **{f"q_{question.id}": "XX"})
    refused(app, make_user, event, "Choose a country from the list.", **{f"q_{question.id}": "ZZ"})


def test_100_kb_in_a_short_field_is_refused(app, make_event, make_user, make_question):
    event = make_event()
    question = make_question(event, QuestionKind.SHORT_TEXT, "Your department")
    refused(
        app, make_user, event, "Field cannot be longer than 300 characters.", **{f"q_{question.id}": "长" * 100_000}
    )


def test_a_bad_date_is_refused_and_a_good_one_kept(app, make_event, make_user, make_question):
    event = make_event()
    question = make_question(event, QuestionKind.DATE, "Arrival date")
    refused(app, make_user, event, "Not a valid date value.", **{f"q_{question.id}": "31/02/2030"})
    user = make_user()
    client = app.test_client()
    login(client, user)
    register(client, event, **{f"q_{question.id}": "2030-03-14"})
    assert [a.value for a in registration_of(user, event).answers] == ["2030-03-14"]
    assert registration_of(user, event).state is State.CONFIRMED
