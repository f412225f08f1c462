"""Retention: each event keeps its participants' personal data for a period after its end (its
own, or the platform's default that an admin sets); then the scheduled job anonymises its
registrations, keeping what the statistics count. Organisers see what will be erased and when."""

import re
from datetime import UTC, datetime, timedelta

from workshop.accounts.models import User
from workshop.audit.models import AuditEntry
from workshop.events.models import Event
from workshop.extensions import db
from workshop.messages import recipients
from workshop.privacy import retention
from workshop.privacy.anonymising import is_placeholder
from workshop.privacy.models import EventRetention, PrivacySettings
from workshop.registration import services as registrations
from workshop.registration.models import Registration, Sex
from workshop.registration.states import State

from .conftest import as_user, make_registration, submit


def text(response) -> str:
    return response.get_data(as_text=True)


def page_url(event) -> str:
    return f"/manage/events/{event.slug}/retention"


def own_months(event) -> int | None:
    db.session.expire_all()
    return db.session.scalar(db.select(EventRetention.months).where(EventRetention.event_id == event.id))


def actions(name: str) -> list[AuditEntry]:
    return db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == name)).all()


def ended(make_event, months_ago: int, **fields):
    """An event that ended about ``months_ago`` months ago."""
    return make_event(starts_in_days=-30 * months_ago - 2, days=2, **fields)


def test_organisers_see_what_will_be_erased_and_when(app, make_event, make_user):
    event = make_event(
        starts_in_days=0,
        starts_at=datetime(2026, 3, 10, 1, 0, tzinfo=UTC),
        ends_at=datetime(2026, 3, 12, 9, 0, tzinfo=UTC),
        timezone="Asia/Shanghai",
    )
    for _ in range(3):
        make_registration(event, make_user())

    page = text(as_user(app, event.organisers[0]).get(page_url(event)))

    assert "24 months after the event's end (the platform's default)" in page
    assert "Mar 12, 2028" in page  # 24 months after the end
    assert 'data-testid="to-anonymise">3<' in page
    assert "Passport details entered for visa letters have a rule of their own" in page
    assert "Apr 11, 2026" in page  # 30 days after the end, the passport rule


def test_the_organisers_toolbar_leads_to_the_retention_page(app, make_event):
    event = make_event()

    page = text(as_user(app, event.organisers[0]).get(f"/events/{event.slug}"))

    assert f'href="{page_url(event)}"' in page


def test_an_event_sets_its_own_period_and_an_empty_one_follows_the_default(app, make_event):
    event = make_event()
    client = as_user(app, event.organisers[0])

    submit(client, page_url(event), {"months": "6"})
    assert own_months(event) == 6
    assert "6 months after the event's end<" in text(client.get(page_url(event)))

    submit(client, page_url(event), {"months": ""})
    assert own_months(event) is None


def test_two_organisers_saving_the_period_at_the_same_moment_both_succeed(app, make_event, make_user):
    event = make_event()
    first, second = event.organisers[0], make_user()
    event.organisers.append(second)
    db.session.commit()
    assert retention.months_set_for(event) is None  # the second organiser's save has begun: no period yet

    with app.app_context():  # meanwhile the first organiser's save
        retention.set_event_months(db.session.get(User, first.id), db.session.get(Event, event.id), 6)
    retention.set_event_months(second, event, 12)

    assert own_months(event) == 12
    retention.set_event_months(first, event, None)
    retention.set_event_months(second, event, 3)
    assert own_months(event) == 3
    assert db.session.scalar(db.select(db.func.count()).select_from(EventRetention)) == 1


def test_a_period_out_of_range_is_refused_and_nothing_changes(app, make_event):
    event = make_event()
    client = as_user(app, event.organisers[0])
    submit(client, page_url(event), {"months": "12"})

    for typed in ("0", "500", "-3"):
        page = text(submit(client, page_url(event), {"months": typed}))
        assert "Give a number of months from 1 to 120." in page
        assert own_months(event) == 12
    assert "Not a valid integer value." in text(submit(client, page_url(event), {"months": "soon"}))
    assert own_months(event) == 12
    assert [entry.event_id for entry in actions("retention.period_refused")] == [event.id] * 3


def test_only_the_events_organisers_see_and_set_its_retention(app, make_event, make_user):
    event = make_event()
    participant = make_registration(event, make_user()).user
    other_organiser = make_event().organisers[0]

    for person in (participant, other_organiser):
        client = as_user(app, person)
        assert client.get(page_url(event)).status_code == 403
        assert client.post(page_url(event), data={"months": "1"}).status_code in (400, 403)
    visitor = app.test_client().get(page_url(event))
    assert visitor.status_code == 302 and "/login" in visitor.location
    assert own_months(event) is None


def test_an_admin_sets_the_platform_default(app, make_user, make_event):
    admin = make_user(is_admin=True)
    client = as_user(app, admin)
    assert 'href="/admin/privacy"' in text(client.get("/admin/users"))

    submit(client, "/admin/privacy", {"months": "36"})

    assert retention.platform_months() == 36
    event = make_event()
    assert "36 months after the event's end (the platform's default)" in text(client.get(page_url(event)))

    page = text(submit(client, "/admin/privacy", {"months": "0"}))
    assert "Give a number of months from 1 to 120." in page
    assert retention.platform_months() == 36
    assert len(actions("retention.default_refused")) == 1


