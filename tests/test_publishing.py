"""Publishing an event's outcomes: the workshop report compiled in every language, press releases and
materials, for the public or the participants; withdrawing and publishing again; the event page's
"Results"; and who may do and see what."""

import hashlib
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from workshop.attendance.models import check_in_staff
from workshop.events.models import EventStatus
from workshop.extensions import db
from workshop.materials.models import Material, MaterialVersion, Visibility
from workshop.publishing.models import Audience, Publication, PublicationKind
from workshop.reports.models import ReportSection, SectionKind
from workshop.storage import upload_storage

from .conftest import as_user, csrf_token, make_registration, run_worker, submit

OUTCOMES = "/manage/events/{slug}/outcomes"
PUBLISH_REPORT = "/manage/events/{slug}/outcomes/report"
PUBLISH_MATERIAL = "/manage/events/{slug}/outcomes/materials"
NEW_PRESS_RELEASE = "/manage/events/{slug}/outcomes/press-releases/new"
EDIT_PRESS_RELEASE = "/manage/events/{slug}/outcomes/press-releases/{id}"
WITHDRAW = "/manage/events/{slug}/outcomes/{id}/withdraw"
PUBLISH_AGAIN = "/manage/events/{slug}/outcomes/{id}/publish-again"

PDF_V1 = b"%PDF-1.4\n% first version of the slides\n%%EOF\n"
PDF_V2 = b"%PDF-1.4\n% second version of the slides\n%%EOF\n"


@pytest.fixture
def organiser(make_user):
    return make_user(full_name="Catherine Shaw", can_create_events=True)


@pytest.fixture
def event(make_event, organiser):
    """An event that ended yesterday."""
    return make_event(
        organiser=organiser,
        title={"en": "Labour Migration Workshop", "zh": "劳动力移民研讨会"},
        starts_in_days=-3,
        days=2,
    )


def publications() -> list[Publication]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Publication).order_by(Publication.id)))


def resource_url(publication: Publication) -> str:
    page = f"/resources/{publication.id}"
    return page


def follow(client, url: str):
    """The page at the end of the redirects from ``url`` (the stable address's canonical form)."""
    return client.get(url, follow_redirects=True)


def download_links(html: str) -> list[str]:
    return re.findall(r'href="(/resources/\d+-[^"]+/v\d+/[^"]+)"', html)


