"""Questions in every language: organisers write a registration or evaluation question, its help
text and its options in English and Chinese side by side; each participant reads and answers in
theirs; the organisers read every answer as the same option, in their own language."""

import csv
import io
import re
from datetime import date
from urllib.parse import urlencode

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader

from workshop.extensions import db
from workshop.feedback.models import Evaluation, EvaluationAnswer, EvaluationQuestion, EvaluationResponse
from workshop.feedback.models import EvaluationQuestionKind as Kind
from workshop.registration.models import Answer, Question, QuestionKind, Registration
from workshop.reports.pdf import render_report
from workshop.timeutil import utcnow

from .conftest import login, make_registration, register, submit

VISIT = {
    "kind": "single_choice",
    "label-en": "Which field visit will you join?",
    "label-zh": "您将参加哪一项实地考察？",
    "help_text-en": "Places are limited.",
    "help_text-zh": "名额有限。",
    "options-en": "Port of Shanghai\nTraining centre\n",
    "options-zh": "上海港\n培训中心",
    "required": "y",
}


@pytest.fixture(autouse=True)
def many_logins(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"


def questions_url(event) -> str:
    return f"/manage/events/{event.slug}/questions"


def evaluation_url(event) -> str:
    return f"/manage/events/{event.slug}/evaluation"


def client_of(app, user):
    client = app.test_client()
    login(client, user)
    return client


def questions_of(event) -> list[Question]:
    db.session.commit()  # a fresh snapshot: the requests wrote on their own connections
    return list(db.session.scalars(db.select(Question).where(Question.event_id == event.id).order_by(Question.id)))


def choices_on(page: str, question) -> dict[str, str]:
    """The options of a question as a form shows them: the text read, and the value a browser sends."""
    pairs = re.findall(rf'name="q_{question.id}"[^>]*value="([^"]*)">\s*<label[^>]*>(.*?)</label>', page, re.S)
    return {re.sub(r"<[^>]+>", "", label).strip(): value for value, label in pairs}


def answer_on_page(page: str, label: str) -> str:
    """The answer shown next to a question on a registration's page."""
    match = re.search(rf"{re.escape(label)}.*?<dd[^>]*>(.*?)</dd>", page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def registration_of(user, event) -> Registration:
    return db.session.scalar(
        db.select(Registration).where(Registration.user_id == user.id, Registration.event_id == event.id)
    )


# --- registration questions: the happy path ------------------------------------------------------


def test_a_question_in_two_languages_is_read_and_answered_in_each_and_counts_as_one_option(app, make_event, make_user):
    organiser = make_user(can_create_events=True, locale="en")
    event = make_event(organiser=organiser)
    assert submit(client_of(app, organiser), questions_url(event), VISIT).status_code == 302
    [question] = questions_of(event)
    assert question.label.texts == {"en": "Which field visit will you join?", "zh": "您将参加哪一项实地考察？"}
    assert [option.texts for option in question.options] == [
        {"en": "Port of Shanghai", "zh": "上海港"},
        {"en": "Training centre", "zh": "培训中心"},
    ]

    english, chinese = make_user(full_name="Anna Berg", locale="en"), make_user(full_name="Li Wei", locale="zh")
    english_client, chinese_client = client_of(app, english), client_of(app, chinese)
    english_page = english_client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    chinese_page = chinese_client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "Which field visit will you join?" in english_page and "Places are limited." in english_page
    assert "您将参加哪一项实地考察？" not in english_page
    assert "您将参加哪一项实地考察？" in chinese_page and "名额有限。" in chinese_page
    assert "Which field visit will you join?" not in chinese_page
    english_choices, chinese_choices = choices_on(english_page, question), choices_on(chinese_page, question)
    assert list(english_choices) == ["Port of Shanghai", "Training centre"]
    assert list(chinese_choices) == ["上海港", "培训中心"]

    register(english_client, event, full_name="Anna Berg", **{f"q_{question.id}": english_choices["Training centre"]})
    register(chinese_client, event, **{f"q_{question.id}": chinese_choices["培训中心"]})
    db.session.commit()
    answers = [registration_of(person, event).answers[0].value for person in (english, chinese)]
    assert answers == ["Training centre", "Training centre"]  # the same option, whichever language chose it

    # The participant reads their answer in their language; the organisers in theirs.
    mine = registration_of(chinese, event)
    own_page = chinese_client.get(f"/registrations/{mine.id}").get_data(as_text=True)
    checked = rf'<input [^>]*checked[^>]*name="q_{question.id}"[^>]*>\s*<label[^>]*>(.*?)</label>'
    assert re.findall(checked, own_page) == ["培训中心"]
    manage = f"/manage/events/{event.slug}/registrations/{mine.id}"
    organiser_client = client_of(app, organiser)
    assert answer_on_page(organiser_client.get(manage).get_data(as_text=True), "Which field visit") == "Training centre"
    chinese_organiser = make_user(locale="zh")
    event.organisers.append(chinese_organiser)
    db.session.commit()
    assert (
        answer_on_page(client_of(app, chinese_organiser).get(manage).get_data(as_text=True), "您将参加") == "培训中心"
    )

    export = f"/manage/events/{event.slug}/registrations/export?" + urlencode(
        {"col": ["full_name", f"q{question.id}"], "format": "csv"}, doseq=True
    )
    header, *rows = read_csv(organiser_client.get(export))
    assert header == ["Full name", "Which field visit will you join?"]
    assert sorted(rows) == [["Anna Berg", "Training centre"], ["Li Wei", "Training centre"]]
    chinese_csv = read_csv(client_of(app, chinese_organiser).get(export))
    assert [row[1] for row in chinese_csv] == ["您将参加哪一项实地考察？", "培训中心", "培训中心"]


def test_the_builder_shows_both_languages_side_by_side_to_edit_them(app, make_event, make_user):
    organiser = make_user(can_create_events=True)
    event = make_event(organiser=organiser)
    client = client_of(app, organiser)
    submit(client, questions_url(event), VISIT)
    [question] = questions_of(event)
    edit = f"{questions_url(event)}/{question.id}"

    page = client.get(edit).get_data(as_text=True)
    assert 'name="label-zh" type="text" value="您将参加哪一项实地考察？"' in page
    assert "Port of Shanghai\nTraining centre</textarea>" in page and "上海港\n培训中心</textarea>" in page

    changed = {
        **VISIT,
        "options-en": "Port of Shanghai\nTraining centre\nILO office\nNone",
        "options-zh": "上海港\n培训中心\nILO office\n不参加",  # a name may read the same in both
    }
    assert submit(client, edit, changed).status_code == 302
    [question] = questions_of(event)
    assert [option.get("zh") for option in question.options] == ["上海港", "培训中心", "ILO office", "不参加"]


def test_an_answer_kept_before_options_had_translations_still_reads_as_its_option(app, make_event, make_user):
    organiser = make_user(can_create_events=True, locale="zh")
    event = make_event(organiser=organiser)
    question = Question(event_id=event.id, kind=QuestionKind.SINGLE_CHOICE, label="Meal", position=0)
    question.options_json = '["Vegetarian", "Halal"]'  # as kept before options had translations
    db.session.add(question)
    registration = make_registration(event, make_user())
    db.session.add(Answer(registration=registration, question=question, value_json='"Halal"'))
    db.session.commit()
    client = client_of(app, organiser)
    manage = f"/manage/events/{event.slug}/registrations/{registration.id}"
    assert answer_on_page(client.get(manage).get_data(as_text=True), "Meal") == "Halal"

    translated = {"kind": "single_choice", "label-en": "Meal", "label-zh": "餐食", "options-en": "Vegetarian\nHalal"}
    assert (
        submit(client, f"{questions_url(event)}/{question.id}", {**translated, "options-zh": "素食\n清真"}).status_code
        == 302
    )
    assert answer_on_page(client.get(manage).get_data(as_text=True), "餐食") == "清真"


# --- the standard evaluation questions --------------------------------------------------------------


def test_the_standard_evaluation_questions_come_in_both_languages_whoever_adds_them(app, make_event, make_user):
    organiser = make_user(can_create_events=True, locale="zh")
    event = make_event(organiser=organiser, starts_in_days=-3, days=2)
    client = client_of(app, organiser)
    standard = f"{evaluation_url(event)}/standard-questions"
    submit(client, standard, {}, form_url=evaluation_url(event))
    english_organiser = make_user(locale="en")
    event.organisers.append(english_organiser)
    db.session.commit()
    submit(client_of(app, english_organiser), standard, {}, form_url=evaluation_url(event))  # on the form already

    questions = db.session.scalars(db.select(EvaluationQuestion).order_by(EvaluationQuestion.position)).all()
    assert len(questions) == 7
    first, recommend = questions[0], next(q for q in questions if q.kind is Kind.CHOICE)
    with app.test_request_context():
        for language in ("en", "zh"):
            with force_locale(language):
                assert first.label.get(language) == _("Overall, how would you rate the event?")
                assert [option.get(language) for option in recommend.options] == [_("Yes"), _("No")]
    assert first.label.get("en") == "Overall, how would you rate the event?" != first.label.get("zh")
    assert [option.texts for option in recommend.options] == [{"en": "Yes", "zh": "是"}, {"en": "No", "zh": "否"}]

    # Each participant reads them in their language and answers; the results count one option.
    introduction = {"introduction-en": "Thank you for **coming**.", "introduction-zh": "感谢您的**参与**。"}
    assert (
        submit(client, f"{evaluation_url(event)}/settings", introduction, form_url=evaluation_url(event)).status_code
        == 302
    )
    evaluation = db.session.scalars(db.select(Evaluation)).one()
    evaluation.opened_at = utcnow()
    db.session.commit()
    for locale, overall, thanks in (
        ("en", "Overall, how would you rate the event?", "Thank you for <strong>coming</strong>."),
        ("zh", first.label.get("zh"), "感谢您的<strong>参与</strong>。"),
    ):
        person = make_user(locale=locale)
        make_registration(event, person)
        participant = client_of(app, person)
        page = participant.get(f"/events/{event.slug}/evaluation").get_data(as_text=True)
        assert overall in page and thanks in page
        yes = choices_on(page, recommend)["Yes" if locale == "en" else "是"]
        data = {f"q_{first.id}": "5", f"q_{recommend.id}": yes}
        response = submit(participant, f"/events/{event.slug}/evaluation", data, form_url=f"/events/{event.slug}")
        assert response.status_code == 302
    results = client.get(f"{evaluation_url(event)}/results").get_data(as_text=True)
    counts = re.findall(
        r'class="fw-normal choice-option">(.*?)</th>.*?<span class="small text-nowrap">(\d+)', results, re.S
    )
    assert [(re.sub(r"<[^>]+>", "", option), count) for option, count in counts][:2] == [("是", "2"), ("否", "0")]


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"label-en": "", "label-zh": "   "}, "Write the question."),
        (
            {"options-en": "Port of Shanghai\nTraining centre\nNone"},
            "the English list has 3 and the Chinese list 2",
        ),
        ({"label-zh": "问" * 301}, "The Chinese text is longer than 300 characters."),
    ],
)
def test_a_wrong_question_is_refused_with_a_message_and_nothing_changes(app, make_event, make_user, change, message):
    organiser = make_user(can_create_events=True)
    event = make_event(organiser=organiser)
    client = client_of(app, organiser)
    response = submit(client, questions_url(event), {**VISIT, **change})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "上海港\n培训中心</textarea>" in page  # what was typed is kept
    assert questions_of(event) == []

    submit(client, questions_url(event), VISIT)
    [question] = questions_of(event)
    before = (question.label.texts, question.options_json)
    response = submit(client, f"{questions_url(event)}/{question.id}", {**VISIT, **change})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    [question] = questions_of(event)
    assert (question.label.texts, question.options_json) == before


