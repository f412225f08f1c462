"""Words in another language than the page carry their own ``lang``, so a screen reader reads them
with the right voice: a Chinese name on an English page, an English name or title on a Chinese
page; e-mails say their language."""

import re

import pytest

from workshop.language_of_parts import language_of

from .conftest import login, make_registration, submit
from .test_check_in_desk import staff_of


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("李伟", "zh"),
        ("劳动监察与平台经济", "zh"),
        ("Maria Rossi", "en"),
        ("Labour inspection in the platform economy", "en"),
        ("Nguyễn Thị Lan", "vi"),
        ("สมชาย ใจดี", "th"),
        ("김민준", "ko"),
        ("山田 はなこ", "ja"),
        ("Li Wei (李伟)", None),  # two scripts: left in the page's language
        ("Иван Петров", None),  # Cyrillic: several languages write it
        ("2027 – 42", None),
        ("", None),
        (None, None),
    ],
)
def test_the_language_of_a_text_is_told_by_its_script(text, language):
    assert language_of(text) == language


def test_on_an_english_page_a_chinese_name_carries_lang_zh_and_the_latin_one_nothing(
    app, client, make_user, make_event
):
    event = make_event()
    staff = staff_of(event, make_user, "Zhou Min")
    make_registration(event, make_user(full_name="Li Wei", native_name="李伟"))
    login(client, staff)

    page = client.get(f"/events/{event.slug}/check-in?q=Li").get_data(as_text=True)

    assert '<span lang="zh">李伟</span>' in page
    assert '<strong class="fs-5">Li Wei</strong>' in page


def test_on_a_chinese_page_latin_names_and_english_titles_carry_lang_en(app, client, make_user, make_event):
    organiser = make_user(full_name="Maria Rossi", can_create_events=True, locale="zh")
    event = make_event(organiser=organiser, title="Labour inspection in the platform economy")
    make_registration(event, make_user(full_name="Li Wei", native_name="李伟"))
    make_registration(event, make_user(full_name="Nguyen Thi Lan", native_name="Nguyễn Thị Lan"))
    login(client, organiser)

    page = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)

    assert '<html lang="zh-Hans">' in page
    assert '<span lang="en">Li Wei</span>' in page
    assert "李伟" in page and 'lang="zh">李伟' not in page  # the page's own language: nothing to say
    assert '<span lang="vi">Nguyễn Thị Lan</span>' in page
    assert '<span lang="en">Labour inspection in the platform economy</span>' in page


def test_a_chinese_event_title_on_the_english_list_of_events_carries_lang_zh(client, make_event):
    make_event(title="中欧社会对话研讨会", partners=["国际劳工组织", "International Organization for Migration"])

    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert '<span lang="zh">中欧社会对话研讨会</span>' in page
    # a partner named only in Chinese: in Chinese, marked as not translated yet
    assert re.search(
        r'<span lang="zh">国际劳工组织</span> <span class="fallback-mark"[^>]*>.*?</span></span> · '
        r"International Organization for Migration",
        page,
    )


def test_speakers_on_a_chinese_agenda_carry_the_language_of_each_part_of_their_name(
    client, make_event, make_session, make_speaker
):
    event = make_event()
    session = make_session(event, title="Opening plenary")
    make_speaker(event, full_name="Wang Fang", native_name="王芳", sessions=[session], affiliation="ILO Beijing")

    page = client.get(f"/events/{event.slug}/agenda", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)

    assert '<span lang="en">Opening plenary</span>' in page
    assert '<span lang="en">Wang Fang</span> (王芳)' in page


def test_an_e_mail_says_its_language_on_its_html(client, mailbox):
    data = {"email": "li.wei@example.org", "full_name": "Li Wei", "locale": "zh", "password": "Plum blossom river 2027"}
    submit(client, "/signup", data | {"confirm": data["password"]})

    html = mailbox.last_to("li.wei@example.org").get_body(preferencelist=("html",)).get_content()

    assert '<html lang="zh-Hans">' in html
