"""Attendance statistics: per session present of confirmed and the rate, per participant sessions and
hours attended, the attendance matrix as XLSX, for the event's organisers only, in a number of
queries that does not grow with the event."""

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import event as sa_event

from workshop.agenda.models import SessionKind
from workshop.attendance import recording
from workshop.attendance.models import Method, check_in_staff
from workshop.events.models import EventStatus
from workshop.extensions import db
from workshop.registration.states import State

from .conftest import as_user, make_registration

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def statistics_url(event) -> str:
    return f"/manage/events/{event.slug}/attendance"


def xlsx_url(event) -> str:
    return f"/manage/events/{event.slug}/attendance.xlsx"


def participant(make_user, event, full_name="Li Wei", native_name="李伟", state=None):
    return make_registration(event, make_user(full_name=full_name, native_name=native_name), state)


def mark(event, registration, session=None):
    answer = recording.mark_present(event, registration, session, Method.ROSTER, event.organisers[0])
    assert answer.outcome is recording.Outcome.CHECKED_IN, answer.outcome


def row_of(page: str, registration) -> str:
    start = page.index(f'data-registration="{registration.id}"')
    return page[start : page.index("</tr>", start)]


def session_row(page: str, session) -> str:
    start = page.index(f'data-session="{session.id}"')
    return page[start : page.index("</tr>", start)]


def workbook_of(response):
    assert response.status_code == 200
    assert response.content_type == XLSX
    return load_workbook(io.BytesIO(response.data)).active


def programme(event, make_session):
    """Three sessions that count (90, 60 and 120 minutes), a lunch that does not, a cancelled panel."""
    start = event.starts_at
    return {
        "opening": make_session(event, "Opening plenary", start=start, minutes=90),
        "panel": make_session(
            event, "Panel on labour migration", kind=SessionKind.PANEL, start=start + timedelta(hours=2), minutes=60
        ),
        "lunch": make_session(
            event,
            "Lunch",
            kind=SessionKind.MEAL,
            start=start + timedelta(hours=3),
            minutes=60,
            counts_for_attendance=False,
        ),
        "training": make_session(
            event,
            "Training: labour inspection",
            kind=SessionKind.TRAINING,
            start=start + timedelta(hours=4),
            minutes=120,
        ),
        "cancelled": make_session(
            event, "Cancelled panel", start=start + timedelta(hours=7), minutes=60, cancelled=True
        ),
    }


# --- the page ---------------------------------------------------------------------------------


def test_each_counting_session_shows_present_of_confirmed_and_the_rate(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1)
    s = programme(event, make_session)
    li, anna, chen, wang = (
        participant(make_user, event, name) for name in ("Li Wei", "Anna Schmidt", "Chen Jing", "Wang Fang")
    )
    mark(event, li, s["opening"]), mark(event, anna, s["opening"]), mark(event, li, s["panel"])
    mark(event, chen)  # arrival only
    mark(event, wang, s["lunch"])  # a session that does not count
    mark(event, wang, s["training"])
    recording.undo_mark(recording.attendance_of(wang.id, s["training"].id), Method.ROSTER, None)  # undone: not present
    gone = participant(make_user, event, "Gone Person")
    mark(event, gone, s["opening"])
    gone.state = State.CANCELLED  # was there, then cancelled: no longer counted
    db.session.commit()

    page = as_user(app, event.organisers[0]).get(statistics_url(event)).get_data(as_text=True)

    opening = session_row(page, s["opening"])
    assert 'data-testid="present">2<' in opening and ">4<" in opening and 'data-testid="rate">50%<' in opening
    assert 'data-testid="present">1<' in session_row(page, s["panel"]) and "25%" in session_row(page, s["panel"])
    assert 'data-testid="present">0<' in session_row(page, s["training"]) and "0%" in session_row(page, s["training"])
    assert "Lunch" not in page and "Cancelled panel" not in page
    assert "Confirmed participants: 4. Arrived at the event: 1." in page
    assert "Sessions that count for attendance: 3, in 3 time slots, 4.5 hours in all." in page
    assert "Gone Person" not in page


