import re
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func

from workshop.accounts.models import User
from workshop.accounts.passwords import password_problem
from workshop.demo import DEMO_LOGINS, load_demo
from workshop.events.models import Event, EventKind, EventPartner, EventStatus
from workshop.extensions import db
from workshop.timeutil import utc_to_local, utcnow

from .conftest import submit

CJK = re.compile(r"^[\u4e00-\u9fff]+$")


def count(model) -> int:
    return db.session.scalar(db.select(func.count()).select_from(model))


def events() -> list[Event]:
    return list(db.session.scalars(db.select(Event).order_by(Event.starts_at)))


def event_of_kind(kind: EventKind) -> Event:
    return db.session.scalars(db.select(Event).where(Event.kind == kind, Event.status == EventStatus.PUBLISHED)).one()


def user(email: str) -> User:
    return db.session.scalars(db.select(User).where(User.email == email)).one()


def demo_login(role: str) -> tuple[str, str]:
    return next((email, password) for r, email, password in DEMO_LOGINS if r == role)


def upcoming() -> list[Event]:
    return [e for e in events() if e.status is EventStatus.PUBLISHED]


def past_event() -> Event:
    return db.session.scalars(db.select(Event).where(Event.ends_at < utcnow())).one()


def draft() -> Event:
    return db.session.scalars(db.select(Event).where(Event.status == EventStatus.DRAFT)).one()


@pytest.fixture
def demo(app):
    assert load_demo() is True


def test_loading_the_demo_twice_creates_everything_once(app):
    assert load_demo() is True
    loaded = (count(User), count(Event), count(EventPartner))
    assert loaded[0] >= 15 and loaded[1] == 5

    assert load_demo() is False

    assert (count(User), count(Event), count(EventPartner)) == loaded


def test_the_public_list_shows_the_three_upcoming_events_and_not_the_draft(client, demo):
    page = client.get("/").get_data(as_text=True)

    assert len(upcoming()) == 3
    for event in upcoming():
        assert str(escape(event.title)) in page
    assert str(escape(draft().title)) not in page
    assert str(escape(past_event().title)) not in page
    assert {e.kind for e in upcoming()} == {EventKind.WORKSHOP, EventKind.STUDY_TOUR, EventKind.TRAINING}


def test_the_past_page_shows_the_conference_in_brussels(client, demo):
    event = past_event()
    page = client.get("/events/past").get_data(as_text=True)

    assert str(escape(event.title)) in page
    assert "Brussels" in page
    assert event.status in (EventStatus.ARCHIVED, EventStatus.CLOSED)
    for other in upcoming():
        assert str(escape(other.title)) not in page


def test_the_demo_dates_follow_today(demo):
    now = utcnow()
    workshop = event_of_kind(EventKind.WORKSHOP)
    assert timedelta(days=14) <= workshop.starts_at - now <= timedelta(days=35)
    assert workshop.registration_opens_at < now < workshop.registration_closes_at < workshop.starts_at
    assert all(e.starts_at > now for e in upcoming())
    assert timedelta(days=90) <= now - past_event().ends_at <= timedelta(days=150)


def test_the_workshop_page_names_the_partners_and_shows_london_times(client, demo):
    workshop = event_of_kind(EventKind.WORKSHOP)
    page = client.get(f"/events/{workshop.slug}").get_data(as_text=True)

    assert "International Labour Organization" in page
    assert "International Organization for Migration" in page
    assert "China Policy Institute" in page
    assert "East Midlands" in page
    assert "<h2>Programme at a glance</h2>" in page
    assert re.search(r"Europe/London \(UTC\+0[01]:00\)", page)
    # 9:00 wall-clock time in Nottingham, whatever the UTC hour is in that season
    assert utc_to_local(workshop.starts_at, "Europe/London").hour == 9
    assert re.search(r"\b9:00\sAM", page)
    assert re.search(r"\b5:30\sPM", page)


def test_the_beijing_training_is_shown_in_shanghai_time(client, demo):
    training = event_of_kind(EventKind.TRAINING)
    page = client.get(f"/events/{training.slug}").get_data(as_text=True)

    assert training.starts_at.hour == 1  # 09:00 in Beijing is 01:00 UTC
    assert "Asia/Shanghai (UTC+08:00)" in page
    assert re.search(r"\b9:00\sAM", page)


