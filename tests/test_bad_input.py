"""Bad input gets a clear answer, never a server error: every route of the site, taken from the
URL map so that a new route is walked too, with numbers the database cannot hold, control
characters and dates in year 1, as a visitor and as an organiser."""

import re
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from sqlalchemy import func
from werkzeug.routing import IntegerConverter, Rule

from workshop.accounts.models import User
from workshop.agenda.models import AgendaSession, SessionSpeaker, Speaker
from workshop.attendance import tokens
from workshop.attendance.models import ApiToken, Attendance
from workshop.audit.models import AuditEntry
from workshop.certificates.models import Certificate
from workshop.demo import COMING_WORKSHOP, PASSWORDS, PAST_CONFERENCE, load_demo
from workshop.demo.people import ORGANISER_EMAIL
from workshop.events.models import Event, EventStatus
from workshop.extensions import db
from workshop.feedback.models import EvaluationQuestion
from workshop.jobs.models import Job
from workshop.letters.models import LetterRequest
from workshop.materials.models import Material
from workshop.messages.models import MessageTemplate, ParticipantMessage
from workshop.privacy.models import DataExport
from workshop.publishing.models import Publication
from workshop.registration.models import Question, Registration
from workshop.registration.states import State
from workshop.reports.models import ReportSection
from workshop.team.models import TeamInvitation

from .conftest import PASSWORD, csrf_token, login, make_registration, register, submit

HUGE = 2**31  # one more than the largest INTEGER of PostgreSQL
HUGER = 10**20  # more than 64 bits
TEXT = "Name\x00\x01\x1b[31m\x7f"
YEAR_ONE_DAY, YEAR_ONE_MOMENT = "0001-01-01", "0001-01-01T09:00"

# What an id segment names, by its name (and, for questions, by the page it is on)
MODEL_OF = {
    "session_id": AgendaSession,
    "speaker_id": Speaker,
    "registration_id": Registration,
    "material_id": Material,
    "certificate_id": Certificate,
    "section_id": ReportSection,
    "letter_id": LetterRequest,
    "token_id": ApiToken,
    "job_id": Job,
    "invitation_id": TeamInvitation,
    "publication_id": Publication,
    "message_id": ParticipantMessage,
    "template_id": MessageTemplate,
}


class FormFields(HTMLParser):
    """The names and types of the fields of every form on a page."""

    def __init__(self):
        super().__init__()
        self.types: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if not name or name == "csrf_token":
            return
        kind = {"select": "select", "textarea": "text"}.get(tag, attributes.get("type", "text"))
        if tag in ("input", "select", "textarea") and kind not in ("submit", "file", "button"):
            self.types.setdefault(name, kind)


def fuzzed(kind: str):
    if kind == "date":
        return YEAR_ONE_DAY
    if kind == "datetime-local":
        return YEAR_ONE_MOMENT
    if kind in ("number", "hidden", "select", "checkbox", "radio"):
        return [str(HUGE), str(HUGER)]
    return TEXT


@dataclass
class Walk:
    client: object
    values: dict
    fields: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)

    def request(self, method: str, url: str, **kwargs):
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:  # the test app lets a request's exception through: a 500 in production
            frame = traceback.extract_tb(error.__traceback__)[-1]
            self.failures.append(f"{method} {url[:120]!r}: {error!r} at {frame.filename}:{frame.lineno}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{method} {url[:120]!r}: {response.status_code}")
        if response.mimetype == "text/html":
            parser = FormFields()
            parser.feed(response.get_data(as_text=True))
            for name, kind in parser.types.items():
                self.fields.setdefault(name, kind)
        response.close()
        return response

    def url(self, rule: Rule, **override) -> str:
        values = {name: self.value_for(rule, name) for name in rule.arguments} | override
        return rule.build(values, append_unknown=False)[1]

    def value_for(self, rule: Rule, name: str):
        if name in self.values:
            return self.values[name]
        if name == "question_id":
            return self.values["evaluation_question_id" if "/evaluation/" in rule.rule else "registration_question_id"]
        return "x"

    def huge_segments(self, rule: Rule) -> None:
        for name, converter in rule._converters.items():
            if not isinstance(converter, IntegerConverter):
                continue
            for number in (HUGE, HUGER):
                for method in methods_of(rule):
                    url = self.url(rule, **{name: number})
                    response = self.request(method, url)
                    if response is not None and response.status_code != 404:
                        self.failures.append(f"{method} {url!r}: {response.status_code}, not 404")

    def bad_query(self) -> str:
        return "&".join(f"{name}={value}" for name, value in self.query_values())

    def query_values(self):
        for name, kind in [*self.fields.items(), ("page", "number")]:
            values = fuzzed(kind)
            for value in values if isinstance(values, list) else [values]:
                yield name, re.sub(r"[^A-Za-z0-9-]", lambda m: f"%{ord(m.group()):02X}", value)

    def bad_form(self) -> dict:
        return {name: fuzzed(kind) for name, kind in self.fields.items()} | {"page": str(HUGE)}