def test_each_participant_shows_sessions_and_hours_attended_ordered_by_name(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1)
    s = programme(event, make_session)
    zhang = participant(make_user, event, "Zhang Min", "张敏")
    anna = participant(make_user, event, "Anna Schmidt", "")
    (
        mark(event, zhang, s["opening"]),
        mark(event, zhang, s["training"]),
        mark(event, zhang, s["lunch"]),
        mark(event, zhang),
    )
    mark(event, anna, s["panel"])
    client = as_user(app, event.organisers[0])

    page = client.get(statistics_url(event)).get_data(as_text=True)

    zhang_row = row_of(page, zhang)
    assert "Zhang Min" in zhang_row and "张敏" in zhang_row
    assert 'data-testid="sessions-attended">2 of 3<' in zhang_row  # the lunch and the arrival are not sessions
    assert 'data-testid="hours-attended">3.5<' in zhang_row  # 1.5 h + 2 h
    assert 'data-testid="hours-attended">1<' in row_of(page, anna)
    assert page.index("Anna Schmidt") < page.index("Zhang Min")

    by_hours = client.get(statistics_url(event) + "?sort=hours").get_data(as_text=True)
    assert by_hours.index("Zhang Min") < by_hours.index("Anna Schmidt")
    by_sessions = client.get(statistics_url(event) + "?sort=sessions").get_data(as_text=True)
    assert by_sessions.index("Zhang Min") < by_sessions.index("Anna Schmidt")


def test_an_event_without_participants_or_sessions_says_so(app, make_event):
    event = make_event()

    page = as_user(app, event.organisers[0]).get(statistics_url(event)).get_data(as_text=True)

    assert "No session of this event counts for attendance yet." in page
    assert "This event has no confirmed participants yet." in page


def test_an_unknown_sort_or_filter_shows_everyone_by_name(app, make_user, make_event):
    event = make_event()
    participant(make_user, event, "Li Wei")

    response = as_user(app, event.organisers[0]).get(statistics_url(event) + "?sort=password&show=<script>")

    assert response.status_code == 200
    assert "Li Wei" in response.get_data(as_text=True)


# --- the matrix ---------------------------------------------------------------------------------


