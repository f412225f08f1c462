"""The report's sections and session summaries are written in English and Chinese side by side; the
compiled report reads in the language of the organiser who compiles it, else in the other one."""

import io

import pytest
from pypdf import PdfReader

from workshop.agenda.models import SpeakerRole
from workshop.extensions import db
from workshop.registration.states import State
from workshop.reports.models import ReportSection, SectionKind, SessionSummary

from .conftest import as_user, make_registration, submit

REPORT = "/manage/events/{slug}/report"
SECTION = "/manage/events/{slug}/report/sections/{key}"
NEW_SECTION = "/manage/events/{slug}/report/sections/new"
SUMMARY = "/events/{slug}/sessions/{session_id}/summary"
COMPILE = "/manage/events/{slug}/report/compile"
DOWNLOAD_PDF = "/manage/events/{slug}/report/download"

BACKGROUND = {"body-en": "The project started in three provinces.", "body-zh": "该项目在三个省份启动。"}


@pytest.fixture
def organiser(make_user):
    return make_user(full_name="Catherine Shaw", can_create_events=True)


@pytest.fixture
def event(make_event, organiser):
    return make_event(organiser=organiser, title={"en": "Labour Migration Workshop", "zh": "劳动力移民研讨会"})


def save(client, url, **fields):
    return submit(client, url, {"submit": "Save", **fields})


def report_text(client, event) -> str:
    """Compile the report (the worker runs at once in tests) and read the PDF's text."""
    submit(client, COMPILE.format(slug=event.slug), {}, form_url=REPORT.format(slug=event.slug))
    data = client.get(DOWNLOAD_PDF.format(slug=event.slug)).data
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def compiled_in(app, organiser, event, locale: str) -> str:
    organiser.locale = locale
    db.session.commit()
    return report_text(as_user(app, organiser), event)


def sections(event) -> list[ReportSection]:
    db.session.expire_all()
    return db.session.scalars(db.select(ReportSection).where(ReportSection.event_id == event.id)).all()


def test_the_section_form_has_a_box_for_each_language_and_keeps_both(app, event, organiser):
    client = as_user(app, organiser)
    url = SECTION.format(slug=event.slug, key="background")

    save(client, url, **{"title-en": "Where it began", "title-zh": "项目缘起"}, **BACKGROUND)

    [section] = sections(event)
    assert section.title.texts == {"en": "Where it began", "zh": "项目缘起"}
    assert section.body.texts == {"en": BACKGROUND["body-en"], "zh": BACKGROUND["body-zh"]}
    form = client.get(url).get_data(as_text=True)
    assert 'name="body-zh"' in form and "该项目在三个省份启动。" in form and 'lang="zh"' in form


def test_the_report_compiled_in_chinese_reads_the_chinese_text_and_in_english_the_english(app, event, organiser):
    client = as_user(app, organiser)
    save(client, SECTION.format(slug=event.slug, key="background"), **BACKGROUND)
    save(
        client,
        NEW_SECTION.format(slug=event.slug),
        **{"title-en": "Annex", "title-zh": "附件", "body-en": "Annex text.", "body-zh": "附件正文。"},
    )

    chinese = compiled_in(app, organiser, event, "zh")
    english = compiled_in(app, organiser, event, "en")

    assert "该项目在三个省份启动。" in chinese and "附件正文。" in chinese and "附件" in chinese
    assert "The project started in three provinces." not in chinese and "Annex text." not in chinese
    assert "The project started in three provinces." in english and "Annex text." in english
    assert "该项目" not in english and "附件" not in english


def test_a_text_written_in_one_language_is_in_the_report_of_the_other(
    app, event, organiser, make_session, make_speaker, make_user
):
    panel = make_session(event, "Panel on recruitment", minutes=60)
    zhao = make_user(full_name="Zhao Lei", native_name="赵磊")
    make_speaker(event, "Zhao Lei", "赵磊", sessions=[panel], role=SpeakerRole.RAPPORTEUR, user=zhao)
    save(
        as_user(app, organiser),
        SECTION.format(slug=event.slug, key="conclusions"),
        **{"body-en": "Legal channels exist."},
    )
    save(
        as_user(app, zhao),
        SUMMARY.format(slug=event.slug, session_id=panel.id),
        **{"body-zh": "与会者讨论了招聘费用。"},
    )

    chinese = compiled_in(app, organiser, event, "zh")
    english = compiled_in(app, organiser, event, "en")

    assert "Legal channels exist." in chinese and "Legal channels exist." in english
    assert "与会者讨论了招聘费用。" in chinese and "与会者讨论了招聘费用。" in english


