"""The compiled workshop report PDF: cover, contents with the right page numbers, the written sections,
agenda, speakers, summaries, participation and attendance figures, evaluation results and annexes,
made from the current data; an event with nothing in it still gives a report that says so; what
people wrote never becomes markup; the number of queries does not grow with the event."""

import io
import json
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import event as sa_event

from workshop.agenda.models import SessionKind, SpeakerRole
from workshop.attendance.models import Attendance, Method
from workshop.extensions import db
from workshop.feedback.models import (
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationQuestionKind,
    EvaluationResponse,
)
from workshop.materials.models import Material, MaterialVersion, Visibility
from workshop.registration.models import OrganisationType, Sex
from workshop.registration.states import State
from workshop.reports.models import ReportSection, SectionKind, SessionSummary
from workshop.reports.pdf import render_report

from .conftest import make_registration


def render(app, event, language="en") -> bytes:
    with app.test_request_context("/", headers={"Accept-Language": language}):
        return render_report(db.session.get(type(event), event.id))


def pages_of(data: bytes) -> list[str]:
    return [page.extract_text().replace("\xa0", " ") for page in PdfReader(io.BytesIO(data)).pages]


def text_of(data: bytes) -> str:
    return "\n".join(pages_of(data))


def participant(
    make_user,
    event,
    name,
    native="",
    state=State.CONFIRMED,
    listed=False,
    country="CN",
    sex=Sex.FEMALE,
    kind=OrganisationType.GOVERNMENT,
):
    user = make_user(full_name=name, native_name=native)
    registration = make_registration(event, user, state)
    registration.listed_publicly = listed
    registration.country, registration.sex, registration.organisation_type = country, sex, kind
    registration.organisation = f"Organisation of {name}"
    db.session.commit()
    return registration


def mark(event, registration, session):
    db.session.add(
        Attendance(
            registration_id=registration.id,
            event_id=event.id,
            session_id=session.id,
            slot=session.id,
            present=True,
            method=Method.ROSTER,
        )
    )
    db.session.commit()


def evaluation_of(event, ratings, comments, session=None):
    db.session.add(Evaluation(event_id=event.id, anonymous=True))
    rating = EvaluationQuestion(
        event_id=event.id, kind=EvaluationQuestionKind.RATING, label="How useful was the workshop?", position=0
    )
    comment = EvaluationQuestion(
        event_id=event.id,
        kind=EvaluationQuestionKind.TEXT,
        label="What should change?",
        position=1,
        session_id=session.id if session else None,
    )
    db.session.add_all([rating, comment])
    db.session.flush()
    for n, value in enumerate(ratings):
        answers = [EvaluationAnswer(question_id=rating.id, rating=value)]
        if n < len(comments):
            answers.append(EvaluationAnswer(question_id=comment.id, value_json=json.dumps(comments[n])))
        db.session.add(EvaluationResponse(event_id=event.id, submitted_on=date(2030, 3, 14), answers=answers))
    db.session.commit()


@pytest.fixture
def workshop(app, make_user, make_event, make_session, make_speaker):
    """A workshop in Beijing with everything a report shows; Hidden Person did not agree to be listed."""
    event = make_event(
        title="Labour Migration Workshop",
        timezone="Asia/Shanghai",
        venue="Friendship Hotel",
        city="Beijing",
        country="CN",
        partners=["International Labour Organization", "Tsinghua University"],
        summary="Officials and researchers compare practice.",
    )
    opening = make_session(event, "Opening plenary", minutes=60, room="Main hall")
    make_session(
        event,
        "Coffee break",
        kind=SessionKind.BREAK,
        start=event.starts_at + timedelta(hours=1),
        minutes=30,
        counts_for_attendance=False,
    )
    panel = make_session(
        event, "Panel on fair recruitment", kind=SessionKind.PANEL, start=event.starts_at + timedelta(hours=2)
    )
    make_speaker(
        event,
        "Wang Fang",
        "王芳",
        sessions=[opening],
        role=SpeakerRole.CHAIR,
        affiliation="Renmin University of China",
        title="Professor",
        biography="Directs *labour migration* studies since 2012.",
    )
    make_speaker(
        event, "Zhao Lei", "赵磊", sessions=[panel], role=SpeakerRole.RAPPORTEUR, affiliation="ILO Office for China"
    )
    db.session.add_all(
        [
            ReportSection(
                event_id=event.id,
                kind=SectionKind.EXECUTIVE_SUMMARY,
                body="The workshop agreed on **fair recruitment**.",
                position=0,
            ),
            ReportSection(
                event_id=event.id,
                kind=SectionKind.BACKGROUND,
                body="背景：劳动力迁移治理的经验交流。\n\n- first point\n- second point",
                position=1,
            ),
            ReportSection(
                event_id=event.id, kind=SectionKind.OBJECTIVES, body="   ", position=2
            ),  # nothing written: left out
            SessionSummary(session_id=panel.id, body="Participants agreed on better pre-departure information."),
        ]
    )
    listed = participant(make_user, event, "Listed Person", "李伟", listed=True)
    hidden = participant(make_user, event, "Hidden Person", country="GB", sex=Sex.MALE, kind=OrganisationType.WORKERS)
    participant(make_user, event, "Waiting Person", state=State.WAITLISTED, listed=True, country="FR")
    mark(event, listed, opening)
    mark(event, hidden, opening)
    mark(event, listed, panel)
    evaluation_of(event, [5, 4], ["More time for questions.", "Translate the slides."])
    db.session.add(
        Material(
            event_id=event.id,
            title="Recruitment fees study",
            url="https://www.ilo.org/fees",
            visibility=Visibility.PUBLIC,
        )
    )
    slides = Material(event_id=event.id, session_id=panel.id, title="Panel slides", visibility=Visibility.PARTICIPANTS)
    slides.versions = [
        MaterialVersion(
            number=1,
            storage_key="k" * 32,
            filename="slides.pdf",
            content_type="application/pdf",
            size=2_400_000,
            sha256="0" * 64,
        )
    ]
    db.session.add_all(
        [
            slides,
            Material(
                event_id=event.id,
                title="Budget notes",
                url="https://example.org/budget",
                visibility=Visibility.ORGANISERS,
            ),
        ]
    )
    db.session.commit()
    return event


