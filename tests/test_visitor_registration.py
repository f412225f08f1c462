"""Open registration cannot be flooded: visitors' registrations (each makes an account) are
rate-limited per network address and per e-mail domain, and a visitor's place is held only until the
deadline the event sets for confirming the e-mail address; then it goes to the waiting list."""

from datetime import timedelta

from workshop.accounts.models import User
from workshop.extensions import db
from workshop.registration.models import Registration
from workshop.registration.states import State
from workshop.registration.unconfirmed import release_unconfirmed_places
from workshop.timeutil import utcnow

from .conftest import link_in, login, register, submit, text_part

PASSWORD = "plum blossom 2027"


def visitor(email: str, **fields) -> dict:
    return {"email": email, "password": PASSWORD, "confirm": PASSWORD, "locale": "en", **fields}


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def registration_of(email: str) -> Registration | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Registration).join(User).where(User.email == email))


def confirmation_to(mailbox, email: str):
    return next(m for m in mailbox.to(email) if m["Subject"] == "Confirm your e-mail address")


def accounts_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(User))


# --- rate limits ------------------------------------------------------------------------------


def test_visitor_registrations_from_one_address_are_limited_and_the_refused_leave_nothing(app, make_event):
    event = make_event()
    client = from_address(app, "203.0.113.7")
    assert register(client, event, **visitor("typo@example.org", privacy="")).status_code == 200  # not counted
    for n in range(5):
        fresh = from_address(app, "203.0.113.7")  # a new visitor each time: no session kept
        assert register(fresh, event, **visitor(f"person{n}@domain{n}.example")).status_code == 302

    before = accounts_count()
    refused = register(from_address(app, "203.0.113.7"), event, **visitor("sixth@other.example"))

    assert refused.status_code == 429
    assert accounts_count() == before and registration_of("sixth@other.example") is None
    elsewhere = register(from_address(app, "198.51.100.1"), event, **visitor("sixth@other.example"))
    assert elsewhere.status_code == 302  # another address is not held up


def test_a_burst_from_one_e_mail_domain_is_limited_whatever_the_address(app, make_event):
    app.config["VISITOR_DOMAIN_RATE_LIMIT"] = "3 per 10 minutes"
    event = make_event()
    for n in range(3):
        client = from_address(app, f"192.0.2.{n + 1}")
        assert register(client, event, **visitor(f"bot{n}@Flood.example")).status_code == 302

    refused = register(from_address(app, "192.0.2.50"), event, **visitor("bot9@flood.example"))

    assert refused.status_code == 429 and registration_of("bot9@flood.example") is None
    assert register(from_address(app, "192.0.2.51"), event, **visitor("li@qq.example")).status_code == 302


def test_people_signed_in_are_not_held_up_by_the_visitors_limit(app, make_event, make_user):
    app.config["VISITOR_REGISTRATION_RATE_LIMIT"] = "1 per hour"
    first, second = make_event(), make_event()
    assert register(from_address(app, "203.0.113.9"), first, **visitor("visitor@example.org")).status_code == 302
    member = from_address(app, "203.0.113.9")
    login(member, make_user(email="member@example.org"))

    assert register(member, first).status_code == 302
    assert register(member, second).status_code == 302


# --- the place held until the address is confirmed --------------------------------------------


def test_an_unconfirmed_visitors_place_goes_to_the_waiting_list_after_the_events_deadline(
    app, make_event, make_user, mailbox
):
    event = make_event(capacity=1, title="Labour inspection training")
    register(from_address(app, "203.0.113.20"), event, full_name="Wang Fang", **visitor("wang@example.org"))
    waiting = from_address(app, "203.0.113.21")
    login(waiting, make_user(email="anna@example.org", full_name="Anna Berg"))
    register(waiting, event, full_name="Anna Berg")
    held = registration_of("wang@example.org")
    assert held.state is State.CONFIRMED and registration_of("anna@example.org").state is State.WAITLISTED
    confirm = confirmation_to(mailbox, "wang@example.org")
    assert "Your place at Labour inspection training is held until" in text_part(confirm)
    assert held.confirm_email_by - utcnow() <= timedelta(hours=24)

    assert release_unconfirmed_places(now=utcnow() + timedelta(hours=23)) == 0
    assert registration_of("wang@example.org").state is State.CONFIRMED

    assert release_unconfirmed_places(now=utcnow() + timedelta(hours=25)) == 1

    assert registration_of("wang@example.org").state is State.CANCELLED
    assert registration_of("anna@example.org").state is State.CONFIRMED
    told = mailbox.last_to("wang@example.org")
    assert told["Subject"] == "Your registration for Labour inspection training is cancelled"
    assert "was not confirmed in time" in text_part(told)
    assert mailbox.last_to("anna@example.org")["Subject"] == "You have a place at Labour inspection training"
    change = registration_of("wang@example.org").changes[-1]
    assert change.actor_id is None and "not confirmed in time" in change.reason
    assert release_unconfirmed_places(now=utcnow() + timedelta(hours=26)) == 0  # once only


