"""Exports of an event's registrations: the chosen columns, CSV that Excel reads in Chinese,
XLSX, no formula ever runs, and only the event's organisers get the file."""

import csv
import io
from datetime import UTC
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook

from workshop.extensions import db
from workshop.registration import exports
from workshop.registration.models import QuestionKind, Registration, Sex
from workshop.registration.states import State

from .conftest import login, register, text_part


def export_url(event, columns, file_format="csv", **filters) -> str:
    return f"/manage/events/{event.slug}/registrations/export?" + urlencode(
        {"col": columns, "format": file_format, **filters}, doseq=True
    )


def as_organiser(app, event):
    client = app.test_client()
    login(client, event.organisers[0])
    return client


def read_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response):
    return load_workbook(io.BytesIO(response.get_data())).active


def xlsx_rows(response) -> list[list]:
    return [
        [cell if cell is not None else "" for cell in row] for row in read_xlsx(response).iter_rows(values_only=True)
    ]


def test_a_csv_export_has_the_chosen_columns_in_utf_8_with_a_bom(app, make_event, add_registration):
    event = make_event(capacity=1, timezone="Asia/Shanghai")
    add_registration(
        event,
        State.CONFIRMED,
        full_name="Li Wei",
        native_name="李伟",
        country="CN",
        email="li.wei@example.org",
        sex=Sex.MALE,
    )
    add_registration(
        event,
        State.WAITLISTED,
        full_name="Anna Schmidt",
        country="DE",
        dietary_needs="Vegetarian",
        email="anna@example.org",
    )
    client = as_organiser(app, event)

    response = client.get(
        export_url(event, ["full_name", "native_name", "email", "country", "sex", "dietary_needs", "state", "position"])
    )

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f"attachment; filename={event.slug}-registrations.csv"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert read_csv(response) == [
        [
            "Full name",
            "Name in own script",
            "E-mail",
            "Country",
            "Sex",
            "Dietary needs",
            "State",
            "Waiting list position",
        ],
        ["Li Wei", "李伟", "li.wei@example.org", "China", "Male", "", "Confirmed", ""],
        ["Anna Schmidt", "", "anna@example.org", "Germany", "Female", "Vegetarian", "On the waiting list", "1"],
    ]


def test_the_export_follows_the_filters_of_the_list(app, make_event, add_registration):
    event = make_event()
    add_registration(event, State.CONFIRMED, full_name="Confirmed Chinese", country="CN")
    add_registration(event, State.PENDING, full_name="Pending Chinese", country="CN")
    add_registration(event, State.CONFIRMED, full_name="Confirmed British", country="GB")
    client = as_organiser(app, event)

    rows = read_csv(client.get(export_url(event, ["full_name"], state="confirmed", country="CN")))

    assert rows == [["Full name"], ["Confirmed Chinese"]]
    assert read_csv(client.get(export_url(event, ["full_name"], q="british"))) == [["Full name"], ["Confirmed British"]]


def test_an_xlsx_export_has_a_bold_frozen_header(app, make_event, add_registration):
    event = make_event(timezone="Asia/Shanghai")
    from datetime import datetime

    add_registration(
        event, full_name="Li Wei", created_at=datetime(2030, 3, 1, 23, 30, tzinfo=UTC), visa_letter_needed=True
    )
    client = as_organiser(app, event)

    response = client.get(export_url(event, ["full_name", "visa_letter_needed", "registered_at"], "xlsx"))

    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == f"attachment; filename={event.slug}-registrations.xlsx"
    sheet = read_xlsx(response)
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert not any(cell.font.bold for cell in sheet[2])
    assert xlsx_rows(response) == [
        ["Full name", "Visa letter needed", "Registered at (Asia/Shanghai)"],
        ["Li Wei", "Yes", "2030-03-02 07:30"],
    ]