def test_the_report_shows_the_written_sections_agenda_speakers_summaries_and_annexes(app, workshop):
    text = text_of(render(app, workshop))

    assert "Labour Migration Workshop" in text and "Workshop report" in text
    assert "Friendship Hotel, Beijing, China" in text
    assert "International Labour Organization" in text and "Tsinghua University" in text
    assert "The workshop agreed on fair recruitment." in text
    assert "背景：劳动力迁移治理的经验交流。" in text and "second point" in text
    assert "Objectives" not in text  # nothing written in it
    assert "Opening plenary" in text and "Main hall" in text and "Asia/Shanghai (UTC+08:00)" in text
    assert "Wang Fang 王芳 (Chair)" in text
    assert "Professor, Renmin University of China" in text and "Directs labour migration studies since 2012." in text
    assert "Participants agreed on better pre-departure information." in text
    assert "Rapporteur: Zhao Lei 赵磊" in text
    assert "Recruitment fees study" in text and "Panel slides" in text and "2.3 MB" in text
    assert "Budget notes" not in text  # the organisers' own material


def test_only_confirmed_participants_who_agreed_are_listed(app, workshop):
    pages = pages_of(render(app, workshop))
    annex = next(page for page in pages[2:] if "A List of participants" in page)

    assert "Listed Person" in annex and "李伟" in annex and "Organisation of Listed Person" in annex
    assert "Confirmed participants who agreed to appear on the list: 1 of 2." in annex
    text = "\n".join(pages)
    assert "Hidden Person" not in text
    assert "Waiting Person" not in text  # agreed, but only waitlisted


def test_the_contents_give_each_heading_its_page_and_every_page_after_the_cover_its_number(app, workshop):
    pages = pages_of(render(app, workshop))
    total = len(pages)

    assert "Page" not in pages[0]  # the cover
    for number, page in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in page
        assert "Labour Migration Workshop" in page  # the running header
    contents = pages[1]
    expected = [
        "Executive summary",
        "Background",
        "Agenda",
        "Speakers",
        "Session summaries",
        "Panel on fair recruitment",
        "Participation",
        "By country",
        "Attendance per session",
        "Evaluation",
        "List of participants",
        "Materials",
    ]
    for title in expected:
        match = re.search(rf"^\s*([0-9A-Z.]+)\s+{re.escape(title)}\s+(\d+)$", contents, re.MULTILINE)
        assert match, f"{title!r} is not in the contents:\n{contents}"
        number, page = match.group(1), int(match.group(2))
        assert re.search(rf"^{re.escape(number)}\s+{re.escape(title)}$", pages[page - 1], re.MULTILINE), (title, page)


def test_participation_and_attendance_count_confirmed_registrations_only(app, workshop):
    text = text_of(render(app, workshop))

    assert "Counted over the 2 confirmed participants" in text
    assert re.search(r"China\s+1\s+50%", text) and re.search(r"United Kingdom\s+1\s+50%", text)
    assert "France" not in text  # the waitlisted participant's country
    assert re.search(r"Workers' organisation\s+1\s+50%", text)
    attendance = text.split("7 Attendance per session")[-1].split("8 Evaluation")[0]
    assert re.search(r"Opening plenary[^/]+2 / 2\s+100%", attendance)
    assert re.search(r"Panel on fair recruitment[^/]+1 / 2\s+50%", attendance)
    assert "Coffee break" not in attendance  # does not count for attendance