def test_an_evaluation_question_with_options_of_different_counts_is_refused(app, make_event, make_user):
    organiser = make_user(can_create_events=True)
    event = make_event(organiser=organiser)
    data = {
        "kind": "choice",
        "label-en": "Useful?",
        "label-zh": "有用吗？",
        "options-en": "Yes\nNo",
        "options-zh": "是",
    }
    response = submit(client_of(app, organiser), evaluation_url(event), data)
    assert response.status_code == 400
    assert "the English list has 2 and the Chinese list 1" in response.get_data(as_text=True)
    assert db.session.scalars(db.select(EvaluationQuestion)).all() == []


# --- access ------------------------------------------------------------------------------------------


def test_a_participant_or_another_events_organiser_cannot_add_or_edit_questions(app, make_event, make_user):
    organiser = make_user(can_create_events=True)
    event = make_event(organiser=organiser)
    submit(client_of(app, organiser), questions_url(event), VISIT)
    [question] = questions_of(event)
    before = (question.label.texts, question.options_json)
    participant = make_user()
    make_registration(event, participant)
    other_organiser = make_user(can_create_events=True)
    make_event(organiser=other_organiser)
    token_page = f"/events/{event.slug}"
    sneaked = {**VISIT, "label-en": "Sneaked in", "label-zh": "混入"}
    for person in (participant, other_organiser):
        client = client_of(app, person)
        for url in (questions_url(event), f"{questions_url(event)}/{question.id}", evaluation_url(event)):
            assert submit(client, url, sneaked, form_url=token_page).status_code in (403, 404)
    assert [(q.label.texts, q.options_json) for q in questions_of(event)] == [before]
    assert db.session.scalars(db.select(EvaluationQuestion)).all() == []


