"""Reusing events: duplicating one to new dates, templates, deleting a draft, archiving a past event."""

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func

from workshop.agenda.models import AgendaSession, SessionKind, Speaker, SpeakerRole
from workshop.attendance.models import Attendance, CertificateRule, Method
from workshop.certificates.models import CertificateSettings
from workshop.events.models import Event, EventPartner, EventStatus, Series
from workshop.extensions import db
from workshop.feedback.models import Evaluation, EvaluationQuestion, EvaluationQuestionKind
from workshop.letterhead.models import Letterhead
from workshop.letters.models import LetterSettings
from workshop.messages.models import MessageTemplate
from workshop.registration.models import Question, Registration
from workshop.storage import upload_storage

from .conftest import login, logout, make_registration, submit
from .test_events import EVENT_FORM

LONDON = ZoneInfo("Europe/London")
NEXT_YEAR = datetime.now(UTC).year + 1


def london(month, day, hour, minute=0, year=NEXT_YEAR) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def event_count() -> int:
    return db.session.scalar(db.select(func.count()).select_from(Event))


def event_titled(title: str) -> Event:
    return db.session.scalars(db.select(Event).where(Event.title == title)).one()


def errors_of(page: str) -> str:
    """The page with its error messages, unescaped enough to search."""
    return page.replace("&#39;", "'").replace("&#34;", '"')


@pytest.fixture
def organiser(make_user):
    return make_user(can_create_events=True, full_name="Anna Organiser")


@pytest.fixture
def training(make_event, make_user, make_session, make_speaker, make_question, organiser):
    """A training in March (Greenwich time) with all that a copy takes, and participants it leaves."""
    series = Series(slug="labour-inspection", title={"en": "Trainings on labour inspection", "zh": "劳动监察培训"})
    db.session.add(series)
    colleague = make_user(can_create_events=True, full_name="Ben Colleague")
    event = make_event(
        organiser=organiser,
        title={"en": "Labour inspection training", "zh": "劳动监察培训班"},
        summary={"en": "Five days on inspection methods.", "zh": "五天的监察方法培训。"},
        venue={"en": "ILO Training Centre", "zh": "国际劳工组织培训中心"},
        city="Turin",
        country="IT",
        starts_at=london(3, 16, 9),
        ends_at=london(3, 20, 17),
        registration_opens_at=london(1, 10, 9),
        registration_closes_at=london(3, 1, 23, 59),
        capacity=30,
        approval_required=True,
        partners=["International Labour Organization", "Ministry of Human Resources and Social Security"],
    )
    event.series = series
    event.organisers.append(colleague)
    db.session.commit()
    opening = make_session(event, title={"en": "Opening", "zh": "开幕式"}, start=london(3, 16, 9), room="Room A")
    visit = make_session(
        event,
        title="Site visit",
        kind=SessionKind.SITE_VISIT,
        start=london(3, 17, 14),
        track="Practice",
        counts_for_attendance=False,
    )
    make_session(event, title="Called off", start=london(3, 18, 9), cancelled=True)
    make_speaker(event, full_name="Wang Fang", sessions=[opening], role=SpeakerRole.CHAIR, email="wang@example.org")
    make_question(event, label={"en": "Years in the inspectorate", "zh": "在监察机构工作年限"}, position=1)
    gone = make_question(event, label="An old question")
    gone.archived = True
    storage = upload_storage()
    db.session.add_all(
        [
            Evaluation(event_id=event.id, anonymous=False, introduction={"en": "Tell us", "zh": "请告诉我们"}),
            EvaluationQuestion(
                event_id=event.id, kind=EvaluationQuestionKind.RATING, label="The site visit", session_id=visit.id
            ),
            CertificateRule(event_id=event.id, min_percent=80),
            CertificateSettings(event_id=event.id, bilingual=True),
            MessageTemplate(
                event_id=event.id, name="Joining details", subject={"en": "Joining", "zh": "报到"}, text={"en": "Come."}
            ),
            LetterSettings(event_id=event.id, purpose="A study visit", passport_months=9, reference_prefix="ILO2026"),
            Letterhead(
                event_id=event.id,
                issuers={"en": "International Labour Organization", "zh": "国际劳工组织"},
                signatory_1_name="Chen Li",
                place_of_signature="Geneva",
                logo_1=storage.save(io.BytesIO(b"a logo")),
            ),
        ]
    )
    db.session.commit()
    participant = make_user()
    make_registration(event, participant)
    registration = db.session.scalar(db.select(Registration).where(Registration.event_id == event.id))
    db.session.add(
        Attendance(
            registration_id=registration.id, event_id=event.id, session_id=opening.id, slot=0, method=Method.ROSTER
        )
    )
    db.session.commit()
    return event