def fetched(client, url: str) -> bytes:
    """The file at ``url``, read, with the file behind it closed."""
    response = client.get(url)
    assert response.status_code == 200, url
    data = response.get_data()
    response.close()
    return data


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def add_material(event, title, versions=(PDF_V1,), visibility=Visibility.PUBLIC) -> Material:
    material = Material(event_id=event.id, title=title, visibility=visibility)
    for number, data in enumerate(versions, start=1):
        material.versions.append(
            MaterialVersion(
                number=number,
                storage_key=upload_storage().save(io.BytesIO(data)),
                filename=f"slides-v{number}.pdf",
                content_type="application/pdf",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
    db.session.add(material)
    db.session.commit()
    return material


def publish_report(client, event, **fields):
    return submit(
        client,
        PUBLISH_REPORT.format(slug=event.slug),
        {"audience": "public", **fields},
        form_url=OUTCOMES.format(slug=event.slug),
    )


def press_release(client, event, url=None, **fields):
    data = {
        "title-en": "Workshop agrees on labour migration guidelines",
        "title-zh": "研讨会就劳动力移民指南达成一致",
        "body-en": "The **participants** agreed.",
        "body-zh": "与会者达成一致。",
        "dated": "2027-03-15",
        "audience": "public",
        **fields,
    }
    return submit(client, url or NEW_PRESS_RELEASE.format(slug=event.slug), data)


# --- the report --------------------------------------------------------------------------------


def test_the_published_report_is_a_pdf_in_each_language_that_later_edits_of_the_report_leave_as_it_was(
    app, event, organiser, client
):
    db.session.add(ReportSection(event_id=event.id, kind=SectionKind.BACKGROUND, body={"en": "Three provinces."}))
    db.session.commit()
    organiser_client = as_user(app, organiser)

    response = publish_report(organiser_client, event)

    assert response.status_code == 302
    (publication,) = publications()
    assert (publication.kind, publication.audience, publication.version) == (PublicationKind.REPORT, Audience.PUBLIC, 1)
    page = follow(client, resource_url(publication))
    assert page.status_code == 200
    links = download_links(page.get_data(as_text=True))
    assert [link.rsplit("/", 1)[1] for link in links] == ["en", "zh"]
    response = client.get(links[0])
    assert response.mimetype == "application/pdf" and "attachment" in response.headers["Content-Disposition"]
    response.close()
    english, chinese = (fetched(client, link) for link in links)
    assert "Three provinces." in pdf_text(english)
    assert "Workshop report" in pdf_text(english) and "研讨会报告" in pdf_text(chinese)

    section = db.session.scalar(db.select(ReportSection))
    section.body = {"en": "Four provinces, edited after publishing."}
    db.session.commit()

    again = fetched(client, links[0])
    assert again == english
    assert "Four provinces" not in pdf_text(again)


def test_the_report_is_compiled_for_publishing_by_the_worker_and_the_organiser_sees_how_far_it_got(
    app, event, organiser, worker_queue
):
    organiser_client = as_user(app, organiser)

    response = publish_report(organiser_client, event)

    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    assert publications() == []
    assert run_worker(worker_queue) == 1
    assert [(p.kind, len(p.files)) for p in publications()] == [(PublicationKind.REPORT, 2)]
    job_page = organiser_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Publishing the workshop report" in job_page and 'data-state="done"' in job_page


def test_publishing_the_report_before_the_event_ends_needs_an_explicit_confirmation(app, make_event, organiser):
    upcoming = make_event(organiser=organiser, starts_in_days=3)
    organiser_client = as_user(app, organiser)

    refused = publish_report(organiser_client, upcoming)

    assert refused.status_code == 400
    assert "The event has not ended yet" in refused.get_data(as_text=True)
    assert publications() == []
    assert not upload_storage().root.exists() or list(upload_storage().root.iterdir()) == []

    confirmed = publish_report(organiser_client, upcoming, confirm_early="y")
    assert confirmed.status_code == 302
    assert [p.kind for p in publications()] == [PublicationKind.REPORT]


def test_publishing_the_report_again_replaces_it_at_the_same_address_and_old_links_say_so(
    app, event, organiser, client
):
    organiser_client = as_user(app, organiser)
    publish_report(organiser_client, event)
    (first,) = publications()
    old_links = download_links(follow(client, resource_url(first)).get_data(as_text=True))
    old_keys = {file.storage_key for file in first.files}

    publish_report(organiser_client, event)

    (second,) = publications()
    assert (second.id, second.version) == (first.id, 2)
    assert not any(upload_storage().exists(key) for key in old_keys)
    old = client.get(old_links[0], follow_redirects=True)
    assert old.status_code == 200
    assert "Version 1 was replaced: this is version 2" in old.get_data(as_text=True)
    assert old.request.path == f"/resources/{first.id}-labour-migration-workshop"


# --- press releases ----------------------------------------------------------------------------


def test_a_press_release_is_published_in_both_languages_with_its_date_and_its_markdown_made_safe(
    app, event, organiser, client
):
    organiser_client = as_user(app, organiser)
    response = press_release(
        organiser_client, event, **{"body-en": "The **participants** agreed.<script>alert(1)</script>"}
    )

    assert response.status_code == 302
    (publication,) = publications()
    assert publication.dated == date(2027, 3, 15)
    page = follow(client, resource_url(publication)).get_data(as_text=True)
    assert "<strong>participants</strong>" in page and "与会者达成一致。" in page
    assert "<script>alert(1)" not in page
    assert "Mar 15, 2027" in page


def test_a_press_release_without_a_title_is_refused_by_its_field_and_nothing_is_published(app, event, organiser):
    response = press_release(as_user(app, organiser), event, **{"title-en": "", "title-zh": ""})

    assert response.status_code == 400
    assert "Write this in at least one language." in response.get_data(as_text=True)
    assert 'value="The participants agreed.' not in response.get_data(as_text=True)  # a textarea keeps it
    assert "The **participants** agreed." in response.get_data(as_text=True)
    assert publications() == []


def test_changing_a_press_release_publishes_a_new_version_at_the_same_address(app, event, organiser, client):
    organiser_client = as_user(app, organiser)
    press_release(organiser_client, event)
    (publication,) = publications()

    press_release(
        organiser_client,
        event,
        url=EDIT_PRESS_RELEASE.format(slug=event.slug, id=publication.id),
        **{"body-en": "The participants agreed on a second text."},
    )

    (changed,) = publications()
    assert (changed.id, changed.version) == (publication.id, 2)
    page = follow(client, resource_url(changed)).get_data(as_text=True)
    assert "a second text" in page and "Version 2" in page


# --- materials ---------------------------------------------------------------------------------


def test_an_organiser_publishes_one_version_of_a_material_as_a_copy_that_stays(app, event, organiser, client):
    material = add_material(event, "Slides of the opening", versions=(PDF_V1, PDF_V2))
    organiser_client = as_user(app, organiser)

    response = submit(
        organiser_client,
        PUBLISH_MATERIAL.format(slug=event.slug),
        {"material": f"{material.id}:1", "audience": "public"},
        form_url=OUTCOMES.format(slug=event.slug),
    )

    assert response.status_code == 302
    (publication,) = publications()
    assert publication.material_version == 1
    (link,) = download_links(follow(client, resource_url(publication)).get_data(as_text=True))
    assert fetched(client, link) == PDF_V1

    db.session.delete(db.session.get(Material, material.id))  # the organisers delete the material
    db.session.commit()
    assert fetched(client, link) == PDF_V1


def test_publishing_another_version_of_the_material_replaces_the_first_and_its_old_link_leads_to_the_new(
    app, event, organiser, client
):
    material = add_material(event, "Slides of the opening", versions=(PDF_V1, PDF_V2))
    organiser_client = as_user(app, organiser)
    publish = {"audience": "public"}
    submit(
        organiser_client,
        PUBLISH_MATERIAL.format(slug=event.slug),
        {**publish, "material": f"{material.id}:1"},
        form_url=OUTCOMES.format(slug=event.slug),
    )
    (first,) = publications()
    (old_link,) = download_links(follow(client, resource_url(first)).get_data(as_text=True))

    submit(
        organiser_client,
        PUBLISH_MATERIAL.format(slug=event.slug),
        {**publish, "material": str(material.id)},
        form_url=OUTCOMES.format(slug=event.slug),
    )

    (second,) = publications()
    assert (second.id, second.version, second.material_version) == (first.id, 2, 2)
    old = client.get(old_link, follow_redirects=True)
    assert "Version 1 was replaced: this is version 2" in old.get_data(as_text=True)
    (new_link,) = download_links(old.get_data(as_text=True))
    assert fetched(client, new_link) == PDF_V2


def test_a_material_of_another_event_cannot_be_published(app, event, make_event, organiser):
    other = add_material(make_event(), "Someone else's slides")
    response = submit(
        as_user(app, organiser),
        PUBLISH_MATERIAL.format(slug=event.slug),
        {"material": str(other.id), "audience": "public"},
        form_url=OUTCOMES.format(slug=event.slug),
    )
    assert response.status_code == 400
    assert publications() == []


# --- withdrawing, the event's page ----------------------------------------------------------------


def test_a_withdrawn_publication_says_so_at_its_address_until_it_is_published_again(app, event, organiser, client):
    organiser_client = as_user(app, organiser)
    press_release(organiser_client, event)
    (publication,) = publications()
    address = follow(client, resource_url(publication)).request.path
    assert "Workshop agrees" in client.get(f"/events/{event.slug}").get_data(as_text=True)

    submit(
        organiser_client,
        WITHDRAW.format(slug=event.slug, id=publication.id),
        {},
        form_url=OUTCOMES.format(slug=event.slug),
    )

    gone = client.get(address)
    assert gone.status_code == 410
    assert "withdrew this publication" in gone.get_data(as_text=True)
    assert "Workshop agrees" not in client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Workshop agrees" not in client.get("/resources").get_data(as_text=True)

    submit(
        organiser_client,
        PUBLISH_AGAIN.format(slug=event.slug, id=publication.id),
        {},
        form_url=OUTCOMES.format(slug=event.slug),
    )

    assert client.get(address).status_code == 200
    assert "Workshop agrees" in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_a_press_release_edited_reads_so_at_once_on_the_events_page(app, event, organiser, client):
    organiser_client = as_user(app, organiser)
    press_release(organiser_client, event)
    (publication,) = publications()
    assert "Workshop agrees" in client.get(f"/events/{event.slug}").get_data(as_text=True)

    press_release(
        organiser_client,
        event,
        url=EDIT_PRESS_RELEASE.format(slug=event.slug, id=publication.id),
        **{"title-en": "Guidelines adopted"},
    )

    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Guidelines adopted" in page and "Workshop agrees" not in page


def test_the_events_page_shows_its_results_to_each_reader_as_they_may_read_them(
    app, event, organiser, make_user, client
):
    organiser_client = as_user(app, organiser)
    press_release(organiser_client, event, **{"title-en": "Public statement", "title-zh": ""})
    press_release(
        organiser_client, event, **{"title-en": "Notes for participants", "title-zh": "", "audience": "participants"}
    )
    participant = make_user()
    make_registration(event, participant)

    for_visitor = client.get(f"/events/{event.slug}").get_data(as_text=True)
    for_participant = as_user(app, participant).get(f"/events/{event.slug}").get_data(as_text=True)

    assert 'data-testid="outcomes"' in for_visitor and "Public statement" in for_visitor
    assert "Notes for participants" not in for_visitor
    assert "Public statement" in for_participant and "Notes for participants" in for_participant


# --- who may -----------------------------------------------------------------------------------


def test_a_participants_publication_is_not_for_visitors_nor_other_accounts(app, event, organiser, make_user, client):
    press_release(as_user(app, organiser), event, audience="participants")
    (publication,) = publications()
    participant, speaker_user, stranger = make_user(), make_user(), make_user()
    make_registration(event, participant)
    from workshop.agenda.models import Speaker

    db.session.add(Speaker(event_id=event.id, full_name="Wang Fang", user_id=speaker_user.id))
    db.session.commit()

    assert client.get(resource_url(publication)).status_code in (403, 404)
    assert as_user(app, stranger).get(resource_url(publication)).status_code in (403, 404)
    assert follow(as_user(app, participant), resource_url(publication)).status_code == 200
    assert follow(as_user(app, speaker_user), resource_url(publication)).status_code == 200
    assert "Workshop agrees" not in client.get("/resources").get_data(as_text=True)


@pytest.mark.parametrize("who", ["participant", "check_in_staff", "other_organiser"])
def test_only_the_events_organisers_publish_and_withdraw(app, event, organiser, make_user, make_event, who):
    press_release(as_user(app, organiser), event)
    (publication,) = publications()
    user = make_user(can_create_events=True)
    if who == "participant":
        make_registration(event, user)
    elif who == "check_in_staff":
        db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=user.id))
        db.session.commit()
    else:
        make_event(organiser=user)
    other = as_user(app, user)
    csrf = csrf_token(other, "/")

    attempts = [
        other.get(OUTCOMES.format(slug=event.slug)),
        other.post(
            PUBLISH_REPORT.format(slug=event.slug),
            data={"csrf_token": csrf, "audience": "public", "confirm_early": "y"},
        ),
        other.post(
            NEW_PRESS_RELEASE.format(slug=event.slug),
            data={"csrf_token": csrf, "title-en": "Mine", "body-en": "x", "audience": "public"},
        ),
        other.post(WITHDRAW.format(slug=event.slug, id=publication.id), data={"csrf_token": csrf}),
        other.post(PUBLISH_AGAIN.format(slug=event.slug, id=publication.id), data={"csrf_token": csrf}),
    ]

    assert [r.status_code for r in attempts] == [403] * 5
    assert [(p.kind, p.version, p.is_live) for p in publications()] == [(PublicationKind.PRESS_RELEASE, 1, True)]


