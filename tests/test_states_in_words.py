"""No information by colour alone: every coloured mark of a state, an eligibility or an attendance
says it in words too, on the pages organisers and participants read them on."""

from html.parser import HTMLParser

import pytest

from workshop.attendance import recording
from workshop.attendance.models import CertificateRule, Method
from workshop.extensions import db
from workshop.registration.states import State

from .conftest import login, logout, make_registration

VOID = frozenset({"input", "img", "br", "hr", "meta", "link", "source"})
COLOURED = ("badge", "text-bg-", "state-", "text-success", "text-danger", "text-warning", "bg-success", "bg-danger")


class ColouredMarks(HTMLParser):
    """The text of each element whose classes colour it; elements without a closing tag are not marks."""

    def __init__(self):
        super().__init__()
        self.open: list[list] = []  # [tag, coloured, text parts]
        self.marks: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = dict(attrs).get("class") or ""
        coloured = next((c for c in classes.split() if c.startswith(COLOURED)), "")
        self.open.append([tag, coloured, []])

    def handle_endtag(self, tag):
        while self.open:
            opened, coloured, parts = self.open.pop()
            if coloured:
                self.marks.append((coloured, " ".join("".join(parts).split())))
            if self.open:
                self.open[-1][2].extend(parts)
            if opened == tag:
                break

    def handle_data(self, data):
        if self.open:
            self.open[-1][2].append(data)


def coloured_marks(page: str) -> list[tuple[str, str]]:
    parser = ColouredMarks()
    parser.feed(page)
    return parser.marks


@pytest.fixture
def event_of_every_state(make_event, make_user, make_session):
    event = make_event(title="Labour inspection training", capacity=10)
    session = make_session(event, "Opening", minutes=60)
    db.session.add(CertificateRule(event_id=event.id, min_percent=50))
    db.session.commit()
    people = {}
    for state in State:
        person = make_user(email=f"{state.value}@example.org", full_name=f"Person {state.value}")
        people[state] = make_registration(event, person, state)
    recording.mark_present(event, people[State.CONFIRMED], session, Method.ROSTER, event.organisers[0])
    make_registration(event, make_user(full_name="Absent Person"))
    return event, session, people


def test_states_eligibility_and_attendance_are_written_not_only_coloured(app, client, event_of_every_state):
    event, session, people = event_of_every_state
    login(client, event.organisers[0])
    pages = [
        f"/manage/events/{event.slug}/registrations",
        f"/manage/events/{event.slug}/certificates",
        f"/manage/events/{event.slug}/attendance",
        f"/manage/events/{event.slug}/sessions/{session.id}/roster",
    ]
    seen = 0
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        for colour, text in coloured_marks(response.get_data(as_text=True)):
            assert text, f"{path}: a mark coloured {colour} has no words"
            seen += 1
    assert seen >= len(State)  # the states at least were found and read

    logout(client)
    participant = people[State.CONFIRMED].user
    login(client, participant)
    for path in ("/registrations", f"/registrations/{people[State.CONFIRMED].id}"):
        marks = coloured_marks(client.get(path).get_data(as_text=True))
        assert marks and all(text for _, text in marks), path