def test_the_demo_admin_and_organiser_log_in_with_the_printed_passwords(app, demo):
    for role in ("admin", "organiser", "participant"):
        email, password = demo_login(role)
        client = app.test_client()
        response = submit(client, "/login", {"email": email, "password": password})
        assert response.status_code == 302, (role, response.get_data(as_text=True))

        manage = client.get("/manage/events")
        if role == "participant":
            assert manage.status_code == 403
        else:
            assert manage.status_code == 200
            assert str(escape(draft().title)) in manage.get_data(as_text=True)

        users_page = client.get("/admin/users")
        assert users_page.status_code == (200 if role == "admin" else 403)
        if role == "admin":
            assert 'Zhang Min (<span lang="zh">张敏</span>)' in users_page.get_data(as_text=True)


def test_the_demo_log_ins_are_sound(demo):
    roles = [role for role, _, _ in DEMO_LOGINS]
    assert {"admin", "organiser", "participant"} <= set(roles)
    for role, email, password in DEMO_LOGINS:
        assert email.endswith("@example.org")
        assert password_problem(password) is None, role
        assert user(email).check_password(password)
        assert user(email).is_verified
    admin, organiser = user(demo_login("admin")[0]), user(demo_login("organiser")[0])
    assert admin.is_admin and admin.can_create_events
    assert organiser.can_create_events and not organiser.is_admin
    assert all(organiser in event.organisers for event in events())


def test_a_chinese_demo_user_keeps_the_name_in_chinese_characters(demo):
    participant = user(demo_login("participant")[0])
    assert participant.full_name == "Zhang Min"
    assert participant.native_name == "张敏"
    assert participant.locale == "zh"

    chinese = db.session.scalars(db.select(User).where(User.locale == "zh")).all()
    assert len(chinese) >= 5
    assert all(CJK.match(u.native_name) for u in chinese)
    assert all(u.email.endswith("@example.org") for u in db.session.scalars(db.select(User)))


def test_every_demo_event_is_complete(demo):
    slugs = [e.slug for e in events()]
    assert len(set(slugs)) == len(slugs)
    for event in events():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*-\d{4}", event.slug), event.slug
        assert event.slug.endswith(str(utc_to_local(event.starts_at, event.timezone).year))
        assert all(len(text) <= 500 for text in event.summary.texts.values()) and "## " in str(event.description)
        assert re.fullmatch(r"[A-Z]{2}", event.country) and event.city
        assert event.starts_at.tzinfo is not None and event.starts_at < event.ends_at
        assert event.partners and event.contact_email.endswith("@example.org")
        if event.registration_closes_at:
            assert event.registration_opens_at < event.registration_closes_at < event.starts_at


def test_the_seed_demo_command_prints_the_log_ins_and_changes_nothing_the_second_time(app):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["seed-demo"])

    assert first.exit_code == 0, first.output
    assert "Demo data loaded." in first.output
    for role, email, password in DEMO_LOGINS:
        assert role in first.output and email in first.output and password in first.output
    loaded = (count(User), count(Event))

    second = runner.invoke(args=["seed-demo"])

    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    assert DEMO_LOGINS[0][2] in second.output
    assert (count(User), count(Event)) == loaded == (loaded[0], 5)


def test_the_demo_events_have_programmes_speakers_and_registrations(demo):
    from workshop.agenda.models import AgendaSession, SessionKind, Speaker
    from workshop.registration.models import Registration
    from workshop.registration.states import State

    workshop = event_of_kind(EventKind.WORKSHOP)
    sessions = list(db.session.scalars(db.select(AgendaSession).where(AgendaSession.event_id == workshop.id)))
    assert len(sessions) >= 10
    assert all(workshop.starts_at <= s.starts_at < s.ends_at <= workshop.ends_at for s in sessions)
    speakers = {s.full_name: s for s in db.session.scalars(db.select(Speaker).where(Speaker.event_id == workshop.id))}
    assert speakers["Wang Fang"].native_name == "王芳" and speakers["Wang Fang"].user.email == "wang.fang@example.org"

    tour = event_of_kind(EventKind.STUDY_TOUR)
    cities = {s.city for s in db.session.scalars(db.select(AgendaSession).where(AgendaSession.event_id == tour.id))}
    assert {"London", "Birmingham", "Nottingham", "Manchester"} <= cities
    travel = db.session.scalars(
        db.select(AgendaSession).where(AgendaSession.event_id == tour.id, AgendaSession.kind == SessionKind.TRAVEL)
    ).all()
    assert travel and all(leg.directions for leg in travel)

    zhang = user("zhang.min@example.org")
    states = {
        r.event.kind: r.state
        for r in db.session.scalars(db.select(Registration).where(Registration.user_id == zhang.id))
    }
    assert states[EventKind.WORKSHOP] is State.CONFIRMED