# --- the workshop report ---------------------------------------------------------------------------


def test_the_reports_evaluation_reads_the_questions_and_options_in_the_readers_language(app, make_event, make_user):
    event = make_event(organiser=make_user(can_create_events=True), starts_in_days=-3, days=2)
    db.session.add(Evaluation(event_id=event.id, anonymous=True))
    question = EvaluationQuestion(
        event_id=event.id, kind=Kind.CHOICE, label={"en": "Would you recommend it?", "zh": "您会推荐吗？"}, position=0
    )
    question.options = [{"en": "Certainly", "zh": "一定会"}, {"en": "Unlikely", "zh": "不太会"}]
    db.session.add(question)
    db.session.flush()
    for _n in range(2):  # both kept the option's value, whichever language they answered in
        response = EvaluationResponse(event_id=event.id, submitted_on=date.today())
        response.answers = [EvaluationAnswer(question_id=question.id, value_json='["Certainly"]')]
        db.session.add(response)
    db.session.commit()

    for language, expected in (("en", ("Would you recommend it?", "Certainly")), ("zh", ("您会推荐吗？", "一定会"))):
        with app.test_request_context("/"), force_locale(language):  # the organiser's, as the compiling job
            text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_report(event))).pages)
        assert all(words in text for words in expected), language