def test_a_draft_events_publications_never_show(app, make_event, organiser, client):
    draft = make_event(
        organiser=organiser, status=EventStatus.DRAFT, starts_in_days=-3, title="Secret planning meeting"
    )
    press_release(as_user(app, organiser), draft, **{"title-en": "Draft statement"})
    (publication,) = publications()

    assert client.get(resource_url(publication)).status_code == 404
    assert "Draft statement" not in client.get("/resources").get_data(as_text=True)
    assert "Draft statement" not in client.get("/resources?q=draft").get_data(as_text=True)
    assert follow(as_user(app, organiser), resource_url(publication)).status_code == 200


def test_the_address_with_only_the_id_or_an_old_slug_leads_to_the_lasting_one(app, event, organiser, client):
    press_release(as_user(app, organiser), event)
    (publication,) = publications()
    lasting = f"/resources/{publication.id}-workshop-agrees-on-labour-migration-guidelines"

    assert client.get(f"/resources/{publication.id}").headers["Location"].endswith(lasting)
    assert client.get(f"/resources/{publication.id}-an-old-title").headers["Location"].endswith(lasting)
    assert client.get(lasting).status_code == 200
    assert client.get("/resources/999999-nothing").status_code == 404


def test_the_manage_page_lists_what_is_published_with_its_version(app, event, organiser):
    organiser_client = as_user(app, organiser)
    press_release(organiser_client, event)
    page = organiser_client.get(OUTCOMES.format(slug=event.slug)).get_data(as_text=True)
    assert "Workshop agrees on labour migration guidelines" in page and "Version 1 of" in page