def test_an_unconfirmed_visitor_on_the_waiting_list_leaves_it_too(app, make_event, make_user):
    event = make_event(capacity=1)
    member = app.test_client()
    login(member, make_user(email="member@example.org"))
    register(member, event)
    register(from_address(app, "203.0.113.30"), event, **visitor("late@example.org"))
    assert registration_of("late@example.org").state is State.WAITLISTED

    release_unconfirmed_places(now=utcnow() + timedelta(hours=25))

    assert registration_of("late@example.org").state is State.CANCELLED
    assert registration_of("member@example.org").state is State.CONFIRMED


def test_a_visitor_who_confirms_in_time_keeps_the_place(app, make_event, mailbox):
    event = make_event(capacity=1)
    client = from_address(app, "203.0.113.40")
    register(client, event, **visitor("quick@example.org"))
    confirm = confirmation_to(mailbox, "quick@example.org")
    client.get(link_in(confirm))

    assert release_unconfirmed_places(now=utcnow() + timedelta(days=3)) == 0
    assert registration_of("quick@example.org").state is State.CONFIRMED


def test_organisers_see_unconfirmed_registrations_as_such(app, make_event, make_user):
    event = make_event()
    register(from_address(app, "203.0.113.50"), event, full_name="Wang Fang", **visitor("wang@example.org"))
    member = app.test_client()
    login(member, make_user(email="member@example.org", full_name="Anna Berg"))
    register(member, event, full_name="Anna Berg")
    organiser = app.test_client()
    login(organiser, event.organisers[0])

    page = organiser.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)

    rows = {name: row for row in page.split("<tr>") for name in ("Wang Fang", "Anna Berg") if name in row}
    assert 'data-testid="unconfirmed"' in rows["Wang Fang"] and "E-mail address not confirmed: held until" in page
    assert 'data-testid="unconfirmed"' not in rows["Anna Berg"]


# --- the event's deadline -----------------------------------------------------------------------


def event_form(event, **changes) -> dict:
    return {
        "kind": "workshop",
        "title": event.title,
        "summary": "",
        "venue": "",
        "city": "",
        "country": "CN",
        "timezone": event.timezone,
        "starts_at": event.starts_at.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": event.ends_at.strftime("%Y-%m-%dT%H:%M"),
        "status": "published",
        **changes,
    }


def test_organisers_set_how_long_a_visitors_place_is_held_and_nonsense_is_refused(app, make_event):
    event = make_event()
    organiser = app.test_client()
    login(organiser, event.organisers[0])
    url = f"/manage/events/{event.slug}/edit"
    assert 'name="visitor_confirmation_hours"' in organiser.get(url).get_data(as_text=True)
    assert 'value="24"' in organiser.get(url).get_data(as_text=True)  # the default

    refused = submit(organiser, url, event_form(event, visitor_confirmation_hours="0"))
    assert refused.status_code == 200 and "Number must be between 1 and 720." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert event.visitor_confirmation_hours == 24

    assert submit(organiser, url, event_form(event, visitor_confirmation_hours="48")).status_code == 302
    db.session.expire_all()
    assert event.visitor_confirmation_hours == 48
    register(from_address(app, "203.0.113.60"), event, **visitor("slow@example.org"))
    assert release_unconfirmed_places(now=utcnow() + timedelta(hours=47)) == 0
    assert release_unconfirmed_places(now=utcnow() + timedelta(hours=49)) == 1