def test_the_matrix_has_participants_by_sessions_with_both_names_and_totals(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1, timezone="Asia/Shanghai")
    s = programme(event, make_session)
    zhang = participant(make_user, event, "Zhang Min", "张敏")
    anna = participant(make_user, event, "Anna Schmidt", "")
    mark(event, zhang), mark(event, zhang, s["opening"]), mark(event, zhang, s["training"])
    mark(event, anna, s["opening"])

    response = as_user(app, event.organisers[0]).get(xlsx_url(event))

    sheet = workbook_of(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert f"{event.slug}-attendance.xlsx" in response.headers["Content-Disposition"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    local = (event.starts_at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert header[:5] == ["Full name", "Name in own script", "Organisation", "Country", "Arrived"]
    assert header[5:8] == [f"Opening plenary ({local})", header[6], header[7]]
    assert header[6].startswith("Panel on labour migration") and header[7].startswith("Training: labour inspection")
    assert header[8:] == ["Sessions attended (of 3)", "Hours attended (of 4.5)"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "C2"
    assert rows[1] == [
        "Anna Schmidt",
        None,
        "Ministry of Human Resources and Social Security",
        "China",
        None,
        1,
        None,
        None,
        1,
        1.5,
    ]
    assert rows[2] == [
        "Zhang Min",
        "张敏",
        "Ministry of Human Resources and Social Security",
        "China",
        1,
        1,
        None,
        1,
        2,
        3.5,
    ]
    assert rows[3][:8] == ["Present", None, None, None, 1, 2, 0, 1]
    assert all(cell.font.bold for cell in sheet[4])


def test_the_matrix_says_who_is_eligible_once_there_is_a_rule(app, make_user, make_event, make_session):
    from workshop.attendance.models import CertificateRule

    event = make_event(starts_in_days=-1)
    s = programme(event, make_session)
    zhang = participant(make_user, event, "Zhang Min", "张敏")
    participant(make_user, event, "Anna Schmidt", "")
    for session in (s["opening"], s["panel"], s["training"]):
        mark(event, zhang, session)
    db.session.add(CertificateRule(event_id=event.id, min_percent=100))
    db.session.commit()

    sheet = workbook_of(as_user(app, event.organisers[0]).get(xlsx_url(event)))

    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][-1] == "Eligible for a certificate"
    assert (rows[1][0], rows[1][-1]) == ("Anna Schmidt", "No")
    assert (rows[2][0], rows[2][-1]) == ("Zhang Min", "Yes")


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(app, make_user, make_event, make_session):
    event = make_event()
    make_session(event, title="+cmd|' /C calc'!A0")
    evil = participant(make_user, event, '=HYPERLINK("http://evil.example","click")', "@SUM(1+1)")
    evil.organisation = "-2+3"
    db.session.commit()

    sheet = workbook_of(as_user(app, event.organisers[0]).get(xlsx_url(event)))

    assert sheet["F1"].value.startswith("'+cmd|")
    assert sheet["A2"].value == '\'=HYPERLINK("http://evil.example","click")' and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == "'@SUM(1+1)" and sheet["C2"].value == "'-2+3"


def test_the_matrix_of_an_event_without_sessions_has_the_names_and_totals(app, make_user, make_event):
    event = make_event()
    participant(make_user, event, "Li Wei", "李伟")

    sheet = workbook_of(as_user(app, event.organisers[0]).get(xlsx_url(event)))

    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][-2:] == ["Sessions attended (of 0)", "Hours attended (of 0)"]
    assert rows[1][:2] == ["Li Wei", "李伟"] and rows[1][-2:] == [0, 0]
    assert rows[2][0] == "Present"


# --- access ---------------------------------------------------------------------------------


def test_only_the_events_organisers_see_statistics_and_the_matrix(app, client, make_user, make_event, make_session):
    event = make_event()
    make_session(event)
    confirmed = participant(make_user, event, "Li Wei")
    staff = make_user()
    db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=staff.id))
    other_organiser = make_event().organisers[0]
    db.session.commit()

    for url in (statistics_url(event), xlsx_url(event)):
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
        assert as_user(app, confirmed.user).get(url).status_code == 403
        assert (
            as_user(app, staff).get(url).status_code == 403
        )  # check-in staff record attendance, they do not see statistics
        assert as_user(app, other_organiser).get(url).status_code == 403
        assert as_user(app, event.organisers[0]).get(url).status_code == 200
    admin = make_user(is_admin=True)
    assert as_user(app, admin).get(statistics_url(event)).status_code == 200


def test_a_draft_events_statistics_are_not_found_by_others(app, make_user, make_event):
    draft = make_event(status=EventStatus.DRAFT)
    someone = as_user(app, make_user())

    assert someone.get(statistics_url(draft)).status_code == 404
    assert someone.get(xlsx_url(draft)).status_code == 404
    assert someone.get("/manage/events/no-such-event/attendance").status_code == 404


# --- queries ----------------------------------------------------------------------------------


def statements_for(client, url: str) -> int:
    counted: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        counted.append(statement)

    assert client.get(url).status_code == 200  # warm-up
    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    return len(counted)


def test_the_statistics_need_as_many_queries_for_40_participants_and_12_sessions_as_for_5_and_3(
    app, make_user, make_event, make_session
):
    from workshop.attendance.models import CertificateRule

    organiser = make_user(can_create_events=True)
    client = as_user(app, organiser)
    counts = {}
    for participants, sessions in ((5, 3), (40, 12)):
        event = make_event(organiser=organiser, starts_in_days=-1)
        agenda = [
            make_session(event, f"Session {n}", start=event.starts_at + timedelta(hours=n), minutes=45)
            for n in range(sessions)
        ]
        db.session.add(CertificateRule(event_id=event.id, min_percent=50, min_hours=1))
        db.session.commit()
        for n in range(participants):
            registration = participant(make_user, event, f"Participant {n}", f"参加者{n}")
            mark(event, registration, agenda[n % sessions])
            if n % 2:
                mark(event, registration)
        counts[participants] = (
            statements_for(client, statistics_url(event)),
            statements_for(client, statistics_url(event) + "?show=eligible&sort=hours"),
            statements_for(client, xlsx_url(event)),
        )
    assert counts[5] == counts[40], counts
