"""The organiser's toolbar on the event page: a handful of named groups (disclosures that work
without JavaScript), each holding its links; only the event's organisers see it."""

import re

from workshop.events.models import EventStatus

from .conftest import login

MANAGE, PUBLIC = "/manage/events/{slug}/", "/events/{slug}/"
GROUPS = {
    "Participants": [
        MANAGE + "registrations",
        MANAGE + "questions",
        PUBLIC + "check-in",
        MANAGE + "attendance",
        MANAGE + "badges",
        MANAGE + "check-in/staff",
        MANAGE + "check-in/tokens",
        MANAGE + "visa-letters",
    ],
    "Programme": [MANAGE + "agenda", MANAGE + "speakers", MANAGE + "materials"],
    "Communication": [MANAGE + "messages", MANAGE + "emails", MANAGE + "evaluation"],
    "Documents": [MANAGE + "certificates", MANAGE + "report", MANAGE + "outcomes"],
    "Settings": [
        MANAGE + "edit",
        MANAGE + "team",
        MANAGE + "translations",
        MANAGE + "privacy",
        MANAGE + "retention",
        MANAGE + "log",
        MANAGE + "duplicate",
    ],
}


def toolbar_of(page: str) -> str:
    match = re.search(r'<nav class="organiser-toolbar[^"]*" aria-label="Organise this event".*?</nav>', page, re.S)
    assert match, "no toolbar"
    return match.group(0)


def groups_of(toolbar: str) -> dict[str, list[str]]:
    groups = {}
    for summary, links in re.findall(r"<details[^>]*>\s*<summary[^>]*>([^<]+)</summary>(.*?)</details>", toolbar, re.S):
        groups[summary] = re.findall(r'<li><a class="dropdown-item" href="([^"]+)">', links)
    return groups


def test_the_organiser_sees_five_named_groups_holding_every_page_of_the_event(app, make_event):
    event = make_event(status=EventStatus.DRAFT)
    client = app.test_client()
    login(client, event.organisers[0])

    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    toolbar = toolbar_of(page)
    groups = groups_of(toolbar)

    assert list(groups) == list(GROUPS)
    assert toolbar.count("<details") == len(GROUPS) and toolbar.count("<summary") == len(GROUPS)
    assert groups == {name: [link.format(slug=event.slug) for link in links] for name, links in GROUPS.items()}
    assert 'value="published"' in page  # the draft's Publish button stays beside the groups
    for link in (link for links in groups.values() for link in links):
        assert client.get(link).status_code == 200, link


def test_the_toolbar_is_for_the_events_organisers_only(app, make_event, make_user):
    event = make_event()
    visitor = app.test_client()
    someone = app.test_client()
    login(someone, make_user(can_create_events=True))

    for client in (visitor, someone):
        page = client.get(f"/events/{event.slug}").get_data(as_text=True)
        assert "organiser-toolbar" not in page and "Organise this event" not in page
