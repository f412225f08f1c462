"""The public part of the JSON API: published events (filtered, in pages), an event, its agenda with
speakers and rooms, its speakers, the resource library; every answer with an ETag that a client
revalidates; bad queries and headers refused as problem details and recorded; CORS only here."""

from datetime import date

import pytest

from workshop.agenda.models import SpeakerRole
from workshop.audit.models import AuditEntry
from workshop.events.models import EventKind, EventStatus, Series
from workshop.extensions import db
from workshop.publishing.models import Audience, Publication, PublicationKind


def attempts(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)))


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    return body


@pytest.fixture
def published(make_event):
    return make_event(
        title={"en": "Social dialogue in practice", "zh": "社会对话实践"}, country="CN", timezone="Asia/Shanghai"
    )


def test_the_published_events_are_listed_and_drafts_are_not(client, make_event, published):
    make_event(status=EventStatus.DRAFT, title="A plan nobody may see")

    response = client.get("/api/v1/events")

    assert response.status_code == 200
    body = response.get_json()
    assert [event["id"] for event in body["items"]] == [published.id]
    assert body["items"][0]["title"] == {"en": "Social dialogue in practice", "zh": "社会对话实践"}
    assert body["items"][0]["url"].endswith(f"/events/{published.slug}")
    assert body["total"] == 1 and body["pages"] == 1 and body["next"] is None


def test_the_events_come_in_pages_with_links_to_the_next(client, make_event):
    events = [make_event(starts_in_days=10 + n) for n in range(5)]

    first = client.get("/api/v1/events?per_page=2").get_json()
    second = client.get(first["next"]).get_json()
    last = client.get("/api/v1/events?per_page=2&page=3")

    assert [e["id"] for e in first["items"]] == [events[0].id, events[1].id]
    assert [e["id"] for e in second["items"]] == [events[2].id, events[3].id]
    assert second["prev"] and second["page"] == 2
    assert [e["id"] for e in last.get_json()["items"]] == [events[4].id]
    assert 'rel="prev"' in last.headers["Link"] and 'rel="next"' not in last.headers["Link"]
    assert first["total"] == 5 and first["pages"] == 3


def test_the_events_are_filtered_by_dates_series_kind_and_language(client, make_event, make_user):
    series = Series(slug="decent-work", title="Decent work")
    db.session.add(series)
    db.session.commit()
    soon = make_event(starts_in_days=5, days=1, series_id=series.id, title={"en": "Soon", "zh": "不久"})
    later = make_event(starts_in_days=60, days=1, kind=EventKind.TRAINING, title="Later")

    def ids(query):
        return [event["id"] for event in client.get(f"/api/v1/events?{query}").get_json()["items"]]

    assert ids(f"from={later.starts_at.date().isoformat()}") == [later.id]
    assert ids(f"to={soon.ends_at.date().isoformat()}") == [soon.id]
    assert ids(f"from={soon.starts_at.date().isoformat()}&to={later.starts_at.date().isoformat()}") == [
        soon.id,
        later.id,
    ]
    assert ids(f"series={series.id}") == [soon.id]
    assert ids("kind=training") == [later.id]
    assert ids("language=zh") == [soon.id]


def test_an_event_its_agenda_with_speakers_and_rooms_and_its_speakers(client, published, make_session, make_speaker):
    opening = make_session(published, title={"en": "Opening", "zh": "开幕"}, room="Hall A")
    make_speaker(published, full_name="Wang Fang", native_name="王芳", sessions=[opening], role=SpeakerRole.CHAIR)

    event = client.get(f"/api/v1/events/{published.id}").get_json()
    sessions = client.get(f"/api/v1/events/{published.id}/sessions").get_json()["items"]
    speakers = client.get(f"/api/v1/events/{published.id}/speakers").get_json()["items"]

    assert event["timezone"] == "Asia/Shanghai" and event["country"] == "CN"
    assert sessions[0]["title"] == {"en": "Opening", "zh": "开幕"} and sessions[0]["room"] == "Hall A"
    assert sessions[0]["speakers"] == [
        {"speaker_id": speakers[0]["id"], "full_name": "Wang Fang", "native_name": "王芳", "role": "chair"}
    ]
    assert speakers[0]["full_name"] == "Wang Fang"


def test_a_draft_is_not_found_as_if_it_did_not_exist(client, make_event):
    draft = make_event(status=EventStatus.DRAFT)

    for path in ("", "/sessions", "/speakers"):
        problem_of(client.get(f"/api/v1/events/{draft.id}{path}"), 404)
    problem_of(client.get("/api/v1/events/999999"), 404)