def test_evaluation_results_show_the_average_and_the_comments_without_names(app, workshop):
    text = text_of(render(app, workshop))

    assert "2 answers from 2 confirmed participants (100%)" in text
    assert "Average 4.5 of 5, from 2 answers" in text
    assert "“More time for questions.”" in text and "“Translate the slides.”" in text


def test_the_chinese_names_are_set_in_the_cjk_font_and_can_be_copied(app, workshop):
    data = render(app, workshop)
    reader = PdfReader(io.BytesIO(data))
    used = {
        str(font["/BaseFont"]) for page in reader.pages for font in (page["/Resources"].get("/Font") or {}).values()
    }

    assert "/AAAAAA+WenQuanYiMicroHei" in used and "/STSong-Light" not in used
    assert "王芳" in text_of(data) and "赵磊" in text_of(data)


def test_the_labels_follow_the_readers_language(app, workshop):
    text = text_of(render(app, workshop, "zh"))

    assert "Labour Migration Workshop" in text  # as written
    assert "合作伙伴" in text and "Partners" not in text
    assert "Friendship Hotel, Beijing, 中国" in text


def test_an_event_without_participants_or_sessions_still_gives_a_report_that_says_so(app, make_event):
    event = make_event(title="An empty workshop")

    text = text_of(render(app, event))

    assert "An empty workshop" in text
    assert "The organisers have not written any section of the report yet." in text
    assert "The agenda has no sessions." in text
    assert "No speakers are on the agenda." in text
    assert "No session summary is written yet." in text
    assert "No participants are confirmed." in text
    assert "No session counts for attendance." in text
    assert "No evaluation answers." in text
    assert "No participant agreed to appear on the list of participants." in text
    assert "No materials are shared." in text


def test_a_script_tag_and_paragraph_markup_in_what_people_wrote_stay_text(app, make_event):
    event = make_event(title="Workshop with odd text")
    db.session.add_all(
        [
            ReportSection(
                event_id=event.id,
                kind=SectionKind.EXECUTIVE_SUMMARY,
                position=0,
                body='<script>alert("stolen")</script>The panel agreed on **three** points.',
            ),
            ReportSection(
                event_id=event.id,
                kind=SectionKind.OTHER,
                title="Notes <b>bold</b> & more",
                position=1,
                body=(
                    'Tags like <font size="40">this</font>, <para> and &lt;b&gt; are text: `<b>x</b>` and 1 < 2 & 3 '
                    "> 2.\n\n"
                    "| a | b |\n|---|---|\n| <i>one</i> | 二 |\n\n    <pre> kept </pre>\n\n> quoted <u>text</u>"
                ),
            ),
        ]
    )
    db.session.commit()

    text = text_of(render(app, event))

    assert "The panel agreed on three points." in text
    assert "script" not in text and "alert" not in text
    assert "Notes <b>bold</b> & more" in text  # a title is plain text
    assert "<b>x</b>" in text and "1 < 2 & 3 > 2" in text and "<b> are text" in text
    assert "二" in text and "<pre> kept </pre>" in text and "quoted text" in text


def count_statements(app, event) -> int:
    statements: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        render(app, event)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_the_number_of_queries_does_not_grow_with_participants_sessions_and_answers(
    app, make_user, make_event, make_session, make_speaker
):
    counts = []
    for size in (2, 12):
        event = make_event(title=f"Workshop of {size}")
        sessions = [
            make_session(event, f"Session {n}", start=event.starts_at + timedelta(hours=n)) for n in range(size)
        ]
        for n, session in enumerate(sessions):
            make_speaker(event, f"Speaker {size}-{n}", "", sessions=[session])
            db.session.add(SessionSummary(session_id=session.id, body=f"Summary {n}"))
        for n in range(size * 3):
            registration = participant(make_user, event, f"Person {size}-{n}", listed=n % 2 == 0)
            mark(event, registration, sessions[n % size])
        evaluation_of(event, [4] * size, ["Fine."] * size, session=sessions[0])
        counts.append(count_statements(app, event))

    assert counts[0] == counts[1]


def test_a_paragraph_measured_again_for_another_width_or_after_a_split_is_laid_out_anew():
    from workshop.pdf.styles import para, stylesheet

    paragraph = para("Fair recruitment across borders " * 12, stylesheet()["body"])
    _width, wide = paragraph.wrap(400, 1000)
    assert paragraph.wrap(400, 1000)[1] == wide  # measured once, the same lines
    _width, narrow = paragraph.wrap(150, 1000)
    assert narrow > wide

    first, rest = paragraph.split(150, narrow / 2)  # what does not fit on the page goes on
    assert first.wrap(150, 1000)[1] + rest.wrap(150, 1000)[1] == narrow
    assert paragraph.wrap(150, 1000)[1] == narrow  # the split paragraph measures its lines again