def duplicate(client, event, **fields):
    form = {"starts_at": f"{NEXT_YEAR}-07-13T09:00"} | fields
    url = f"/manage/events/{event.slug}/duplicate"
    return submit(client, url, form)


def test_duplicating_copies_the_programme_and_forms_to_the_new_dates_without_the_participants(
    client, training, organiser, make_user
):
    other = make_user(can_create_events=True)
    training.organisers.append(other)
    db.session.commit()
    login(client, other)

    response = duplicate(client, training)

    copy = db.session.scalars(db.select(Event).where(Event.id != training.id)).one()
    assert response.headers["Location"] == f"/events/{copy.slug}"
    assert copy.status is EventStatus.DRAFT and not copy.is_template
    assert copy.title.texts == {"en": "Labour inspection training", "zh": "劳动监察培训班"}
    assert copy.summary.get("zh") == "五天的监察方法培训。" and copy.venue.get("zh") == "国际劳工组织培训中心"
    assert (copy.kind, copy.timezone, copy.capacity, copy.approval_required) == (
        training.kind,
        "Europe/London",
        30,
        True,
    )
    assert copy.series.slug == "labour-inspection"
    assert [str(p.name) for p in copy.partners] == [str(p.name) for p in training.partners]
    assert {u.full_name for u in copy.organisers} == {"Anna Organiser", "Ben Colleague", other.full_name}
    # The same wall-clock times in summer (British Summer Time), a week's days apart as before
    assert copy.starts_at == london(7, 13, 9) and copy.ends_at == london(7, 17, 17)
    shift = london(7, 13, 9, 0).astimezone(LONDON).replace(tzinfo=None) - london(3, 16, 9).astimezone(LONDON).replace(
        tzinfo=None
    )
    assert copy.registration_opens_at == (london(1, 10, 9).astimezone(LONDON).replace(tzinfo=None) + shift).replace(
        tzinfo=LONDON
    ).astimezone(UTC)
    assert copy.registration_closes_at.astimezone(LONDON).strftime("%H:%M") == "23:59"
    sessions = db.session.scalars(
        db.select(AgendaSession).where(AgendaSession.event_id == copy.id).order_by(AgendaSession.starts_at)
    ).all()
    assert [(str(s.title), s.starts_at) for s in sessions] == [
        ("Opening", london(7, 13, 9)),
        ("Site visit", london(7, 14, 14)),
    ]
    assert sessions[0].title.get("zh") == "开幕式" and sessions[0].room == "Room A"
    assert (sessions[1].kind, sessions[1].track, sessions[1].counts_for_attendance) == (
        SessionKind.SITE_VISIT,
        "Practice",
        False,
    )
    speaker = db.session.scalars(db.select(Speaker).where(Speaker.event_id == copy.id)).one()
    assert [(link.session_id, link.role) for link in speaker.sessions] == [(sessions[0].id, SpeakerRole.CHAIR)]
    assert speaker.invited_at is None
    questions = db.session.scalars(db.select(Question).where(Question.event_id == copy.id)).all()
    assert [q.label.get("zh") for q in questions] == ["在监察机构工作年限"]
    evaluation = db.session.scalar(db.select(Evaluation).where(Evaluation.event_id == copy.id))
    assert evaluation.anonymous is False and evaluation.opened_at is None
    assert evaluation.introduction.get("zh") == "请告诉我们"
    asked = db.session.scalars(db.select(EvaluationQuestion).where(EvaluationQuestion.event_id == copy.id)).one()
    assert asked.session_id == sessions[1].id
    assert db.session.scalar(db.select(CertificateRule.min_percent).where(CertificateRule.event_id == copy.id)) == 80
    assert db.session.scalar(db.select(CertificateSettings.bilingual).where(CertificateSettings.event_id == copy.id))
    letterhead = db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == copy.id))
    original = db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == training.id))
    assert letterhead.issuers.get("zh") == "国际劳工组织" and letterhead.signatory_1_name == "Chen Li"
    assert letterhead.place_of_signature == "Geneva"
    [template] = db.session.scalars(db.select(MessageTemplate).where(MessageTemplate.event_id == copy.id))
    assert (template.name, template.subject.get("zh")) == ("Joining details", "报到")
    letters = db.session.scalar(db.select(LetterSettings).where(LetterSettings.event_id == copy.id))
    assert (letters.purpose, letters.passport_months, letters.reference_prefix) == ("A study visit", 9, "")
    assert letterhead.logo_1 != original.logo_1  # its own copy: replacing one leaves the other
    with upload_storage().open(letterhead.logo_1) as logo:
        assert logo.read() == b"a logo"
    assert db.session.scalar(db.select(func.count()).where(Registration.event_id == copy.id)) == 0
    assert db.session.scalar(db.select(func.count()).where(Attendance.event_id == copy.id)) == 0
    page = client.get(f"/events/{copy.slug}").get_data(as_text=True)
    assert "Trainings on labour inspection" in page