def test_a_summary_is_written_in_both_languages_and_previewed_in_each(
    app, event, make_session, make_speaker, make_user
):
    panel = make_session(event, "Panel", minutes=60)
    zhao = make_user(full_name="Zhao Lei")
    make_speaker(event, "Zhao Lei", "", sessions=[panel], role=SpeakerRole.RAPPORTEUR, user=zhao)
    client = as_user(app, zhao)
    url = SUMMARY.format(slug=event.slug, session_id=panel.id)

    preview = submit(client, url, {"body-en": "## Key points", "body-zh": "## 要点", "preview": "Preview"})
    save(client, url, **{"body-en": "Agreed.", "body-zh": "达成一致。"})

    html = preview.get_data(as_text=True)
    assert '<div class="report-text" lang="en" data-testid="preview-en"><h2>Key points</h2>' in html
    assert '<div class="report-text" lang="zh" data-testid="preview-zh"><h2>要点</h2>' in html
    summary = db.session.scalar(db.select(SessionSummary).where(SessionSummary.session_id == panel.id))
    assert summary.body.texts == {"en": "Agreed.", "zh": "达成一致。"}


def test_too_long_a_text_in_one_language_or_no_title_in_any_is_refused_and_nothing_changes(app, event, organiser):
    client = as_user(app, organiser)
    url = SECTION.format(slug=event.slug, key="background")
    save(client, url, **BACKGROUND)
    limit = app.config["REPORT_TEXT_MAX_CHARS"]

    too_long = save(client, url, **{"body-en": "Short.", "body-zh": "长" * (limit + 1)})
    untitled = save(client, NEW_SECTION.format(slug=event.slug), **{"title-en": " ", "title-zh": "", "body-zh": "正文"})
    long_title = save(client, NEW_SECTION.format(slug=event.slug), **{"title-zh": "题" * 201, "body-zh": "正文"})

    assert f"The Chinese text is too long: {limit + 1:,} characters, at most {limit:,}." in too_long.get_data(
        as_text=True
    )
    assert "Give the section a title." in untitled.get_data(as_text=True)
    assert "正文" in untitled.get_data(as_text=True)  # what was typed stays in its box
    assert "The Chinese text is longer than 200 characters." in long_title.get_data(as_text=True)
    [section] = sections(event)
    assert section.body.texts == {"en": BACKGROUND["body-en"], "zh": BACKGROUND["body-zh"]}


def test_nobody_but_the_organisers_writes_a_section_in_any_language(app, event, make_user, make_event):
    participant = make_user()
    make_registration(event, participant, State.CONFIRMED)
    other_organiser = make_user(can_create_events=True)
    make_event(organiser=other_organiser, starts_in_days=40)

    for person in (participant, other_organiser):
        client = as_user(app, person)
        event_page = f"/events/{event.slug}"  # a page they may open, for the form's token
        response = submit(
            client, SECTION.format(slug=event.slug, key="background"), {**BACKGROUND, "submit": "Save"}, event_page
        )
        added = submit(
            client,
            NEW_SECTION.format(slug=event.slug),
            {"title-zh": "我的", "body-zh": "我的", "submit": "Save"},
            event_page,
        )
        assert response.status_code == added.status_code == 403
    assert sections(event) == []


def test_a_section_saved_before_there_were_languages_still_reads(app, event, organiser):
    db.session.add(ReportSection(event_id=event.id, kind=SectionKind.BACKGROUND))
    db.session.commit()
    db.session.execute(db.text("UPDATE report_section SET body = 'Plain old text.', title = 'Old title'"))
    db.session.commit()

    chinese = compiled_in(app, organiser, event, "zh")

    assert "Plain old text." in chinese and "Old title" in chinese
    assert sections(event)[0].body.texts == {"en": "Plain old text."}
