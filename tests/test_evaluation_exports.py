"""Organisers export the evaluation's answers as CSV and XLSX: one row per response, one column per
question, options in the organiser's language, a summary per question; an anonymous evaluation
gives away nobody who answered, by name or by the order of the rows."""

import csv
import io

import pytest
from openpyxl import load_workbook

from workshop.attendance.models import check_in_staff
from workshop.extensions import db
from workshop.feedback.models import EvaluationQuestionKind as Kind
from workshop.feedback.models import EvaluationResponse

from . import test_feedback
from .test_feedback import add_question, answer, answers, as_user, open_now, participant

past = test_feedback.past  # the fixture: a workshop that ended, with four questions

EXPORT = "/manage/events/{slug}/evaluation/answers.{fmt}"
RESULTS = "/manage/events/{slug}/evaluation/results"

PEOPLE = (
    ("Zhao Lei", "zhao@example.org", dict(rating="5", choice="Yes", topics=("Law", "Data"), text="=HYPERLINK(1)")),
    ("Anna Schmidt", "anna@example.org", dict(rating="4", choice="No", topics=("Law",), text="apples first")),
    ("Li Wei", "li@example.org", dict(rating="4", choice="Yes", topics=(), text="")),
)


@pytest.fixture(autouse=True)
def many_logins(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"


def export_url(event, fmt) -> str:
    return EXPORT.format(slug=event.slug, fmt=fmt)


def answered(app, event, questions, make_user, anonymous):
    open_now(event, anonymous=anonymous)
    registrations = []
    for name, email, data in PEOPLE:
        user, registration = participant(event, make_user, name)
        user.email = email
        db.session.commit()
        registrations.append(registration)
        assert answer(as_user(app, user), event, answers(questions, **data)).status_code == 302
    return registrations


def read_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs to read Chinese
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(response.get_data()))
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets}


def test_an_anonymous_evaluation_exports_answers_without_names_in_a_neutral_order(app, past, make_user):
    event, organiser, questions = past
    registrations = answered(app, event, questions, make_user, anonymous=True)
    client = as_user(app, organiser)

    response = client.get(export_url(event, "csv"))

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f"{event.slug}-evaluation.csv" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    header, answers_rows = rows[0], rows[1:4]
    assert header == [
        "Overall, how was it?",
        "Would you recommend it?",
        "Which topics helped?",
        "What should we improve?",
    ]
    assert sorted(answers_rows) == sorted(
        [["5", "Yes", "Law; Data", "'=HYPERLINK(1)"], ["4", "No", "Law", "apples first"], ["4", "Yes", "", ""]]
    )
    body = response.get_data(as_text=True)
    for name, email, _data in PEOPLE:
        assert name not in body and email not in body
    for registration in registrations:
        assert str(registration.id) not in [cell for row in answers_rows for cell in row]
    assert "Full name" not in body and "Answered on" not in body
    assert db.session.scalar(db.select(db.func.count(EvaluationResponse.id))) == 3


def test_the_rows_of_an_anonymous_export_do_not_follow_the_order_of_the_answers(app, past, make_user):
    event, organiser, questions = past
    open_now(event, anonymous=True)
    for n in range(12):
        user, _registration = participant(event, make_user, f"Person {n}")
        answer(as_user(app, user), event, answers(questions, rating="4", choice="Yes", topics=(), text=f"note {n:02d}"))

    rows = read_csv(as_user(app, organiser).get(export_url(event, "csv")))[1:13]

    comments = [row[3] for row in rows]
    assert sorted(comments) == [f"note {n:02d}" for n in range(12)]
    assert comments != sorted(comments)  # 12 random ids in the order of arrival: one chance in 479 million
    assert rows == read_csv(as_user(app, organiser).get(export_url(event, "csv")))[1:13]  # and always the same


def test_a_named_evaluation_exports_each_response_with_the_name_in_order_of_name(app, past, make_user):
    event, organiser, questions = past
    answered(app, event, questions, make_user, anonymous=False)

    rows = read_csv(as_user(app, organiser).get(export_url(event, "csv")))

    assert rows[0][:3] == ["Full name", "Name in own script", "Answered on"]
    assert [row[0] for row in rows[1:4]] == ["Anna Schmidt", "Li Wei", "Zhao Lei"]
    assert rows[1][3:] == ["4", "No", "Law", "apples first"]
    body = "\n".join(",".join(row) for row in rows)
    assert "@example.org" not in body  # the name, not the e-mail


def test_the_summary_counts_each_option_and_gives_the_average_to_one_decimal(app, past, make_user):
    event, organiser, questions = past
    answered(app, event, questions, make_user, anonymous=True)
    client = as_user(app, organiser)

    rows = read_csv(client.get(export_url(event, "csv")))
    summary = rows[rows.index([]) + 1 :]
    page = client.get(RESULTS.format(slug=event.slug)).get_data(as_text=True)

    assert summary[0] == ["Question", "Answer", "Count"]
    assert ["Overall, how was it?", "Answered by", "3"] in summary
    assert ["Overall, how was it?", "4", "2"] in summary and ["Overall, how was it?", "5 excellent", "1"] in summary
    assert ["Overall, how was it?", "Average (of 5)", "4.3"] in summary
    assert ["Would you recommend it?", "Yes", "2"] in summary and ["Would you recommend it?", "No", "1"] in summary
    assert ["Which topics helped?", "Law", "2"] in summary and ["Which topics helped?", "Practice", "0"] in summary
    assert ["What should we improve?", "Answered by", "2"] in summary
    assert "Average: 4.3 out of 5, from 3 answers" in page
    assert "4.33" not in page and "4.33" not in ",".join(",".join(row) for row in rows)