def test_a_copy_takes_the_new_title_address_end_and_closing_date_given(client, training, organiser):
    login(client, organiser)

    duplicate(
        client,
        training,
        ends_at=f"{NEXT_YEAR}-07-14T17:00",
        registration_closes_at=f"{NEXT_YEAR}-07-01T12:00",
        **{"title-en": "Advanced labour inspection", "title-zh": "劳动监察高级培训班"},
        slug="advanced-inspection",
    )

    copy = db.session.scalar(db.select(Event).where(Event.slug == "advanced-inspection"))
    assert copy.title.texts == {"en": "Advanced labour inspection", "zh": "劳动监察高级培训班"}
    assert copy.ends_at == london(7, 14, 17)
    assert copy.registration_closes_at == london(7, 1, 12)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"starts_at": "2020-03-16T09:00"}, "starts_at", "The new event must start in the future."),
        ({"ends_at": f"{NEXT_YEAR}-07-12T09:00"}, "ends_at", "The event must end after it starts."),
        (
            {"starts_at": f"{NEXT_YEAR}-03-16T09:00", "registration_closes_at": f"{NEXT_YEAR}-03-17T09:00"},
            "registration_closes_at",
            "Registration must close before the new event starts.",
        ),
        ({"slug": "Not an address!"}, "slug", "Use lower-case letters, digits and hyphens only"),
    ],
)
def test_dates_that_cannot_be_are_refused_next_to_their_field(client, training, organiser, fields, field, message):
    login(client, organiser)
    before = event_count()

    response = duplicate(client, training, **fields)

    page = errors_of(response.get_data(as_text=True))
    assert response.status_code == 200
    assert f'<div id="{field}-error"><div class="invalid-feedback d-block">{message}' in page
    assert event_count() == before


def test_a_registration_window_that_would_close_after_the_new_start_is_refused(client, make_event, organiser):
    # Registration closed during the event, which the event allowed; moved, the copy could not take it
    event = make_event(
        organiser=organiser,
        starts_at=london(3, 16, 9),
        ends_at=london(3, 20, 17),
        registration_closes_at=london(3, 18, 9),
    )
    login(client, organiser)

    response = duplicate(client, event)

    page = errors_of(response.get_data(as_text=True))
    assert '<div id="registration_closes_at-error"><div class="invalid-feedback d-block">Moved with the dates' in page
    assert event_count() == 1
    assert 'value="2' in page  # what was typed stays in the form


def test_an_address_already_taken_is_refused(client, training, make_event, organiser):
    make_event(slug="taken-address")
    login(client, organiser)
    before = event_count()

    response = duplicate(client, training, slug="taken-address")

    page = errors_of(response.get_data(as_text=True))
    assert '<div id="slug-error"><div class="invalid-feedback d-block">This address is already taken' in page
    assert event_count() == before