def methods_of(rule: Rule) -> list[str]:
    return sorted(rule.methods & {"GET", "POST"}, key=["GET", "POST"].index)


def first_id(model, event: Event | None):
    query = db.select(model.id).order_by(model.id).limit(1)
    if event is not None and hasattr(model, "event_id"):
        query = query.where(model.event_id == event.id)
    return db.session.scalar(query) or 1


def values_of(event: Event) -> dict:
    values = {name: first_id(model, event) for name, model in MODEL_OF.items()}
    if values["certificate_id"] == 1 and not db.session.get(Certificate, 1):
        values["certificate_id"] = db.session.scalar(db.select(Certificate.id).limit(1)) or 1
    return values | {
        "slug": event.slug,
        "event_id": event.id,  # the JSON API names events by number
        "registration_question_id": first_id(Question, event),
        "evaluation_question_id": db.session.scalar(db.select(EvaluationQuestion.id).limit(1)) or 1,
        "link_id": db.session.scalar(
            db.select(SessionSpeaker.id).where(SessionSpeaker.speaker_id == values["speaker_id"]).limit(1)
        )
        or 1,
        "user_id": db.session.scalar(db.select(User.id).where(User.email == ORGANISER_EMAIL)),
        "person_id": db.session.scalar(db.select(User.id).where(User.email == ORGANISER_EMAIL)),
        "export_id": db.session.scalar(db.select(DataExport.id).limit(1)) or 1,
        "role": "check_in_staff",
        "filename": "css/app.css",
        "kind": "introduction",
        "version": 1,
        "number": 1,  # a version of a privacy notice
        "language": "en",
    }


def walk_order(rule: Rule) -> tuple:
    """What removes what other routes need comes late, and logging out last."""
    return ("logout" in rule.rule, bool(re.search(r"delete|remove|revoke|status|cancel", rule.rule)), rule.rule)


def walk(client, values: dict, log_in) -> list[str]:
    walk = Walk(client, values)
    log_in()
    rules = sorted(client.application.url_map.iter_rules(), key=walk_order)
    gets = [rule for rule in rules if "GET" in rule.methods]
    for rule in gets:  # first as they are, which also finds the forms and their fields
        walk.request("GET", walk.url(rule))
    token = csrf_token(client, "/privacy")  # the language switcher's form
    for rule in rules:
        walk.huge_segments(rule)
        if "GET" in rule.methods:
            walk.request("GET", f"{walk.url(rule)}?{walk.bad_query()}")
        if "POST" in rule.methods:
            walk.request("POST", walk.url(rule), data={"csrf_token": token, **walk.bad_form()})
    log_in()  # again, after the walk logged out
    for rule in gets:  # nothing the bad input left behind breaks a page
        walk.request("GET", walk.url(rule))
    return walk.failures


@pytest.fixture
def demo(app) -> dict[str, Event]:
    """The demo's coming workshop (registrations, visa letters) and past conference (attendance,
    certificates, evaluation, report)."""
    load_demo()
    events = db.session.scalars(db.select(Event).order_by(Event.id)).all()
    return {
        COMING_WORKSHOP: next(e for e in events if e.status is EventStatus.PUBLISHED),
        PAST_CONFERENCE: next(e for e in events if e.status is EventStatus.ARCHIVED),
    }