def test_the_xlsx_reads_back_with_the_answers_and_the_summary(app, past, make_user):
    event, organiser, questions = past
    answered(app, event, questions, make_user, anonymous=False)

    response = as_user(app, organiser).get(export_url(event, "xlsx"))

    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert f"{event.slug}-evaluation.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.get_data()))
    answers_sheet, summary_sheet = workbook.worksheets
    assert (answers_sheet.title, summary_sheet.title) == ("Responses", "Summary per question")
    sheets = read_xlsx(response)
    assert sheets["Responses"][0][:4] == ("Full name", "Name in own script", "Answered on", "Overall, how was it?")
    zhao = next(row for row in sheets["Responses"] if row[0] == "Zhao Lei")
    assert zhao[3:] == (5, "Yes", "Law; Data", "'=HYPERLINK(1)")
    assert all(cell.data_type != "f" for row in answers_sheet.iter_rows() for cell in row)
    average = next(row for row in summary_sheet.iter_rows() if row[1].value == "Average (of 5)")[2]
    assert (average.value, average.number_format) == (4.3, "0.0")


def test_options_are_exported_in_the_organisers_language(app, past, make_user):
    event, organiser, questions = past
    meal = add_question(
        event,
        Kind.CHOICE,
        {"en": "Lunch", "zh": "午餐"},
        options=[{"en": "Fish", "zh": "鱼"}, {"en": "Rice", "zh": "米饭"}],
    )
    open_now(event, anonymous=True)
    user, _registration = participant(event, make_user, "Li Wei")
    data = {**answers(questions), f"q_{meal.id}": "Fish"}
    assert answer(as_user(app, user), event, data).status_code == 302
    organiser.locale = "zh"
    db.session.commit()

    sheets = read_xlsx(as_user(app, organiser).get(export_url(event, "xlsx")))

    (answers_title, answers_rows), (summary_title, summary_rows) = sheets.items()
    assert (answers_title, summary_title) == ("答卷", "各题汇总")
    assert "午餐" in answers_rows[0]
    assert answers_rows[1][-1] == "鱼"
    assert ("午餐", "鱼", 1) in summary_rows and ("午餐", "米饭", 0) in summary_rows


def test_an_unknown_format_is_not_found_and_produces_nothing(app, past, make_user):
    event, organiser, questions = past
    answered(app, event, questions, make_user, anonymous=True)
    client = as_user(app, organiser)

    for fmt in ("pdf", "xls", "CSV", "csv.exe"):
        response = client.get(export_url(event, fmt))
        assert response.status_code == 404, fmt
        assert "Content-Disposition" not in response.headers
    assert client.get(f"/manage/events/{event.slug}/evaluation/answers").status_code == 404


def test_participants_check_in_staff_and_other_organisers_cannot_export(
    app,
    client,
    past,
    make_user,
    make_event,
):
    event, organiser, questions = past
    registrations = answered(app, event, questions, make_user, anonymous=False)
    staff = make_user(full_name="Desk Person")
    db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=staff.id))
    db.session.commit()
    other_organiser = make_event().organisers[0]

    anonymous = client.get(export_url(event, "csv"))
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    for user in (registrations[0].user, staff, other_organiser):
        as_them = as_user(app, user)
        for fmt in ("csv", "xlsx"):
            response = as_them.get(export_url(event, fmt))
            assert response.status_code in (403, 404), (user.full_name, fmt)
            assert "Content-Disposition" not in response.headers
            assert b"apples first" not in response.get_data()


def test_the_export_needs_as_many_queries_for_12_responses_as_for_3(app, make_user, make_event):
    from .conftest import counted_statements

    organiser = make_user(can_create_events=True)
    client = as_user(app, organiser)
    counts = {}
    for people in (3, 12):
        event = make_event(organiser=organiser, starts_in_days=-3, days=2)
        questions = (
            add_question(event, Kind.RATING, "Overall, how was it?", required=True),
            add_question(event, Kind.CHOICE, "Would you recommend it?", options=["Yes", "No"]),
            add_question(event, Kind.MULTIPLE_CHOICE, "Which topics helped?", options=["Law", "Practice", "Data"]),
            add_question(event, Kind.TEXT, "What should we improve?"),
        )
        open_now(event, anonymous=False)
        for n in range(people):
            user, _registration = participant(event, make_user, f"Person {n}")
            answer(as_user(app, user), event, answers(questions))
        for fmt in ("csv", "xlsx"):
            with counted_statements() as statements:
                assert client.get(export_url(event, fmt)).status_code == 200
            counts[people, fmt] = len(statements)
    assert counts[3, "csv"] == counts[12, "csv"] and counts[3, "xlsx"] == counts[12, "xlsx"], counts