def test_a_participant_or_another_event_s_organiser_cannot_duplicate(client, training, make_user, make_event):
    participant = db.session.scalar(db.select(Registration).where(Registration.event_id == training.id)).user
    stranger = make_user(can_create_events=True)
    make_event(organiser=stranger)
    before = event_count()
    for user in (participant, stranger):
        login(client, user)
        assert client.get(f"/manage/events/{training.slug}/duplicate").status_code == 403
        form = {"starts_at": f"{NEXT_YEAR}-07-13T09:00"}
        assert submit(client, f"/manage/events/{training.slug}/duplicate", form, form_url="/").status_code == 403
        assert submit(client, f"/manage/events/{training.slug}/keep-as-template", {}, form_url="/").status_code == 403
        logout(client)
    assert event_count() == before


def test_an_organiser_who_may_not_create_events_cannot_duplicate(client, make_event, make_user):
    organiser = make_user(can_create_events=False)
    event = make_event(organiser=organiser)
    login(client, organiser)

    assert client.get(f"/manage/events/{event.slug}/duplicate").status_code == 403


# Templates


def test_a_template_is_offered_under_new_event_and_never_shown_publicly(client, training, organiser, make_user):
    login(client, organiser)
    submit(client, f"/manage/events/{training.slug}/keep-as-template", {}, form_url=f"/events/{training.slug}")

    template = db.session.scalar(db.select(Event).where(Event.is_template.is_(True)))
    assert template.status is EventStatus.DRAFT
    assert template.starts_at == training.starts_at
    assert f"/manage/events/{template.slug}/duplicate" in client.get("/manage/events/new").get_data(as_text=True)
    assert template.slug not in client.get("/manage/events").get_data(as_text=True)  # not an active event
    assert template.slug in client.get("/manage/events?show=templates").get_data(as_text=True)

    refused = submit(client, f"/manage/events/{template.slug}/status", {"status": "published"}, form_url="/")
    assert db.session.get(Event, template.id).status is EventStatus.DRAFT
    assert "A template stays a draft" in client.get(refused.headers["Location"]).get_data(as_text=True)

    duplicate(client, template, starts_at=f"{NEXT_YEAR}-10-05T09:00")
    made = db.session.scalars(db.select(Event).where(Event.id.not_in([training.id, template.id]))).one()
    assert made.is_template is False and made.starts_at == london(10, 5, 9)
    assert db.session.scalar(db.select(func.count()).where(AgendaSession.event_id == made.id)) == 2

    logout(client)
    assert client.get(f"/events/{template.slug}").status_code == 404
    assert template.slug not in client.get("/").get_data(as_text=True)
    stranger = make_user(can_create_events=True)
    login(client, stranger)
    assert template.slug not in client.get("/manage/events/new").get_data(as_text=True)


# Deleting a draft


def test_an_organiser_deletes_a_draft_after_confirming(client, make_event, make_session, organiser):
    draft = make_event(organiser=organiser, status=EventStatus.DRAFT)
    make_session(draft)
    login(client, organiser)

    assert client.get(f"/manage/events/{draft.slug}/delete").status_code == 200
    assert event_count() == 1  # asking is not deleting

    response = submit(client, f"/manage/events/{draft.slug}/delete", {})

    assert response.headers["Location"] == "/manage/events"
    assert event_count() == 0
    assert db.session.scalar(db.select(func.count()).select_from(AgendaSession)) == 0
    assert db.session.scalar(db.select(func.count()).select_from(EventPartner)) == 0


def test_deleting_a_draft_deletes_the_files_of_its_publications_and_compiled_reports(client, make_event, organiser):
    from datetime import date

    from workshop.jobs.models import Job
    from workshop.publishing.models import Publication, PublicationFile, PublicationKind

    draft = make_event(organiser=organiser, status=EventStatus.DRAFT)
    storage = upload_storage()
    published, compiled = storage.save(io.BytesIO(b"%PDF-1.7 a")), storage.save(io.BytesIO(b"%PDF-1.7 b"))
    publication = Publication(
        event_id=draft.id, kind=PublicationKind.REPORT, title={"en": "Report"}, dated=date.today()
    )
    publication.files.append(
        PublicationFile(
            storage_key=published, filename="r.pdf", content_type="application/pdf", size=10, sha256="0" * 64
        )
    )
    db.session.add_all([publication, Job(event_id=draft.id, kind="compile_report", result_file=compiled)])
    db.session.commit()
    login(client, organiser)

    submit(client, f"/manage/events/{draft.slug}/delete", {})

    assert event_count() == 0
    assert not storage.exists(published) and not storage.exists(compiled)