@pytest.mark.parametrize("who", ["visitor", "organiser"])
@pytest.mark.parametrize("which", [COMING_WORKSHOP, PAST_CONFERENCE])
def test_no_route_answers_bad_input_with_a_server_error(app, demo, who, which):
    client = app.test_client()

    def log_in():
        if who == "organiser":
            logged_in = submit(client, "/login", {"email": ORGANISER_EMAIL, "password": PASSWORDS[ORGANISER_EMAIL]})
            assert logged_in.status_code == 302

    logged = kept_log()

    failures = walk(client, values_of(demo[which]), log_in)

    assert not failures, "\n".join(failures)
    assert kept_log()[: len(logged)] == logged  # every route only ever adds to the activity log


def kept_log() -> list[tuple]:
    db.session.expire_all()
    rows = db.session.execute(
        db.select(AuditEntry.id, AuditEntry.actor_label, AuditEntry.summary, AuditEntry.changes).order_by(AuditEntry.id)
    )
    return [tuple(row) for row in rows]


# --- numbers the database cannot hold ----------------------------------------------------------


def test_an_id_beyond_the_database_in_an_address_is_not_found(client, make_event, make_session):
    event = make_event()
    make_session(event)

    for url in (
        f"/events/{event.slug}/agenda/{HUGE}",
        f"/events/{event.slug}/agenda/{HUGE}.ics",
        f"/registrations/{HUGER}",
    ):
        assert client.get(url).status_code == 404
    assert client.get(f"/events/{event.slug}/agenda/{HUGE - 1}").status_code == 404  # the largest id: none such
    assert client.get(f"/events/{event.slug}?page={HUGER}").status_code == 200
    assert client.get(f"/?page={HUGER}").status_code == 200 and client.get("/?page=²").status_code == 200


def test_ids_beyond_the_database_in_forms_are_refused_and_change_nothing(app, make_event, make_session, make_user):
    event = make_event()
    session = make_session(event)
    person = make_user()
    registration = make_registration(event, person, State.CONFIRMED)
    organiser = app.test_client()
    login(organiser, event.organisers[0])

    roster = submit(organiser, f"/manage/events/{event.slug}/sessions/{session.id}/roster", {"ids": [str(HUGE)]})
    desk = submit(organiser, f"/events/{event.slug}/check-in", {"slot": str(HUGER), "code": "ABC"})
    bulk = submit(
        organiser,
        f"/manage/events/{event.slug}/registrations",
        {"action": "cancel", "ids": [str(registration.id), str(HUGE)]},
    )
    badges = organiser.get(f"/manage/events/{event.slug}/badges.pdf?id={HUGE}")

    assert roster.status_code in (200, 302) and desk.status_code == 200 and bulk.status_code in (200, 302)
    assert "Not a valid integer value." in desk.get_data(as_text=True)
    assert badges.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(db.select(func.count()).select_from(Attendance)) == 0
    assert db.session.get(Registration, registration.id).state is State.CONFIRMED


# --- control characters ------------------------------------------------------------------------