def test_the_resource_library_lists_public_publications_of_published_events(client, published, make_event):
    draft = make_event(status=EventStatus.DRAFT)
    shown = publication(published, "Final report", Audience.PUBLIC)
    publication(published, "For participants only", Audience.PARTICIPANTS)
    publication(draft, "Of a draft", Audience.PUBLIC)

    body = client.get("/api/v1/resources").get_json()
    by_event = client.get(f"/api/v1/resources?event={published.id}&kind=report").get_json()

    assert [item["id"] for item in body["items"]] == [shown.id]
    assert body["items"][0]["title"] == {"en": "Final report"}
    assert client.get(body["items"][0]["page_url"]).status_code == 200
    assert [item["id"] for item in by_event["items"]] == [shown.id]
    assert client.get("/api/v1/resources?kind=press_release").get_json()["items"] == []


def publication(event, title, audience) -> Publication:
    item = Publication(
        event_id=event.id,
        kind=PublicationKind.REPORT,
        audience=audience,
        title=title,
        dated=date(2026, 5, 1),
        languages=" en ",
        search_text=title.lower(),
    )
    db.session.add(item)
    db.session.commit()
    return item


def test_an_unchanged_answer_is_not_sent_again(client, published):
    first = client.get(f"/api/v1/events/{published.id}")
    tag = first.headers["ETag"]

    again = client.get(f"/api/v1/events/{published.id}", headers={"If-None-Match": tag})
    published.title = "A new title"
    db.session.commit()
    changed = client.get(f"/api/v1/events/{published.id}", headers={"If-None-Match": tag})

    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == tag
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    listing = client.get("/api/v1/events")
    assert (
        client.get("/api/v1/events", headers={"If-None-Match": f'"other", {listing.headers["ETag"]}'}).status_code
        == 304
    )


@pytest.mark.parametrize("value", ["abc", '"unclosed', 'W/ "x"', '"a" "b"'])
def test_a_malformed_if_none_match_is_refused_and_recorded(client, published, value):
    body = problem_of(client.get(f"/api/v1/events/{published.id}", headers={"If-None-Match": value}), 400)

    assert "If-None-Match" in body["errors"]
    assert len(attempts("api.header_refused")) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=1000", "per_page"),  # a huge page
        ("per_page=0", "per_page"),
        ("page=two", "page"),  # a wrong type
        (f"page={10**20}", "page"),  # beyond what a database's OFFSET holds
        (f"page={2**31 // 100 + 1}", "page"),  # the first row of the page beyond it
        (f"series={10**20}", "series"),  # beyond the database's ids
        ("from=yesterday", "from"),
        ("kind=party", "kind"),
        ("colour=blue", "colour"),  # an unknown field
    ],
)
def test_a_bad_query_is_refused_with_its_field_and_recorded(client, published, query, field):
    body = problem_of(client.get(f"/api/v1/events?{query}"), 400)

    assert list(body["errors"]) == [field]
    [entry] = attempts("api.query_refused")
    assert entry.changes == {"errors": body["errors"]}


def test_errors_of_the_api_are_problem_details_in_the_readers_language(client, published):
    problem_of(client.get("/api/v1/nowhere"), 404)
    problem_of(client.post("/api/v1/events"), 405)
    body = problem_of(client.get("/api/v1/events?per_page=1000", headers={"Accept-Language": "zh-CN"}), 400)
    assert body["detail"] != "The query is not valid."


def test_the_check_in_api_of_scanners_keeps_its_own_errors(client, published):
    response = client.get(f"/api/events/{published.slug}/tickets/ABC")

    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_the_public_part_is_open_to_other_sites(client, published):
    response = client.get("/api/v1/events", headers={"Origin": "https://partner.example"})
    preflight = client.options(
        f"/api/v1/events/{published.id}",
        headers={"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"},
    )

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_the_public_part_is_rate_limited_per_address(app, client, published):
    app.config["API_PUBLIC_RATE_LIMIT"] = "3 per minute"

    answers = [client.get("/api/v1/events").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    problem_of(client.get("/api/v1/events"), 429)


def test_the_openapi_document_describes_every_route_and_the_page_shows_it(client):
    document = client.get("/api/v1/openapi.json").get_json()
    page = client.get("/developers/api")

    assert document["openapi"].startswith("3.")
    assert "/api/v1/events/{event_id}/registrations/{registration_id}/decision" in document["paths"]
    parameters = document["paths"]["/api/v1/events"]["get"]["parameters"]
    assert {"from", "to", "series", "kind", "language", "page", "per_page"} <= {p["name"] for p in parameters}
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "/api/v1/events/{event_id}/sessions" in text and 'id="status-422"' in text
    assert "/developers/api" in client.get("/").get_data(as_text=True)  # linked from every page's footer
    chinese = client.get("/developers/api", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "研讨会管理系统的 API" in chinese and "页码，从 1 开始。" in chinese