@pytest.mark.parametrize("status", [EventStatus.DRAFT, EventStatus.PUBLISHED])
def test_a_draft_with_registrations_or_a_published_event_is_not_deleted(
    client, make_event, make_user, organiser, status
):
    event = make_event(organiser=organiser, status=status)
    if status is EventStatus.DRAFT:
        make_registration(event, make_user())
    login(client, organiser)

    page = client.get(f"/manage/events/{event.slug}/delete").get_data(as_text=True)
    assert "cannot be deleted" in errors_of(page) or "Only a draft can be deleted" in page
    response = submit(client, f"/manage/events/{event.slug}/delete", {}, form_url="/")

    assert event_count() == 1
    shown = errors_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "cannot be deleted" in shown or "Only a draft can be deleted" in shown


def test_a_participant_or_another_event_s_organiser_cannot_delete_or_archive(client, make_event, make_user):
    draft = make_event(status=EventStatus.DRAFT)
    past = make_event(starts_in_days=-10)
    participant = make_user()
    make_registration(past, participant)
    stranger = make_user(can_create_events=True)
    make_event(organiser=stranger)
    for user in (participant, stranger):
        login(client, user)
        assert client.get(f"/manage/events/{draft.slug}/delete").status_code == 404  # a draft is not revealed
        token = submit(client, f"/manage/events/{draft.slug}/delete", {}, form_url="/")
        assert token.status_code == 404
        assert submit(client, f"/manage/events/{past.slug}/archive", {}, form_url="/").status_code == 403
        logout(client)
    assert event_count() == 3
    assert db.session.get(Event, past.id).status is EventStatus.PUBLISHED


# Archiving a past event


def test_an_archived_event_stays_readable_without_registration_and_leaves_the_active_list(
    client, make_event, organiser
):
    past = make_event(organiser=organiser, starts_in_days=-10, title="Last year's training")
    login(client, organiser)

    submit(client, f"/manage/events/{past.slug}/archive", {}, form_url=f"/events/{past.slug}")

    assert db.session.get(Event, past.id).status is EventStatus.ARCHIVED
    assert "Last year" not in client.get("/manage/events").get_data(as_text=True)
    assert "Last year" in errors_of(client.get("/manage/events?show=archived").get_data(as_text=True))
    logout(client)
    page = client.get(f"/events/{past.slug}")
    assert page.status_code == 200
    assert "Registration for this event is closed." in page.get_data(as_text=True)


@pytest.mark.parametrize("status", [EventStatus.DRAFT, EventStatus.PUBLISHED])
def test_the_status_controls_archive_only_by_the_same_rules(client, make_event, organiser, status):
    coming = make_event(organiser=organiser, status=status)
    login(client, organiser)

    by_button = submit(
        client, f"/manage/events/{coming.slug}/status", {"status": "archived"}, form_url=f"/events/{coming.slug}"
    )
    told = client.get(by_button.headers["Location"]).get_data(as_text=True)
    by_form = submit(client, f"/manage/events/{coming.slug}/edit", EVENT_FORM | {"status": "archived"})

    assert db.session.get(Event, coming.id).status is status
    assert "can be archived" in told
    assert by_form.status_code == 200 and "can be archived" in by_form.get_data(as_text=True)


def test_an_event_that_has_not_ended_is_not_archived(client, make_event, organiser):
    coming = make_event(organiser=organiser)
    login(client, organiser)

    response = submit(client, f"/manage/events/{coming.slug}/archive", {}, form_url=f"/events/{coming.slug}")

    assert db.session.get(Event, coming.id).status is EventStatus.PUBLISHED
    assert "Only an event that has ended can be archived." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
