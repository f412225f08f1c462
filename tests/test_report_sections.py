"""The workshop report's written parts: organisers write its sections in Markdown, rapporteurs the
summaries of their sessions; organisers preview and download the compiled PDF, made afresh from the
current data every time. Too long a text, or a script tag, gets a clear answer and changes nothing
that anyone sees; only organisers (and a session's rapporteurs, for its summary) get in."""

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from workshop.agenda.models import SessionKind, SessionSpeaker, SpeakerRole
from workshop.demo.reports import seed_demo_report
from workshop.events.models import EventStatus
from workshop.extensions import db
from workshop.registration.states import State
from workshop.reports.models import ReportSection, SectionKind, SessionSummary

from .conftest import as_user, make_registration, run_worker, submit

REPORT = "/manage/events/{slug}/report"
SECTION = "/manage/events/{slug}/report/sections/{key}"
NEW_SECTION = "/manage/events/{slug}/report/sections/new"
SUMMARIES = "/manage/events/{slug}/report/summaries"
SUMMARY = "/events/{slug}/sessions/{session_id}/summary"
PREVIEW_PDF = "/manage/events/{slug}/report.pdf"
DOWNLOAD_PDF = "/manage/events/{slug}/report/download"
COMPILE = "/manage/events/{slug}/report/compile"

TEN_MB = "a" * (10 * 1024 * 1024)
SCRIPT = '<script>alert("stolen")</script>The panel agreed on **three** points.'


def compiled_report(client, event, url=DOWNLOAD_PDF):
    """Press "Compile the report", then fetch the result (the worker's job runs at once in tests)."""
    response = submit(client, COMPILE.format(slug=event.slug), {}, form_url=REPORT.format(slug=event.slug))
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    return client.get(url.format(slug=event.slug))


@pytest.fixture
def organiser(make_user):
    return make_user(full_name="Catherine Shaw", can_create_events=True)


@pytest.fixture
def event(make_event, organiser):
    return make_event(
        organiser=organiser, title="Labour Migration Workshop", slug="labour-migration-2027", timezone="Asia/Shanghai"
    )


@pytest.fixture
def programme(event, make_session, make_speaker, make_user):
    """Opening (Claire Dubois rapporteur), a coffee break, a panel (Zhao Lei rapporteur), a cancelled
    session; Wang Fang speaks in the opening but reports on nothing."""
    opening = make_session(event, "Opening plenary", minutes=60)
    make_session(event, "Coffee break", kind=SessionKind.BREAK, start=event.starts_at + timedelta(hours=1), minutes=30)
    panel = make_session(
        event, "Panel on recruitment", kind=SessionKind.PANEL, start=event.starts_at + timedelta(hours=2)
    )
    cancelled = make_session(
        event, "Site visit", kind=SessionKind.SITE_VISIT, start=event.starts_at + timedelta(hours=5), cancelled=True
    )
    claire = make_user(full_name="Claire Dubois")
    zhao = make_user(full_name="Zhao Lei", native_name="赵磊")
    wang = make_user(full_name="Wang Fang", native_name="王芳")
    make_speaker(event, "Claire Dubois", "", sessions=[opening], role=SpeakerRole.RAPPORTEUR, user=claire)
    make_speaker(event, "Zhao Lei", "赵磊", sessions=[panel], role=SpeakerRole.RAPPORTEUR, user=zhao)
    make_speaker(event, "Wang Fang", "王芳", sessions=[opening], role=SpeakerRole.SPEAKER, user=wang)
    return {"opening": opening, "panel": panel, "cancelled": cancelled, "claire": claire, "zhao": zhao, "wang": wang}


def sections_of(event) -> list[ReportSection]:
    db.session.commit()  # a fresh snapshot: other connections wrote meanwhile
    db.session.expire_all()
    return db.session.scalars(
        db.select(ReportSection).where(ReportSection.event_id == event.id).order_by(ReportSection.id)
    ).all()


