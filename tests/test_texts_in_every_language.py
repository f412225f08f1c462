"""What organisers write, in English and Chinese: stored by language, edited side by side, read in
the reader's language or the other with a mark."""

import pytest
from markupsafe import escape

from workshop.events.models import Event
from workshop.extensions import db
from workshop.translated import Translated

from .conftest import login, logout, submit, text_part
from .test_events import EVENT_FORM

BILINGUAL_FORM = {
    key: value for key, value in EVENT_FORM.items() if key not in ("title", "summary", "description", "venue", "city")
} | {
    "title-en": "Labour inspection and forced labour",
    "title-zh": "劳动监察与强迫劳动",
    "summary-en": "Two days on inspecting workplaces.",
    "summary-zh": "",
    "description-en": "## Programme\n\nSurvey findings.",
    "description-zh": "## 日程\n\n调查结果。",
    "venue-en": "Jubilee Campus",
    "venue-zh": "朱比利校区",
    "city-en": "Nottingham",
    "city-zh": "诺丁汉",
    "status": "published",
}


def the_event() -> Event:
    return db.session.scalars(db.select(Event)).one()


def page_in(client, url: str, language: str) -> str:
    return client.get(url, headers={"Accept-Language": language}).get_data(as_text=True)


# --- the text itself -----------------------------------------------------------------------------


def test_a_text_reads_in_the_readers_language_else_the_first_there_is(app):
    title = Translated({"zh": "劳动监察", "en": "Labour inspection"})
    assert title.in_language("en") == "Labour inspection" and title.in_language("zh") == "劳动监察"
    assert list(title.texts) == ["en", "zh"]  # in the order texts fall back in
    english_only = Translated({"en": "Labour inspection"})
    assert english_only.in_language("zh") == "Labour inspection"
    assert english_only.is_fallback("zh") and not english_only.is_fallback("en")
    assert english_only.missing() == ["zh"] and Translated().missing() == []


def test_a_plain_text_is_taken_in_the_language_its_script_tells(app):
    assert Translated("劳动监察").texts == {"zh": "劳动监察"}
    assert Translated("Labour inspection").texts == {"en": "Labour inspection"}
    assert Translated("").texts == {} and not Translated("")


def test_a_text_keeps_every_language_through_the_database_and_a_change_to_one_is_saved(app, make_event):
    event = make_event(title=Translated({"en": "Opening", "zh": "开幕"}))
    db.session.expire_all()
    assert the_event().title.texts == {"en": "Opening", "zh": "开幕"}

    the_event().title = the_event().title.with_text("zh", "开幕式")  # the English reads the same
    db.session.commit()
    db.session.expire_all()
    assert the_event().title.texts == {"en": "Opening", "zh": "开幕式"}
    assert event.id == the_event().id


def test_a_text_written_before_there_were_translations_is_read_as_it_was(app, make_event):
    event = make_event()
    db.session.execute(
        db.text("UPDATE event SET title = :title WHERE id = :id"), {"title": "劳动监察讲习班", "id": event.id}
    )
    db.session.commit()
    db.session.expire_all()
    assert the_event().title.texts == {"zh": "劳动监察讲习班"}


# --- written side by side ------------------------------------------------------------------------


def test_an_organiser_writes_the_event_in_both_languages_side_by_side(client, make_user):
    login(client, make_user(can_create_events=True))
    form = client.get("/manage/events/new").get_data(as_text=True)
    assert 'name="title-en"' in form and 'name="title-zh"' in form and 'lang="zh"' in form

    response = submit(client, "/manage/events/new", BILINGUAL_FORM)

    assert response.status_code == 302
    event = the_event()
    assert event.title.texts == {"en": "Labour inspection and forced labour", "zh": "劳动监察与强迫劳动"}
    assert event.summary.texts == {"en": "Two days on inspecting workplaces."}
    assert event.slug.startswith("labour-inspection-and-forced-labour-")  # from the English title
    edit = client.get(f"/manage/events/{event.slug}/edit").get_data(as_text=True)
    assert "劳动监察与强迫劳动" in edit and "Labour inspection and forced labour" in edit


def test_each_reader_sees_their_language_and_a_mark_where_the_text_is_not_translated(client, make_user):
    login(client, make_user(can_create_events=True))
    submit(client, "/manage/events/new", BILINGUAL_FORM)
    logout(client)  # an anonymous reader, whose language is the browser's
    slug = the_event().slug

    english = page_in(client, f"/events/{slug}", "en")
    chinese = page_in(client, f"/events/{slug}", "zh-CN")

    assert "Labour inspection and forced labour" in english and "劳动监察与强迫劳动" not in english
    assert "劳动监察与强迫劳动" in chinese and "诺丁汉" in chinese and "调查结果" in chinese
    assert "fallback-mark" not in english
    # The summary has no Chinese: Chinese readers get the English, marked as such
    assert 'lang="en">Two days on inspecting workplaces.</span> <span class="fallback-mark"' in chinese
    assert "尚未翻译，显示为英文" in chinese


def test_the_list_of_events_and_the_calendar_are_in_the_readers_language(client, make_event):
    event = make_event(title=Translated({"en": "Study tour", "zh": "考察访问"}))
    assert "考察访问" in page_in(client, "/", "zh") and "考察访问" not in page_in(client, "/", "en")
    chinese_calendar = client.get(f"/events/{event.slug}/agenda.ics", headers={"Accept-Language": "zh"})
    assert "X-WR-CALNAME:考察访问" in chinese_calendar.get_data(as_text=True)
    english_calendar = client.get(f"/events/{event.slug}/agenda.ics", headers={"Accept-Language": "en"})
    assert "X-WR-CALNAME:Study tour" in english_calendar.get_data(as_text=True)
    assert english_calendar.headers["ETag"] != chinese_calendar.headers["ETag"]


