from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from workshop.accounts.models import User
from workshop.countries import country_names
from workshop.extensions import db

from .conftest import login, submit

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "workshop" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
COMPILED = CATALOGUE.with_suffix(".mo")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def not_hidden(path: str) -> bool:
    """Babel skips folders starting with ``_`` by default; templates/_macros holds strings too."""
    name = Path(path).name
    return not name.startswith(".") and name != "__pycache__"


def strings_in_the_code() -> set[str]:
    found = set()
    for folder, method in (("templates", "jinja2"), ("workshop", "python")):
        pattern = "**.html" if method == "jinja2" else "**.py"
        method_map = [(pattern, method)] + ([("**.txt", "jinja2")] if method == "jinja2" else [])
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map, keywords=KEYWORDS, directory_filter=not_hidden
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def is_translated(message) -> bool:
    """A plural entry has one translation per plural form (Chinese has one)."""
    return all(message.string) if isinstance(message.string, tuple) else bool(message.string)


def test_every_string_in_the_templates_and_code_has_a_chinese_translation():
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    translated = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalogue
        if message.id and is_translated(message)
    }
    missing = sorted(strings_in_the_code() - translated)
    assert not missing, (
        f"{len(missing)} strings without a Chinese translation (run `make extract-messages`): {missing[:20]}"
    )
    assert COMPILED.exists() and COMPILED.stat().st_mtime >= CATALOGUE.stat().st_mtime, (
        f"{COMPILED.relative_to(ROOT)} is older than messages.po, so the site shows old translations: run `make "
        "translations`"
    )


def test_the_browser_language_chooses_the_page_language(client):
    page = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page
    assert "即将举行的活动" in page
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Upcoming events" in english


def test_the_language_switcher_is_on_every_page_and_sticks(client):
    for url in ("/", "/login", "/signup", "/events/past", "/privacy", "/no-such-page"):
        assert 'name="lang" value="zh"' in client.get(url).get_data(as_text=True), url
    response = submit(client, "/language", {"lang": "zh", "next": "/events/past"}, form_url="/")
    assert response.headers["Location"] == "/events/past"
    assert "往期活动" in client.get("/events/past", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_the_language_switcher_refuses_other_sites(client):
    response = submit(client, "/language", {"lang": "zh", "next": "https://elsewhere.example/"}, form_url="/")
    assert response.headers["Location"] == "/"


def test_the_user_preference_wins_over_the_browser(client, make_user):
    user = make_user(locale="zh")
    login(client, user)
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page


def test_switching_language_saves_the_user_preference(client, make_user):
    user = make_user(locale="en")
    login(client, user)
    submit(client, "/language", {"lang": "zh", "next": "/"}, form_url="/")
    assert db.session.get(User, user.id).locale == "zh"


def test_form_errors_are_translated(client):
    page = submit(
        client, "/signup", {"email": "bad", "locale": "zh"}, form_url="/signup", headers={"Accept-Language": "zh-CN"}
    ).get_data(as_text=True)
    assert "Enter an e-mail address such as name@example.org." not in page
    assert "请输入电子邮件地址，例如 name@example.org。" in page
    assert '<html lang="zh-Hans">' in page


def test_a_command_outside_a_request_speaks_the_default_language(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "a@example.org", "--password", "short"])

    assert "Use at least 10 characters." in result.output
    assert result.exit_code == 2
    assert db.session.scalar(db.select(User).where(User.email == "a@example.org")) is None


def test_an_events_dates_and_country_follow_each_readers_language_in_turn(client, make_event):
    make_event(title="Fair recruitment", country="CN", starts_in_days=40)

    for language, country, other_country in (
        ("en", "China", "中国"),
        ("zh-CN", "中国", "China"),
        ("en", "China", "中国"),
    ):
        page = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
        assert country in page and other_country not in page, language
        assert ("年" in page) is (language == "zh-CN"), language  # the dates, as "2027年3月12日"


def test_a_reader_cannot_change_the_country_names_the_next_reader_gets(app):
    names = country_names("en")

    with pytest.raises(TypeError):
        names["GB"] = "Somewhere else"
    assert country_names("en")["GB"] == "United Kingdom"


def test_the_form_librarys_own_messages_follow_each_requests_language(client):
    """WTForms' messages come from its own catalogue, kept per language, not from the first request's."""
    form = {"email": "li.wei@example.org", "locale": "xx"}
    chinese = submit(client, "/signup", form, form_url="/signup", headers={"Accept-Language": "zh-CN"})
    english = submit(client, "/signup", form, form_url="/signup", headers={"Accept-Language": "en"})

    assert "不是有效的选择。" in chinese.get_data(as_text=True)
    assert "Not a valid choice." in english.get_data(as_text=True)


def test_a_message_that_names_someone_shows_the_name_as_text_in_a_page(app):
    from flask import render_template_string
    from flask_babel import lazy_gettext

    with app.test_request_context("/"):
        message = lazy_gettext("%(name)s organises this event already.", name="<b>Li Wei</b> & co")
        page = render_template_string("<p>{{ message }}</p>", message=message)

    assert page == "<p>&lt;b&gt;Li Wei&lt;/b&gt; &amp; co organises this event already.</p>"