def summary_of(session) -> SessionSummary | None:
    db.session.commit()
    db.session.expire_all()
    return db.session.scalar(db.select(SessionSummary).where(SessionSummary.session_id == session.id))


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def section_titles(html: str) -> list[str]:
    return re.findall(r'data-testid="section-title">([^<]+)<', html)


def save_section(client, event, key, body, title="", **extra):
    url = SECTION.format(slug=event.slug, key=key)
    return submit(client, url, {"title": title, "body": body, "submit": "Save", **extra})


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- sections ---------------------------------------------------------------------------------


def test_the_five_standard_sections_are_listed_in_order_before_anything_is_written(app, event, organiser):
    client = as_user(app, organiser)

    html = page(client, REPORT.format(slug=event.slug))

    assert section_titles(html) == ["Executive summary", "Background", "Objectives", "Conclusions", "Recommendations"]
    assert html.count("Not written yet") == 5
    assert sections_of(event) == []


def test_an_organiser_writes_a_section_and_sees_it_rendered_with_who_edited_it(app, event, organiser):
    client = as_user(app, organiser)

    response = save_section(client, event, "background", "The project runs **since 2024** in three provinces.")

    assert response.status_code == 302
    html = page(client, REPORT.format(slug=event.slug))
    assert "The project runs <strong>since 2024</strong> in three provinces." in html
    assert "Last edited by Catherine Shaw on" in html
    [section] = sections_of(event)
    assert (section.kind, section.updated_by_id) == (SectionKind.BACKGROUND, organiser.id)
    assert section_titles(html)[1] == "Background"  # still in its place


def test_a_standard_section_can_be_renamed_and_given_back_its_standard_title(app, event, organiser):
    client = as_user(app, organiser)

    save_section(client, event, "objectives", "- Share findings", title="Aims of the workshop")
    assert section_titles(page(client, REPORT.format(slug=event.slug)))[2] == "Aims of the workshop"

    save_section(client, event, "objectives", "- Share findings", title="")
    assert section_titles(page(client, REPORT.format(slug=event.slug)))[2] == "Objectives"
    assert len(sections_of(event)) == 1  # the same row, saved twice


