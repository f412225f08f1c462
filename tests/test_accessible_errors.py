"""A form sent with errors says so to a person who hears the page: the title begins with "Error:",
a list of the problems at the top of the main content links to each field, and each field with a
problem says so (aria-invalid) and names its message (aria-describedby), the messages of the
services (DomainError) too, whether shown by their field or flashed."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from workshop.agenda.models import AgendaSession
from workshop.events.models import Event
from workshop.extensions import db
from workshop.registration.models import QuestionKind, Registration
from workshop.registration.states import State

from .conftest import REGISTRATION_FORM, login, make_registration, register, submit
from .test_agenda import SESSION_FORM, edit_url, utc
from .test_events import EVENT_FORM

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict
    text: list[str] = field(default_factory=list)

    @property
    def words(self) -> str:
        return " ".join("".join(self.text).split())


class Page(HTMLParser):
    """The elements of a page by id, its title, and the links of its error list."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, Element] = {}
        self.title = ""
        self.summary: Element | None = None
        self.summary_links: list[tuple[str, str]] = []  # (href, text)
        self.open: list[Element] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        if "id" in element.attrs:
            self.by_id[element.attrs["id"]] = element
        if element.attrs.get("data-testid") == "error-summary":
            self.summary = element
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        while self.open:
            element = self.open.pop()
            if element.tag == tag:
                if tag == "a" and self.summary in self.open:
                    self.summary_links.append((element.attrs.get("href", ""), element.words))
                return

    def handle_data(self, data):
        for element in self.open:
            element.text.append(data)
        if self.open and self.open[-1].tag == "title":
            self.title += data


def page_of(response) -> Page:
    assert response.status_code == 200, response.status_code
    return Page(response.get_data(as_text=True))


def assert_heard(page: Page, expected: dict[str, str]) -> None:
    """The title says there are errors; the list links to each field of ``expected`` (its id) with
    its message; each field is invalid and named its help text and its message."""
    assert page.title.startswith("Error: "), page.title
    assert page.summary is not None and page.summary.attrs.get("tabindex") == "-1"
    links = dict(page.summary_links)
    for target, message in expected.items():
        assert f"#{target}" in links, (target, page.summary_links)
        assert message in links[f"#{target}"]
        element = page.by_id[target]  # the link goes to an element of the page
        assert element.attrs.get("aria-invalid") == "true", element
        described = element.attrs.get("aria-describedby", "").split()
        assert any(message in page.by_id[name].words for name in described), (target, described)
    for href, _text in page.summary_links:
        assert href[1:] in page.by_id, href


def test_a_sign_up_with_errors_is_heard_with_each_field_and_its_help_text(client):
    response = submit(client, "/signup", {"email": "not an address", "full_name": ""})

    page = page_of(response)
    assert_heard(
        page,
        {"email": "Enter an e-mail address such as name@example.org.", "full_name": "This field is required."},
    )
    assert "Full name in Latin letters: This field is required." in dict(page.summary_links)["#full_name"]
    assert page.by_id["full_name"].attrs["aria-describedby"].split() == ["full_name-help", "full_name-error"]
    assert "aria-invalid" not in page.by_id["native_name"].attrs  # a field without a problem says nothing


def test_a_log_in_refused_by_the_service_is_heard(client, make_user):
    user = make_user()
    page = page_of(submit(client, "/login", {"email": user.email, "password": "not the password 123"}))

    assert_heard(page, {"password": "The e-mail address or the password is not right."})


def test_a_registration_with_errors_in_its_own_questions_links_to_each_question(client, make_event, make_question):
    event = make_event()
    short = make_question(event, label="Your research topic", required=True, help_text="One line is enough.")
    choice = make_question(
        event,
        kind=QuestionKind.SINGLE_CHOICE,
        label="Which day will you come?",
        options=["Monday", "Tuesday"],
        required=True,
        position=1,
    )
    response = register(
        client,
        event,
        email="li.wei@example.org",
        password="Plum blossom river 2027",
        confirm="Plum blossom river 2027",
        organisation="",
    )

    page = page_of(response)
    assert_heard(
        page,
        {
            f"q_{short.id}": "This question needs an answer.",
            f"q_{choice.id}-0": "This question needs an answer.",  # a group of options: its first
        },
    )
    assert f"q_{short.id}-help" in page.by_id[f"q_{short.id}"].attrs["aria-describedby"].split()
    assert page.by_id[f"q_{choice.id}-1"].attrs.get("aria-invalid") == "true"
    assert "#organisation" in dict(page.summary_links)  # the standard fields are in the same list
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 0


def test_an_event_edit_refused_by_the_service_is_heard_by_its_field(client, make_event):
    event = make_event()
    login(client, event.organisers[0])
    response = submit(client, f"/manage/events/{event.slug}/edit", EVENT_FORM | {"ends_at": "2027-03-14T09:00"})

    assert_heard(page_of(response), {"ends_at": "The event must end after it starts."})
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == event.title  # nothing changed


def test_a_session_edit_with_errors_is_heard(client, make_event, make_session):
    event = make_event(timezone="Asia/Shanghai", starts_at=utc(2027, 1, 12, 0, 30), ends_at=utc(2027, 1, 13, 10, 0))
    session = make_session(event, title="Unchanged", start=utc(2027, 1, 12, 1, 0), minutes=60)
    login(client, event.organisers[0])
    response = submit(client, edit_url(event, session), SESSION_FORM | {"title": "", "ends_at": "2027-01-12T08:00"})

    assert_heard(page_of(response), {"title-en": "Write this in at least one language."})
    db.session.expire_all()
    assert db.session.get(AgendaSession, session.id).title == "Unchanged"


def test_a_flashed_refusal_of_the_service_is_in_the_same_list(client, make_event, make_user):
    event = make_event()
    participant = make_user()
    registration = make_registration(event, participant, State.CANCELLED)
    login(client, participant)
    response = submit(client, f"/registrations/{registration.id}", REGISTRATION_FORM | {"organisation": "ILO"})

    page = page_of(response)
    assert page.title.startswith("Error: ")
    assert page.summary.words == "There is a problem This registration is Cancelled; its answers cannot change."
    assert page.summary_links == []  # about the whole registration, not one field


def test_a_refused_bulk_action_is_in_the_list_after_the_page_comes_back(client, make_event, make_user):
    event = make_event()
    login(client, event.organisers[0])
    response = submit(client, f"/manage/events/{event.slug}/registrations", {"action": "nonsense"})

    page = page_of(response)
    assert page.title.startswith("Error: ")
    assert "Choose what to do with the registrations." in page.summary.words
    assert page.summary_links == []  # the buttons of a list have no field to go to


def test_a_page_without_errors_has_no_list_and_its_own_title(client, make_event):
    page = page_of(client.get("/signup"))
    assert page.summary is None
    assert page.title.startswith("Create an account")


def test_the_chinese_page_says_error_in_chinese(client):
    response = submit(client, "/signup", {"email": "x", "full_name": ""}, headers={"Accept-Language": "zh-CN"})
    page = Page(response.get_data(as_text=True))
    assert page.title.startswith("错误："), page.title


def test_the_desk_refusing_a_session_of_another_event_is_heard_by_the_session_list(
    client, make_event, make_user, make_session
):
    event, other = make_event(), make_event()
    elsewhere = make_session(other)
    login(client, event.organisers[0])
    response = submit(
        client,
        f"/events/{event.slug}/check-in",
        {"slot": str(elsewhere.id), "code": "ABC"},
        form_url=f"/events/{event.slug}/check-in",
    )

    assert_heard(page_of(response), {"slot": "Choose arrival or a session of this event."})
