"""The resource library, /resources: the public publications of public events, searched by title in
either language, filtered by event, series, kind, language and year, page by page; and whatever is typed
into it answers with a page, never a server error."""

import re
from datetime import UTC, date, datetime

import pytest

from workshop.events.models import EventStatus, Series
from workshop.extensions import db
from workshop.publishing.models import Audience, Publication, PublicationKind
from workshop.translated import Translated

LIBRARY = "/resources"


@pytest.fixture
def library(app, make_event):
    """Two public events and a draft, with publications of every kind and audience."""
    migration = make_event(title={"en": "Labour Migration Workshop", "zh": "劳动力移民研讨会"}, starts_in_days=-30)
    safety = make_event(title={"en": "Occupational Safety Course", "zh": "职业安全培训班"}, starts_in_days=-400)
    draft = make_event(title="Draft meeting", status=EventStatus.DRAFT, starts_in_days=-10)

    def publish(event, kind, title, dated, languages=("en", "zh"), audience=Audience.PUBLIC, withdrawn=False):
        publication = Publication(
            event_id=event.id,
            kind=kind,
            audience=audience,
            title=title,
            dated=dated,
            languages=f" {' '.join(languages)} ",
            search_text="\n".join(title.values()).casefold() if isinstance(title, dict) else title.casefold(),
            withdrawn_at=datetime(2027, 1, 1, tzinfo=UTC) if withdrawn else None,
        )
        db.session.add(publication)
        db.session.commit()
        return publication

    publish(
        migration,
        PublicationKind.REPORT,
        {"en": "Labour Migration Workshop", "zh": "劳动力移民研讨会"},
        date(2027, 3, 1),
    )
    publish(
        migration,
        PublicationKind.PRESS_RELEASE,
        {"en": "Guidelines agreed on fair recruitment", "zh": "公平招聘指南达成一致"},
        date(2027, 2, 20),
    )
    publish(migration, PublicationKind.MATERIAL, {"en": "Slides: 100% of migrants_rights"}, date(2027, 2, 18), ("en",))
    publish(
        migration,
        PublicationKind.MATERIAL,
        {"en": "Participants' contact sheet"},
        date(2027, 2, 18),
        audience=Audience.PARTICIPANTS,
    )
    publish(migration, PublicationKind.PRESS_RELEASE, {"en": "Withdrawn statement"}, date(2027, 2, 19), withdrawn=True)
    publish(
        safety, PublicationKind.REPORT, {"en": "Occupational Safety Course", "zh": "职业安全培训班"}, date(2026, 1, 10)
    )
    publish(safety, PublicationKind.MATERIAL, {"zh": "安全检查清单"}, date(2026, 1, 5), ("zh",))
    publish(draft, PublicationKind.PRESS_RELEASE, {"en": "Draft announcement"}, date(2027, 1, 1))
    return {"migration": migration, "safety": safety, "draft": draft}


def titles(response) -> list[str]:
    html = response.get_data(as_text=True)
    section = html.split('data-testid="results"', 1)[1] if 'data-testid="results"' in html else ""
    return re.findall(r'<h2 class="h6 mb-1"><a href="/resources/\d+-[^"]*">(?:<span[^>]*>)?([^<]+)', section)


def test_the_library_lists_the_public_publications_of_public_events_newest_first(library, client):
    response = client.get(LIBRARY)

    assert response.status_code == 200
    assert titles(response) == [
        "Labour Migration Workshop",
        "Guidelines agreed on fair recruitment",
        "Slides: 100% of migrants_rights",
        "Occupational Safety Course",
        "安全检查清单",
    ]
    page = response.get_data(as_text=True)
    assert "Participants&#39; contact sheet" not in page and "Participants' contact sheet" not in page
    assert "Withdrawn statement" not in page and "Draft announcement" not in page and "Draft meeting" not in page


def test_each_item_links_to_its_lasting_address(library, client):
    page = client.get(LIBRARY).get_data(as_text=True)
    report = db.session.scalar(
        db.select(Publication).where(
            Publication.kind == PublicationKind.REPORT, Publication.event_id == library["migration"].id
        )
    )
    assert f'href="/resources/{report.id}-labour-migration-workshop"' in page
    assert client.get(f"/resources/{report.id}-labour-migration-workshop").status_code == 200


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("recruitment", ["Guidelines agreed on fair recruitment"]),
        ("FAIR", ["Guidelines agreed on fair recruitment"]),
        ("招聘", ["Guidelines agreed on fair recruitment"]),
        ("安全", ["Occupational Safety Course", "安全检查清单"]),
        ("100%", ["Slides: 100% of migrants_rights"]),
        ("s_r", ["Slides: 100% of migrants_rights"]),
        ("%", ["Slides: 100% of migrants_rights"]),
        ("_", ["Slides: 100% of migrants_rights"]),
        ("contact sheet", []),
    ],
)
def test_the_search_finds_titles_in_either_language_and_takes_wildcards_literally(library, client, query, found):
    response = client.get(LIBRARY, query_string={"q": query})
    assert response.status_code == 200
    assert titles(response) == found