def test_two_admins_saving_the_first_platform_default_at_the_same_moment_both_succeed(app, make_user):
    first, second = make_user(is_admin=True), make_user(is_admin=True)
    assert retention.platform_months() == retention.DEFAULT_MONTHS  # the second admin's save has begun: no row yet

    with app.app_context():  # meanwhile the first admin's save
        retention.set_platform_months(db.session.get(User, first.id), 36)
    retention.set_platform_months(second, 48)

    db.session.expire_all()
    assert retention.platform_months() == 48
    retention.set_platform_months(first, 12)
    db.session.expire_all()
    assert retention.platform_months() == 12
    assert db.session.scalar(db.select(db.func.count()).select_from(PrivacySettings)) == 1


def test_only_admins_set_the_platform_default(app, make_user, make_event):
    organiser = make_event().organisers[0]

    for person in (organiser, make_user()):
        client = as_user(app, person)
        assert client.get("/admin/privacy").status_code == 403
        assert client.post("/admin/privacy", data={"months": "1"}).status_code in (400, 403)
    assert db.session.scalar(db.select(PrivacySettings)) is None


def test_the_scheduled_job_anonymises_the_registrations_past_their_period_and_keeps_the_counts(
    app, make_event, make_user
):
    old = ended(make_event, months_ago=8)
    recent = ended(make_event, months_ago=2)
    db.session.add(EventRetention(event_id=old.id, months=6))
    db.session.commit()
    li = make_user(full_name="Li Wei", email="li@example.org")
    at_old = make_registration(old, li)
    at_old.sex, at_old.country, at_old.dietary_needs = Sex.MALE, "CN", "Halal"
    make_registration(old, make_user(), state=State.CANCELLED)
    at_recent = make_registration(recent, li)
    db.session.commit()
    counts_before = registrations.counts_by_state(old.id)

    assert retention.anonymise_past_retention() == 2

    db.session.expire_all()
    kept = db.session.get(Registration, at_old.id)
    assert (kept.full_name, kept.dietary_needs, kept.organisation) == ("", "", "")
    assert (kept.sex, kept.country) == (Sex.MALE, "CN")
    assert is_placeholder(kept.user)
    assert registrations.counts_by_state(old.id) == counts_before
    # Li Wei's account stays, with the other event's registration untouched
    assert db.session.get(User, li.id).email == "li@example.org"
    assert db.session.get(Registration, at_recent.id).user_id == li.id
    assert db.session.get(Registration, at_recent.id).full_name == "Li Wei"
    [entry] = actions("retention.anonymisation_started")
    assert entry.event_id == old.id and entry.actor_id is None
    organiser = as_user(app, old.organisers[0])
    page = text(organiser.get(page_url(old)))
    assert 'data-testid="to-anonymise">0<' in page and 'data-testid="anonymised">2<' in page
    listed = text(organiser.get(f"/manage/events/{old.slug}/registrations"))
    assert listed.count("Anonymised participant</a>") == 2 and "Li Wei" not in listed
    progress = re.search(r'data-testid="retention-job"><a href="([^"]+)"', page).group(1)
    assert "Finished: 2 of 2 done." in text(organiser.get(progress))

    assert retention.anonymise_past_retention() == 0  # a second run changes nothing
    db.session.expire_all()
    about_old = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.event_id == old.id, AuditEntry.object_type == "Registration")
    ).all()
    assert about_old and all("Halal" not in str(entry.changes) and "Li Wei" not in entry.summary for entry in about_old)
    assert recipients.matching(old, recipients.Recipients()) == []  # organisers' messages reach nobody there


def test_the_platform_default_applies_to_events_without_their_own_period(app, make_event, make_user):
    db.session.add(PrivacySettings(retention_months=3))
    db.session.commit()
    old = ended(make_event, months_ago=4)
    keeps_longer = ended(make_event, months_ago=4)
    db.session.add(EventRetention(event_id=keeps_longer.id, months=12))
    db.session.commit()
    gone = make_registration(old, make_user())
    staying = make_registration(keeps_longer, make_user())

    retention.anonymise_past_retention(datetime.now(UTC) + timedelta(minutes=1))

    db.session.expire_all()
    assert db.session.get(Registration, gone.id).full_name == ""
    assert db.session.get(Registration, staying.id).full_name == "Test Person"


def test_the_organisers_pages_of_an_anonymised_event_say_anonymised_participant_not_an_empty_name(
    app, make_event, make_user, make_session
):
    old = ended(make_event, months_ago=8)
    session = make_session(old)
    db.session.add(EventRetention(event_id=old.id, months=6))
    make_registration(old, make_user(full_name="Li Wei"))
    db.session.commit()
    assert retention.anonymise_past_retention() == 1
    organiser = as_user(app, old.organisers[0])

    pages = [
        f"/manage/events/{old.slug}/sessions/{session.id}/roster",
        f"/manage/events/{old.slug}/attendance",
        f"/manage/events/{old.slug}/certificates",
    ]

    for page in pages:
        shown = text(organiser.get(page))
        assert "Anonymised participant" in shown and "Li Wei" not in shown, page