def test_every_programme_page_of_the_demo_opens(client, demo):
    for event in [*upcoming(), past_event()]:
        for path in ("agenda", "speakers", "materials", "programme.pdf", "agenda.ics"):
            response = client.get(f"/events/{event.slug}/{path}")
            assert response.status_code == 200, (event.slug, path)
    tour = event_of_kind(EventKind.STUDY_TOUR)
    page = client.get(f"/events/{tour.slug}/agenda").get_data(as_text=True)
    assert "Birmingham" in page and "Train from London Euston to Birmingham New Street" in page


def test_the_past_conference_has_attendance_an_evaluation_and_a_report_to_read(app, demo):
    import io

    from pypdf import PdfReader

    event = past_event()
    organiser = app.test_client()
    email, password = demo_login("organiser")
    submit(organiser, "/login", {"email": email, "password": password})

    statistics = organiser.get(f"/manage/events/{event.slug}/attendance").get_data(as_text=True)
    assert "100%" in statistics  # everyone came to the opening
    results = organiser.get(f"/manage/events/{event.slug}/evaluation/results").get_data(as_text=True)
    assert "More time for questions after the panel." in results
    submit(organiser, f"/manage/events/{event.slug}/report/compile", {}, form_url=f"/manage/events/{event.slug}/report")
    report = organiser.get(f"/manage/events/{event.slug}/report/download")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.data)).pages)
    assert "Executive summary" in text and "Rapporteur: Claire Dubois" in text
    assert "0 / 5" not in text.split("Attendance per session")[-1].split("Evaluation")[0]


def test_the_demo_texts_are_in_english_and_chinese(demo):
    from workshop.agenda.models import AgendaSession, Speaker

    for event in events():
        for name in ("title", "summary", "description", "city", "venue"):
            text = getattr(event, name)
            assert text or name == "venue", (event.slug, name)
            assert text.missing() == [], (event.slug, name)
        assert "中文标题" not in event.description.get("en")  # the Chinese title is the Chinese version's own
        assert event.partners and all(partner.name.missing() == [] for partner in event.partners), event.slug
    sessions = db.session.scalars(db.select(AgendaSession)).all()
    speakers = db.session.scalars(db.select(Speaker)).all()
    assert len(sessions) >= 30 and len(speakers) >= 9
    for session in sessions:
        assert session.title.missing() == [] and session.description.missing() == [], str(session.title)
    for speaker in speakers:
        assert speaker.biography and speaker.biography.missing() == [], speaker.full_name
        assert speaker.title.missing() == [] and speaker.affiliation.missing() == [], speaker.full_name


def test_a_chinese_reader_sees_the_demo_event_and_its_agenda_in_chinese(client, demo):
    from workshop.agenda.models import AgendaSession

    workshop = event_of_kind(EventKind.WORKSHOP)
    chinese = {"Accept-Language": "zh-CN,zh;q=0.9"}

    page = client.get(f"/events/{workshop.slug}", headers=chinese).get_data(as_text=True)

    assert "中国人移民欧洲：劳动条件、强迫劳动风险与政策对话" in page
    for text in (workshop.title, workshop.summary, workshop.city, workshop.venue):
        assert str(escape(text.get("zh"))) in page
    assert "<h2>日程概览</h2>" in page and "<h2>Programme at a glance</h2>" not in page
    assert str(escape(workshop.title.get("en"))) not in page
    assert "fallback-mark" not in page

    agenda = client.get(f"/events/{workshop.slug}/agenda", headers=chinese).get_data(as_text=True)

    sessions = db.session.scalars(db.select(AgendaSession).where(AgendaSession.event_id == workshop.id)).all()
    for session in sessions:
        assert str(escape(session.title.get("zh"))) in agenda
    assert "开幕式和欢迎致辞" in agenda and "Opening and welcome" not in agenda
    assert "fallback-mark" not in agenda

    speakers = client.get(f"/events/{workshop.slug}/speakers", headers=chinese).get_data(as_text=True)
    assert "移民研究副教授" in speakers and "诺丁汉大学中国政策研究所" in speakers
    assert "fallback-mark" not in speakers