def test_the_filters_narrow_the_list_by_event_kind_language_and_year(library, client):
    safety = library["safety"]
    assert titles(client.get(LIBRARY, query_string={"event": safety.id})) == [
        "Occupational Safety Course",
        "安全检查清单",
    ]
    assert titles(client.get(LIBRARY, query_string={"kind": "report"})) == [
        "Labour Migration Workshop",
        "Occupational Safety Course",
    ]
    assert titles(client.get(LIBRARY, query_string={"language": "zh", "kind": "material"})) == ["安全检查清单"]
    assert titles(client.get(LIBRARY, query_string={"year": "2026"})) == ["Occupational Safety Course", "安全检查清单"]
    nothing = client.get(LIBRARY, query_string={"q": "recruitment", "year": "2026"})
    assert nothing.status_code == 200 and 'data-testid="no-results"' in nothing.get_data(as_text=True)


def test_the_series_filter_lists_the_publications_of_the_series_events(library, client):
    series = Series(slug="safety-trainings", title=Translated({"en": "Safety trainings", "zh": "安全培训系列"}))
    db.session.add(series)
    db.session.flush()
    library["safety"].series_id = series.id
    db.session.commit()

    page = client.get(LIBRARY, headers={"Accept-Language": "zh"}).get_data(as_text=True)
    series_select = page.split('name="series"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{series.id}">安全培训系列</option>' in series_select
    assert titles(client.get(LIBRARY, query_string={"series": series.id})) == [
        "Occupational Safety Course",
        "安全检查清单",
    ]
    assert client.get(LIBRARY, query_string={"series": series.id + 1}).status_code == 400


def test_the_event_filter_offers_only_events_with_something_in_the_library(library, client):
    page = client.get(LIBRARY).get_data(as_text=True)
    event_select = page.split('name="event"', 1)[1].split("</select>", 1)[0]
    assert "Labour Migration Workshop" in event_select and "Occupational Safety Course" in event_select
    assert "Draft meeting" not in event_select


@pytest.mark.parametrize(
    "arguments",
    [
        {"kind": "novel"},
        {"event": "abc"},
        {"series": "abc"},
        {"event": "99999999999999999999"},
        {"language": "fr"},
        {"year": "1850"},
        {"year": "'; DROP TABLE publication; --"},
    ],
)
def test_an_unknown_filter_value_is_a_clear_400_with_the_message_by_its_field(library, client, arguments):
    response = client.get(LIBRARY, query_string=arguments)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Not a valid choice." in page and 'aria-invalid="true"' in page
    assert 'data-testid="no-search"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Publication)) == 8


@pytest.mark.parametrize(
    "query",
    [
        "%",
        "_",
        "'; DROP TABLE publication; --",
        "<script>alert(1)</script>",
        "\\",
        "a\x00b",
        "安全\x00",
        "😀 migrants",
        "𠀋",
        "x" * 200,
    ],
)
def test_a_hostile_search_answers_a_page_with_what_was_typed_escaped(library, client, query):
    response = client.get(LIBRARY, query_string={"q": query})

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Publication)) == 8


def test_a_search_of_a_thousand_characters_is_a_400_that_says_how_long_a_search_may_be(library, client):
    response = client.get(LIBRARY, query_string={"q": "<b>" + "x" * 997})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Field cannot be longer than 200 characters." in page
    assert "<b>xxx" not in page


def test_the_library_is_paged_and_a_page_past_the_last_shows_the_last(library, client, app, make_event):
    event = library["migration"]
    for number in range(25):
        db.session.add(
            Publication(
                event_id=event.id,
                kind=PublicationKind.PRESS_RELEASE,
                title={"en": f"Bulletin {number:02d}"},
                dated=date(2025, 1, 1 + number),
                languages=" en ",
                search_text=f"bulletin {number:02d}",
            )
        )
    db.session.commit()

    first = client.get(LIBRARY, query_string={"q": "bulletin"})
    second = client.get(LIBRARY, query_string={"q": "bulletin", "page": "2"})
    beyond = client.get(LIBRARY, query_string={"q": "bulletin", "page": "999"})
    huge = client.get(LIBRARY, query_string={"q": "bulletin", "page": "9" * 40})
    negative = client.get(LIBRARY, query_string={"q": "bulletin", "page": "-3"})

    assert len(titles(first)) == 20 and titles(first)[0] == "Bulletin 24"
    assert "Page 1 of 2" in first.get_data(as_text=True)
    assert 'href="/resources?page=2&amp;q=bulletin"' in first.get_data(as_text=True)
    assert titles(second) == [f"Bulletin {n:02d}" for n in range(4, -1, -1)]
    assert beyond.status_code == 200 and titles(beyond) == titles(second)
    assert huge.status_code == 200 and titles(huge) == titles(first)
    assert negative.status_code == 200 and titles(negative) == titles(first)