def test_control_characters_are_removed_from_what_is_typed_but_lines_stay_in_text(app, client, make_user):
    submit(
        client,
        "/signup",
        {
            "email": "li.wei@example.org",
            "full_name": "Li\x00 Wei\x1b",
            "native_name": "李\x07伟",
            "locale": "zh",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )

    user = db.session.scalars(db.select(User).where(User.email == "li.wei@example.org")).one()
    assert (user.full_name, user.native_name) == ("Li Wei", "李伟")
    assert client.get("/?q=a\x00b&kind=\x00").status_code == 200


def test_a_multi_line_text_keeps_its_lines_and_tabs(app, make_event, make_session):
    event = make_event()
    session = make_session(event)
    organiser = app.test_client()
    login(organiser, event.organisers[0])

    submit(
        organiser,
        f"/manage/events/{event.slug}/agenda/{session.id}",
        {
            "title": "Opening\x00 plenary",
            "kind": "plenary",
            "starts_at": "2027-01-12T09:00",
            "ends_at": "2027-01-12T10:30",
            "description": "First line\x00\n\tsecond line",
        },
    )

    db.session.expire_all()
    saved = db.session.get(AgendaSession, session.id)
    assert (saved.title, saved.description) == ("Opening plenary", "First line\n\tsecond line")


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("moment", ["0001-01-01T09:00", "1899-12-31T23:59", "2201-01-01T00:00"])
def test_a_session_in_year_1_is_refused_by_the_field_and_the_agenda_still_works(app, make_event, make_session, moment):
    event = make_event()
    session = make_session(event, title="Opening plenary")
    organiser = app.test_client()
    login(organiser, event.organisers[0])
    before = (session.starts_at, session.ends_at)

    page = submit(
        organiser,
        f"/manage/events/{event.slug}/agenda/{session.id}",
        {"title": "Opening plenary", "kind": "plenary", "starts_at": moment, "ends_at": "2027-01-12T10:30"},
    )

    assert page.status_code == 200 and "Enter a date between the years 1900 and 2200." in page.get_data(as_text=True)
    assert 'min="1900-01-01T00:00"' in page.get_data(as_text=True)
    db.session.expire_all()
    assert (
        db.session.get(AgendaSession, session.id).starts_at,
        db.session.get(AgendaSession, session.id).ends_at,
    ) == before
    for url in (
        f"/events/{event.slug}/agenda",
        f"/events/{event.slug}/agenda.ics",
        f"/events/{event.slug}/agenda?tz=Asia/Shanghai",
    ):
        assert app.test_client().get(url).status_code == 200


def test_an_event_in_year_1_is_refused_by_the_field(app, make_user):
    organiser = app.test_client()
    login(organiser, make_user(can_create_events=True))

    page = submit(
        organiser,
        "/manage/events/new",
        {
            "kind": "workshop",
            "title": "Old",
            "timezone": "Europe/London",
            "starts_at": "0001-01-01T09:00",
            "ends_at": "2027-03-16T17:30",
            "status": "draft",
            "country": "GB",
        },
    )

    assert "Enter a date between the years 1900 and 2200." in page.get_data(as_text=True)
    assert db.session.scalar(db.select(func.count()).select_from(Event)) == 0


# --- header values -----------------------------------------------------------------------------


def test_a_line_break_in_an_event_title_does_not_stop_its_e_mails(app, client, make_event, make_user, mailbox):
    event = make_event(title="Platform work\r\nBcc: everyone@example.org")
    person = make_user(full_name="Li Wei")
    login(client, person)

    register(client, event)

    message = mailbox.last_to(person.email)
    assert "Platform work Bcc: everyone@example.org" in message["Subject"]
    assert message["Bcc"] is None


# --- the JSON API ------------------------------------------------------------------------------


def test_the_check_in_api_answers_every_error_in_json(app, client, make_event):
    event = make_event()
    raw = tokens.create_token(event.organisers[0], event, "Scanner")[1]
    auth = {"Authorization": f"Bearer {raw}"}
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/api/broken")
    def broken():
        raise RuntimeError("the database is down")

    answers = {
        404: client.get("/api/events/no-such-event/nowhere", headers=auth),
        405: client.get(f"/api/events/{event.slug}/attendance", headers=auth),
        500: client.get("/api/broken"),
        400: client.post(f"/api/events/{event.slug}/attendance", json={"code": "X", "session_id": HUGE}, headers=auth),
        401: client.post(f"/api/events/{event.slug}/attendance", json={"code": "X"}),
    }

    for status, answer in answers.items():
        assert (answer.status_code, answer.mimetype) == (status, "application/json"), status
        assert answer.get_json()["error"] and "the database is down" not in answer.get_data(as_text=True)
    scanned = client.post(f"/api/events/{event.slug}/attendance", json={"code": "AB\x00CD"}, headers=auth)
    assert (scanned.status_code, scanned.get_json()["status"]) == (200, "unknown")
    assert client.get(f"/api/events/{event.slug}/tickets/AB%00CD", headers=auth).mimetype == "application/json"