def test_answers_to_the_events_questions_are_exported_by_label(app, make_event, add_registration, make_question):
    event = make_event()
    topics = make_question(event, QuestionKind.MULTIPLE_CHOICE, "Topics", options=["Skills", "Migration", "Wages"])
    dinner = make_question(event, QuestionKind.YES_NO, "Dinner", position=1)
    add_registration(event, full_name="Li Wei", answers={topics: ["Skills", "Wages"], dinner: False})
    add_registration(event, full_name="No Answers")
    client = as_organiser(app, event)

    page = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert f'name="col" value="q{topics.id}"' in page and f'for="col-q{dinner.id}">Dinner<' in page

    rows = read_csv(client.get(export_url(event, ["full_name", f"q{topics.id}", f"q{dinner.id}"])))
    assert rows == [["Full name", "Topics", "Dinner"], ["Li Wei", "Skills, Wages", "No"], ["No Answers", "", ""]]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_cells_that_would_be_formulas_are_neutralised(app, make_event, add_registration, make_question, file_format):
    event = make_event()
    note = make_question(event, QuestionKind.SHORT_TEXT, "=Note")
    dangerous = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]
    for i, text in enumerate(dangerous):
        add_registration(event, full_name=f"Person {i}", organisation=text, answers={note: text})
    add_registration(event, full_name="Harmless", organisation="A=B, 1+1")
    client = as_organiser(app, event)

    response = client.get(export_url(event, ["full_name", "organisation", f"q{note.id}"], file_format))

    rows = read_csv(response) if file_format == "csv" else xlsx_rows(response)
    assert rows[0] == ["Full name", "Organisation", "'=Note"]
    if file_format == "xlsx":
        dangerous[-1] = "\nReturn"  # XML reads a carriage return back as a line feed
    assert [row[1:] for row in rows[1:7]] == [["'" + text] * 2 for text in dangerous]
    assert rows[7] == ["Harmless", "A=B, 1+1", ""]
    if file_format == "xlsx":
        sheet = read_xlsx(response)
        assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value is not None)


def test_neutralise_leaves_ordinary_values_alone():
    assert exports.neutralise("=1+1") == "'=1+1"
    assert exports.neutralise("-") == "'-"
    assert exports.neutralise("李伟") == "李伟"
    assert exports.neutralise("a-b") == "a-b"
    assert exports.neutralise(3) == 3
    assert exports.neutralise(None) == ""


def test_a_registration_in_chinese_round_trips_through_csv_and_xlsx(app, make_event, make_user, make_question, mailbox):
    event = make_event(title="移民管理能力建设研讨会")
    hotel = make_question(event, QuestionKind.SINGLE_CHOICE, "住宿", options=["北京饭店", "自行安排"])
    participant = make_user(locale="zh", email="zhou.min@example.org")
    client = app.test_client()
    login(client, participant)
    register(
        client,
        event,
        full_name="Zhou Min",
        native_name="周敏",
        organisation="人力资源和社会保障部",
        job_title="副司长",
        **{f"q_{hotel.id}": "北京饭店"},
    )
    assert "移民管理能力建设研讨会" in mailbox.last_to("zhou.min@example.org")["Subject"]
    assert "Zhou Min" in text_part(mailbox.last_to("zhou.min@example.org"))
    organiser = as_organiser(app, event)
    columns = ["full_name", "native_name", "organisation", "job_title", f"q{hotel.id}"]

    from_csv = read_csv(organiser.get(export_url(event, columns, "csv")))
    from_xlsx = xlsx_rows(organiser.get(export_url(event, columns, "xlsx")))

    expected = ["Zhou Min", "周敏", "人力资源和社会保障部", "副司长", "北京饭店"]
    assert from_csv[1] == expected
    assert from_xlsx[1] == expected
    assert from_csv[0][-1] == from_xlsx[0][-1] == "住宿"
    registration = db.session.scalar(db.select(Registration).where(Registration.user_id == participant.id))
    page = organiser.get(f"/manage/events/{event.slug}/registrations/{registration.id}").get_data(as_text=True)
    assert all(text in page for text in expected)


def test_an_export_without_columns_asks_for_some(app, make_event, add_registration):
    event = make_event()
    add_registration(event)
    client = as_organiser(app, event)

    response = client.get(export_url(event, [], state="confirmed"))

    assert response.headers["Location"] == f"/manage/events/{event.slug}/registrations?state=confirmed"
    assert "Tick at least one column to export." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get(export_url(event, ["nonsense"])).status_code == 302


def test_only_the_events_organisers_get_an_export(app, client, make_event, make_user, add_registration):
    event = make_event()
    add_registration(event, full_name="Private Person", dietary_needs="Kosher")
    url = export_url(event, ["full_name", "dietary_needs"])
    assert client.get(url).headers["Location"].startswith("/login")
    for person in (make_user(), make_user(can_create_events=True)):
        other = app.test_client()
        login(other, person)
        if person.can_create_events:
            make_event(organiser=person)
        response = other.get(url)
        assert response.status_code == 403
        assert b"Private Person" not in response.get_data() and "attachment" not in response.headers.get(
            "Content-Disposition", ""
        )