def test_an_email_names_the_event_in_its_recipients_language(client, make_user, make_event, mailbox):
    from .test_registration import register

    event = make_event(title=Translated({"en": "Study tour", "zh": "考察访问"}))
    chinese = make_user(email="wang.fang@example.org", locale="zh")
    login(client, chinese)
    register(client, event)
    message = mailbox.last_to("wang.fang@example.org")
    assert "考察访问" in message["Subject"] and "考察访问" in text_part(message)
    assert "Study tour" not in text_part(message)


# --- bad input and access ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title-en": "", "title-zh": ""}, "Write this in at least one language."),
        ({"title-zh": "劳" * 201}, "The Chinese text is longer than 200 characters."),
    ],
)
def test_a_title_in_no_language_or_too_long_in_one_is_refused_and_nothing_is_saved(client, make_user, changes, message):
    login(client, make_user(can_create_events=True))
    page = submit(client, "/manage/events/new", BILINGUAL_FORM | changes).get_data(as_text=True)
    assert message in page
    assert db.session.scalars(db.select(Event)).all() == []


def test_only_the_events_organisers_change_its_texts(client, make_user, make_event):
    event = make_event(title=Translated({"en": "Study tour", "zh": "考察访问"}))
    login(client, make_user())  # a participant
    response = submit(
        client,
        f"/manage/events/{event.slug}/edit",
        BILINGUAL_FORM | {"title-zh": "改过"},
        form_url=f"/events/{event.slug}",
    )
    assert response.status_code in (403, 404)
    db.session.expire_all()
    assert the_event().title.texts == {"en": "Study tour", "zh": "考察访问"}


# --- what is left to translate -------------------------------------------------------------------


def test_organisers_see_which_texts_lack_a_translation_and_where_to_fill_it_in(
    client, make_event, make_session, make_speaker
):
    event = make_event(title=Translated({"en": "Study tour", "zh": "考察访问"}), summary="Three days at ports.")
    opening = make_session(event, title=Translated({"en": "Opening", "zh": "开幕式"}))
    visit = make_session(event, title="Port visit", description="By bus from the hotel.")
    make_speaker(event, full_name="Maria Rossi", biography="Labour inspector in Genoa.")
    login(client, event.organisers[0])

    page = client.get(f"/manage/events/{event.slug}/translations", headers={"Accept-Language": "en"})

    text = page.get_data(as_text=True)
    assert "4 texts have no Chinese." in text and "0 texts have no English." in text
    assert f'href="/manage/events/{event.slug}/agenda/{visit.id}"' in text
    assert "Port visit" in text and "Maria Rossi" in text and "Three days at ports." not in text
    assert f"/agenda/{opening.id}" not in text  # written in both


def test_a_participant_or_another_events_organiser_does_not_see_the_list(client, make_user, make_event):
    event = make_event(summary="Three days at ports.")
    other = make_event()
    for person in (make_user(), other.organisers[0]):
        login(client, person)
        assert client.get(f"/manage/events/{event.slug}/translations").status_code in (403, 404)
        logout(client)
    assert client.get(f"/manage/events/{event.slug}/translations").status_code == 302  # to log in


def test_options_of_a_question_lacking_a_language_are_listed(client, make_event, make_question):
    from workshop.registration.models import QuestionKind

    event = make_event(title=Translated({"en": "Study tour", "zh": "考察访问"}), summary="")
    both = Translated({"en": "Which visit?", "zh": "参观哪里？"})
    make_question(
        event,
        kind=QuestionKind.SINGLE_CHOICE,
        label=both,
        options=[Translated({"en": "The port", "zh": "港口"}), Translated({"en": "The factory"})],
    )
    make_question(
        event,
        kind=QuestionKind.SINGLE_CHOICE,
        label=Translated({"en": "Lunch?", "zh": "午餐？"}),
        options=[Translated({"en": "Yes", "zh": "是"})],
    )
    login(client, event.organisers[0])

    text = client.get(f"/manage/events/{event.slug}/translations", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )

    assert "1 text has no Chinese." in text and "Which visit?" in text and "Options" in text
    assert "Lunch?" not in text


@pytest.mark.parametrize(
    "title",
    [
        "Labour law 👍🏽 and 👨\u200d👩\u200d👧 families",  # emoji, one of them joined from three
        "𠀋田 Yoshida's seminar",  # a character beyond the Basic Multilingual Plane
        "Dr. محمد علي (Cairo) on migration",  # right to left inside a left-to-right line
        "Wang Fang 王芳 · Ivanov Иван · สมชาย",  # scripts mixed
        ("Maria Fernanda Guadalupe de los Ángeles " * 6)[:200],  # the longest title there may be
    ],
    ids=["emoji", "beyond-bmp", "rtl", "mixed", "200-characters"],
)
def test_a_title_in_any_script_left_untranslated_reads_on_every_page_with_the_mark(client, make_event, title):
    event = make_event(title=Translated({"en": title}))

    for url in (f"/events/{event.slug}", "/", f"/events/{event.slug}/agenda", f"/events/{event.slug}/speakers"):
        chinese = client.get(url, headers={"Accept-Language": "zh"})
        assert chinese.status_code == 200, url
        page = chinese.get_data(as_text=True)
        assert escape(title) in page, url
        assert "尚未翻译，显示为英文" in page, url
    calendar = client.get(f"/events/{event.slug}/agenda.ics", headers={"Accept-Language": "zh"})
    assert calendar.status_code == 200
    assert title[:20] in calendar.get_data(as_text=True).replace("\r\n ", "")