def test_preview_shows_the_text_as_it_will_read_without_saving_it(app, event, organiser):
    client = as_user(app, organiser)

    response = save_section(
        client, event, "conclusions", "1. More *information* before departure", preview="Preview", submit=""
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<li>More <em>information</em> before departure</li>" in html
    assert "1. More *information* before departure" in html  # still in the text box
    assert sections_of(event) == []


def test_an_organiser_adds_moves_and_deletes_sections_of_their_own(app, event, organiser):
    client = as_user(app, organiser)
    for title in ("Acknowledgements", "Annex: field notes"):
        response = submit(
            client, NEW_SECTION.format(slug=event.slug), {"title": title, "body": f"Text of {title}.", "submit": "Save"}
        )
        assert response.status_code == 302
    report = REPORT.format(slug=event.slug)
    assert section_titles(page(client, report))[5:] == ["Acknowledgements", "Annex: field notes"]

    notes = next(s for s in sections_of(event) if s.title == "Annex: field notes")
    response = submit(
        client, f"{SECTION.format(slug=event.slug, key=notes.id)}/move", {"direction": "up"}, form_url=report
    )
    assert response.status_code == 302
    assert section_titles(page(client, report))[5:] == ["Annex: field notes", "Acknowledgements"]

    save_section(client, event, notes.id, "Corrected notes.", title="Annex: notes from the field")
    html = page(client, report)
    assert "Corrected notes." in html and "Annex: notes from the field" in html

    delete = f"{SECTION.format(slug=event.slug, key=notes.id)}/delete"
    assert "Delete “Annex: notes from the field”?" in page(client, delete)
    response = submit(client, delete, {})
    assert response.status_code == 302
    assert section_titles(page(client, report)) == [
        "Executive summary",
        "Background",
        "Objectives",
        "Conclusions",
        "Recommendations",
        "Acknowledgements",
    ]


def test_a_standard_section_cannot_be_deleted_or_moved(app, event, organiser):
    client = as_user(app, organiser)
    save_section(client, event, "background", "Text.")
    [section] = sections_of(event)
    report = REPORT.format(slug=event.slug)

    assert client.get(f"{SECTION.format(slug=event.slug, key=section.id)}/delete").status_code == 404
    assert (
        submit(client, f"{SECTION.format(slug=event.slug, key=section.id)}/delete", {}, form_url=report).status_code
        == 404
    )
    assert (
        submit(
            client, f"{SECTION.format(slug=event.slug, key=section.id)}/move", {"direction": "down"}, form_url=report
        ).status_code
        == 404
    )
    assert client.get(SECTION.format(slug=event.slug, key="nonsense")).status_code == 404
    assert [s.body for s in sections_of(event)] == ["Text."]


def test_an_added_section_without_a_title_is_refused_and_nothing_is_stored(app, event, organiser):
    client = as_user(app, organiser)

    response = submit(
        client, NEW_SECTION.format(slug=event.slug), {"title": "  ", "body": "Some words I typed.", "submit": "Save"}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Give the section a title." in html
    assert "Some words I typed." in html  # nothing typed is lost
    assert sections_of(event) == []


def test_a_script_tag_is_kept_as_typed_but_never_reaches_a_page_or_the_pdf_as_html(app, event, organiser):
    client = as_user(app, organiser)

    save_section(client, event, "executive_summary", SCRIPT)

    html = page(client, REPORT.format(slug=event.slug))
    assert "<script>alert" not in html and "alert(" not in html
    assert "The panel agreed on <strong>three</strong> points." in html
    edit = page(client, SECTION.format(slug=event.slug, key="executive_summary"))
    assert "<script>alert" not in edit and "&lt;script&gt;alert" in edit  # shown as typed, in the text box
    assert sections_of(event)[0].body == SCRIPT
    text = pdf_text(compiled_report(client, event).data)
    assert "The panel agreed on" in text
    assert "script" not in text and "alert" not in text


def test_a_ten_megabyte_section_is_refused_with_a_clear_message_and_the_saved_text_stays(app, event, organiser):
    client = as_user(app, organiser)
    save_section(client, event, "background", "The saved background.")

    response = save_section(client, event, "background", TEN_MB)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The text is too long: 10,485,760 characters, at most 100,000." in html
    assert [s.body for s in sections_of(event)] == ["The saved background."]
    response = submit(client, NEW_SECTION.format(slug=event.slug), {"title": "Annex", "body": TEN_MB, "submit": "Save"})
    assert "The text is too long" in response.get_data(as_text=True)
    assert len(sections_of(event)) == 1


def test_a_text_of_exactly_the_limit_is_accepted(app, event, organiser):
    client = as_user(app, organiser)

    save_section(client, event, "background", "b" * app.config["REPORT_TEXT_MAX_CHARS"])

    assert len(sections_of(event)[0].body.get("en")) == app.config["REPORT_TEXT_MAX_CHARS"]


# --- session summaries ------------------------------------------------------------------------


def test_the_summaries_page_lists_the_sessions_in_agenda_order_with_rapporteurs_and_state(
    app, event, organiser, programme
):
    client = as_user(app, organiser)
    db.session.add(SessionSummary(session_id=programme["panel"].id, body="Done.", updated_by_id=programme["zhao"].id))
    db.session.commit()

    html = page(client, SUMMARIES.format(slug=event.slug))

    rows = re.findall(r'<tr id="session-(\d+)"', html)
    assert rows == [str(programme[key].id) for key in ("opening", "panel", "cancelled")]  # no coffee break
    assert "Coffee break" not in html
    opening, panel, cancelled = html.split('<tr id="session-')[1:]
    assert "Claire Dubois" in opening and "Not written" in opening
    assert "Zhao Lei (赵磊)" in panel and "Written" in panel and "Last edited by Zhao Lei (赵磊)" in panel
    assert "Cancelled" in cancelled


def test_a_rapporteur_writes_the_summary_of_their_session_from_their_speaker_profile(app, event, programme):
    client = as_user(app, programme["claire"])
    profile = db.session.scalar(
        db.select(SessionSpeaker).where(
            SessionSpeaker.session_id == programme["opening"].id, SessionSpeaker.role == SpeakerRole.RAPPORTEUR
        )
    ).speaker
    url = SUMMARY.format(slug=event.slug, session_id=programme["opening"].id)

    assert f'href="{url}"' in page(client, f"/account/speaker-profiles/{profile.id}")
    response = submit(client, url, {"body": "Participants asked for **plain Chinese** material.", "submit": "Save"})

    assert response.status_code == 302
    assert "Participants asked for <strong>plain Chinese</strong> material." in page(client, url)
    summary = summary_of(programme["opening"])
    assert summary.updated_by_id == programme["claire"].id


def test_saving_a_summary_twice_keeps_one_summary_with_the_last_text(app, event, organiser, programme):
    client = as_user(app, organiser)
    url = SUMMARY.format(slug=event.slug, session_id=programme["panel"].id)

    submit(client, url, {"body": "First draft.", "submit": "Save"})
    response = submit(client, url, {"body": "Final text.", "submit": "Save"})

    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/report/summaries#session-{programme['panel'].id}"
    )
    rows = db.session.scalars(db.select(SessionSummary).where(SessionSummary.session_id == programme["panel"].id)).all()
    assert [row.body for row in rows] == ["Final text."]
    assert rows[0].updated_by_id == organiser.id


def test_a_ten_megabyte_summary_or_a_script_tag_in_one_gets_a_clear_answer(app, event, programme):
    client = as_user(app, programme["zhao"])
    url = SUMMARY.format(slug=event.slug, session_id=programme["panel"].id)

    response = submit(client, url, {"body": TEN_MB, "submit": "Save"})
    assert response.status_code == 200
    assert "The text is too long" in response.get_data(as_text=True)
    assert summary_of(programme["panel"]) is None

    submit(client, url, {"body": SCRIPT, "submit": "Save"})
    html = page(client, url)
    assert "<script>alert" not in html and "The panel agreed on <strong>three</strong> points." in html


def test_a_summary_preview_is_not_saved(app, event, programme):
    client = as_user(app, programme["zhao"])
    url = SUMMARY.format(slug=event.slug, session_id=programme["panel"].id)

    response = submit(client, url, {"body": "## Key points", "preview": "Preview"})

    assert "<h2>Key points</h2>" in response.get_data(as_text=True)
    assert summary_of(programme["panel"]) is None


# --- the compiled PDF -------------------------------------------------------------------------


def test_the_report_downloads_as_a_pdf_named_after_the_event_with_the_current_text(app, event, organiser, programme):
    client = as_user(app, organiser)
    save_section(client, event, "executive_summary", "Participants agreed on better pre-departure information.")

    response = compiled_report(client, event)

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=labour-migration-2027-report.pdf"
    assert "Participants agreed on better pre-departure information." in pdf_text(response.data)
    assert "Last compiled" in page(client, REPORT.format(slug=event.slug))

    save_section(client, event, "executive_summary", "A corrected summary.")
    assert "A corrected summary." in pdf_text(
        compiled_report(client, event).data
    )  # compiled again from the data as it is now


def test_the_compiled_report_opens_in_the_browser(app, event, organiser):
    client = as_user(app, organiser)

    response = compiled_report(client, event, PREVIEW_PDF)

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "inline; filename=labour-migration-2027-report.pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    PdfReader(io.BytesIO(response.data))


def test_compiling_answers_at_once_and_the_worker_makes_the_pdf(app, event, organiser, worker_queue):
    from workshop.jobs.models import Job

    client = as_user(app, organiser)
    assert "Compile the report first" in client.get(
        DOWNLOAD_PDF.format(slug=event.slug), follow_redirects=True
    ).get_data(as_text=True)

    progress = submit(client, COMPILE.format(slug=event.slug), {}, form_url=REPORT.format(slug=event.slug)).headers[
        "Location"
    ]
    again = submit(client, COMPILE.format(slug=event.slug), {}, form_url=REPORT.format(slug=event.slug)).headers[
        "Location"
    ]

    assert again == progress  # a second click while it is being compiled
    assert "Waiting to start." in page(client, progress)
    run_worker(worker_queue)
    finished = page(client, progress)
    assert "Finished: 1 of 1 done." in finished and 'data-testid="result"' in finished
    assert client.get(DOWNLOAD_PDF.format(slug=event.slug)).data.startswith(b"%PDF")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 1


# --- who gets in ------------------------------------------------------------------------------


def organiser_pages(event) -> list[str]:
    return [
        REPORT.format(slug=event.slug),
        SECTION.format(slug=event.slug, key="background"),
        NEW_SECTION.format(slug=event.slug),
        SUMMARIES.format(slug=event.slug),
        PREVIEW_PDF.format(slug=event.slug),
        DOWNLOAD_PDF.format(slug=event.slug),
    ]


def test_participants_cannot_compile_the_report(app, event, make_user):
    participant = make_user()
    make_registration(event, participant, State.CONFIRMED)
    client = as_user(app, participant)
    assert client.post(COMPILE.format(slug=event.slug), data={}).status_code in (400, 403)


def test_participants_speakers_and_organisers_of_other_events_get_403_from_the_report(
    app, event, programme, make_user, make_event
):
    participant = make_user(full_name="Zhang Min")
    make_registration(event, participant, State.CONFIRMED)
    other_organiser = make_user(can_create_events=True)
    make_event(organiser=other_organiser)
    for person in (participant, programme["claire"], other_organiser):
        client = as_user(app, person)
        for url in organiser_pages(event):
            assert client.get(url).status_code == 403, url
        response = client.post(
            SECTION.format(slug=event.slug, key="background"), data={"body": "Mine now", "submit": "Save"}
        )
        assert response.status_code in (400, 403)
    assert sections_of(event) == []


def test_a_speaker_who_is_not_the_rapporteur_may_not_write_the_summary(app, event, programme):
    attempts = (
        (programme["wang"], programme["opening"]),
        (programme["zhao"], programme["opening"]),
        (programme["claire"], programme["panel"]),
    )
    for person, session in attempts:
        client = as_user(app, person)
        url = SUMMARY.format(slug=event.slug, session_id=session.id)
        assert client.get(url).status_code == 403
        response = submit(client, url, {"body": "Not mine to write", "submit": "Save"}, form_url="/")
        assert response.status_code == 403
    assert summary_of(programme["opening"]) is None and summary_of(programme["panel"]) is None


def test_a_summary_of_a_session_of_another_event_is_not_found(
    app, event, organiser, programme, make_event, make_session
):
    other = make_event(organiser=organiser)
    elsewhere = make_session(other, "Elsewhere")
    client = as_user(app, programme["claire"])

    assert client.get(SUMMARY.format(slug=event.slug, session_id=elsewhere.id)).status_code == 404
    assert client.get(SUMMARY.format(slug=event.slug, session_id=999999)).status_code == 404


def test_a_drafts_report_is_not_found_for_anybody_but_its_organisers(
    app, make_event, make_user, organiser, make_session
):
    draft = make_event(organiser=organiser, status=EventStatus.DRAFT)
    session = make_session(draft, "Draft session")
    stranger = make_user()
    client = as_user(app, stranger)

    for url in [*organiser_pages(draft), SUMMARY.format(slug=draft.slug, session_id=session.id)]:
        assert client.get(url).status_code == 404, url
    assert as_user(app, organiser).get(REPORT.format(slug=draft.slug)).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(client, event, programme):
    for url in [*organiser_pages(event), SUMMARY.format(slug=event.slug, session_id=programme["opening"].id)]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    client.post(SUMMARY.format(slug=event.slug, session_id=programme["opening"].id), data={"body": "Anonymous"})
    assert summary_of(programme["opening"]) is None


def test_moving_a_section_without_the_forms_token_is_refused(app, event, organiser):
    client = as_user(app, organiser)
    for title in ("First", "Second"):
        submit(client, NEW_SECTION.format(slug=event.slug), {"title": title, "body": "", "submit": "Save"})
    second = sections_of(event)[1]

    response = client.post(f"{SECTION.format(slug=event.slug, key=second.id)}/move", data={"direction": "up"})

    assert response.status_code == 400
    response = submit(
        client,
        f"{SECTION.format(slug=event.slug, key=second.id)}/move",
        {"direction": "sideways"},
        form_url=REPORT.format(slug=event.slug),
    )
    assert response.status_code == 400
    assert [s.title for s in sorted(sections_of(event), key=lambda s: s.position)] == ["First", "Second"]


# --- demo -------------------------------------------------------------------------------------


def test_the_demo_report_has_every_section_and_a_summary_by_the_rapporteur(app, event, organiser, programme):
    seed_demo_report(event)
    db.session.commit()

    kinds = [s.kind for s in sections_of(event)]
    assert kinds[:5] == [
        SectionKind.EXECUTIVE_SUMMARY,
        SectionKind.BACKGROUND,
        SectionKind.OBJECTIVES,
        SectionKind.CONCLUSIONS,
        SectionKind.RECOMMENDATIONS,
    ]
    assert SectionKind.OTHER in kinds
    assert summary_of(programme["opening"]).updated_by_id == programme["claire"].id
    html = page(as_user(app, organiser), SUMMARIES.format(slug=event.slug))
    assert html.count("Last edited by") == 2  # opening and panel; the cancelled session has none


# --- at the same moment -----------------------------------------------------------------------


def test_two_people_saving_the_first_summary_and_section_at_once_leave_one_of_each(
    app, live_url, event, organiser, programme, make_user
):
    """Each in their own HTTP session and thread, against a server with a connection per request."""
    from .test_check_in_concurrency import csrf_token_of, logged_in, send_together

    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    second_organiser = make_user(full_name="Second Organiser")
    event.organisers.append(second_organiser)
    db.session.commit()
    people = [logged_in(live_url, person) for person in (organiser, second_organiser, programme["zhao"])]

    def prepared(session, url, data):
        data = {"csrf_token": csrf_token_of(session, f"{live_url}{url}"), "submit": "Save", **data}
        return lambda: session.post(f"{live_url}{url}", data=data, allow_redirects=False, timeout=120).status_code

    summary = SUMMARY.format(slug=event.slug, session_id=programme["panel"].id)
    answers = send_together([prepared(session, summary, {"body": f"Summary {n}"}) for n, session in enumerate(people)])
    assert answers == [302, 302, 302]
    db.session.commit()
    assert (
        len(
            db.session.scalars(
                db.select(SessionSummary).where(SessionSummary.session_id == programme["panel"].id)
            ).all()
        )
        == 1
    )

    section = SECTION.format(slug=event.slug, key="conclusions")
    answers = send_together(
        [prepared(session, section, {"title": "", "body": f"Conclusions {n}"}) for n, session in enumerate(people[:2])]
    )
    assert answers == [302, 302]
    assert [s.kind for s in sections_of(event)] == [SectionKind.CONCLUSIONS]
