"""Platform administrators manage the accounts: they find them by name, address, role and state,
give and take the platform roles, disable an account (its log-ins end at once) and enable it again,
and send the link that confirms an address again. They cannot disable themselves or leave the
platform without an administrator; nobody else gets any of it."""

import re
from datetime import timedelta

import pytest

from workshop.accounts.models import LoginSession, User
from workshop.audit.models import AuditEntry
from workshop.extensions import db
from workshop.mail.models import OutboxMessage
from workshop.timeutil import utcnow

from .conftest import PASSWORD, as_user, login, submit


def user_url(user) -> str:
    return f"/admin/users/{user.id}"


def press(client, user, action: str, **data):
    """A button of the person's page, with its token, as a browser sends it."""
    return submit(client, f"{user_url(user)}/{action}", data, form_url=user_url(user), follow_redirects=True)


def fresh(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def is_logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def attempts(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)))


def is_ticked(page: str, name: str) -> bool:
    [box] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return " checked" in box


def listed(page: str, *people) -> list[bool]:
    return [f'data-user="{person.id}"' in page for person in people]


def test_the_list_finds_people_by_name_or_address_and_filters_them(app, make_user):
    admin = make_user(is_admin=True, full_name="Ada Admin")
    creator = make_user(full_name="Chen Organiser", email="chen@example.org", can_create_events=True)
    unconfirmed = make_user(full_name="Unconfirmed Person", verified=False)
    disabled = make_user(full_name="Gone Person", disabled_at=utcnow())
    client = as_user(app, admin)
    people = (admin, creator, unconfirmed, disabled)

    def page(**args):
        response = client.get("/admin/users", query_string=args)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    assert listed(page(), *people) == [True, True, True, True]
    assert listed(page(q="CHEN@"), *people) == [False, True, False, False]
    assert listed(page(q="organiser"), *people) == [False, True, False, False]
    assert listed(page(role="admin"), *people) == [True, False, False, False]
    assert listed(page(role="event_creator"), *people) == [False, True, False, False]
    assert listed(page(role="none"), *people) == [False, False, True, True]
    assert listed(page(confirmed="no"), *people) == [False, False, True, False]
    assert listed(page(disabled="yes"), *people) == [False, False, False, True]
    assert listed(page(disabled="no", confirmed="yes"), *people) == [True, True, False, False]
    assert listed(page(role="nonsense", disabled="maybe"), *people) == [True, True, True, True]  # no filter
    assert "No account matches." in page(q="nobody at all")


def test_the_list_is_paged_and_keeps_its_filters_on_the_next_page(app, make_user):
    admin = make_user(is_admin=True, full_name="A Admin")
    for n in range(51):
        make_user(full_name=f"Person {n:02d}", verified=False)
    client = as_user(app, admin)

    first = client.get("/admin/users", query_string={"confirmed": "no"}).get_data(as_text=True)

    assert "Page 1 of 2" in first
    assert 'href="/admin/users?page=2&amp;confirmed=no"' in first
    second = client.get("/admin/users", query_string={"confirmed": "no", "page": 2}).get_data(as_text=True)
    assert second.count("data-user=") == 1
    assert client.get("/admin/users", query_string={"page": 99}).status_code == 200


def test_a_persons_page_shows_their_roles_state_and_the_events_they_organise(app, make_user, make_event):
    admin = make_user(is_admin=True)
    organiser = make_user(full_name="Wang Fang", native_name="王芳", can_create_events=True)
    make_event(organiser=organiser, title="Labour migration workshop")
    make_event(title="Someone else's workshop")

    page = as_user(app, admin).get(user_url(organiser)).get_data(as_text=True)

    assert "Wang Fang" in page and "王芳" in page
    assert "Labour migration workshop" in page and "Someone else&#39;s workshop" not in page
    assert (is_ticked(page, "is_admin"), is_ticked(page, "can_create_events")) == (False, True)
    assert "Disable the account" in page and "Send the confirmation link again" not in page


def test_an_admin_gives_and_takes_the_platform_roles(app, make_user):
    admin, person = make_user(is_admin=True), make_user()
    client = as_user(app, admin)

    page = press(client, person, "roles", is_admin="y", can_create_events="y").get_data(as_text=True)

    assert "The roles of Test Person are saved." in page
    assert (fresh(person).is_admin, fresh(person).can_create_events) == (True, True)
    press(client, person, "roles", can_create_events="y")
    assert (fresh(person).is_admin, fresh(person).can_create_events) == (False, True)


def test_the_last_administrator_cannot_give_up_the_role(app, make_user):
    admin = make_user(is_admin=True, full_name="Only Admin")
    make_user(is_admin=True, disabled_at=utcnow())  # cannot log in: does not count
    client = as_user(app, admin)

    page = press(client, admin, "roles", can_create_events="y").get_data(as_text=True)

    assert "Only Admin is the last administrator: make someone else an administrator first." in page
    assert (fresh(admin).is_admin, fresh(admin).can_create_events) == (True, False)  # nothing changed
    [attempt] = attempts("account.last_admin_refused")
    assert (attempt.actor_id, attempt.object_id) == (admin.id, admin.id)


def test_an_administrator_may_give_up_the_role_while_another_remains(app, make_user):
    leaving, staying = make_user(is_admin=True), make_user(is_admin=True)
    client = as_user(app, leaving)

    response = press(client, leaving, "roles")

    assert response.request.path == "/"
    assert not fresh(leaving).is_admin and fresh(staying).is_admin
    assert client.get("/admin/users").status_code == 403


def test_disabling_an_account_ends_its_log_ins_at_once_and_stops_new_ones(app, make_user):
    admin, person = make_user(is_admin=True), make_user(full_name="Li Wei")
    laptop, phone = as_user(app, person), as_user(app, person)
    client = as_user(app, admin)

    page = press(client, person, "disable").get_data(as_text=True)

    assert "The account of Li Wei is disabled; its log-ins have ended." in page
    assert "Enable the account" in page
    assert fresh(person).is_disabled
    assert not is_logged_in(laptop) and not is_logged_in(phone)
    assert db.session.scalar(db.select(db.func.count()).where(LoginSession.user_id == person.id)) == 0
    refused = submit(laptop, "/login", {"email": person.email, "password": PASSWORD}, follow_redirects=True)
    assert "This account is disabled." in refused.get_data(as_text=True)
    assert not is_logged_in(laptop)


def test_an_enabled_account_logs_in_again(app, make_user):
    admin, person = make_user(is_admin=True), make_user(disabled_at=utcnow())
    client = as_user(app, admin)

    page = press(client, person, "enable").get_data(as_text=True)

    assert "Test Person can log in again." in page and not fresh(person).is_disabled
    login(app.test_client(), person)


def test_an_administrator_cannot_disable_their_own_account(app, make_user):
    admin = make_user(is_admin=True)
    make_user(is_admin=True)  # not the last administrator either
    client = as_user(app, admin)

    page = press(client, admin, "disable").get_data(as_text=True)

    assert "You cannot disable your own account." in page
    assert not fresh(admin).is_disabled and is_logged_in(client)
    [attempt] = attempts("account.self_disable_refused")
    assert attempt.object_id == admin.id


def test_unknown_accounts_are_not_found(app, make_user):
    client = as_user(app, make_user(is_admin=True))
    missing = User(id=987654)

    assert client.get(user_url(missing)).status_code == 404
    for action in ("roles", "disable", "enable", "resend-confirmation"):
        response = submit(client, f"{user_url(missing)}/{action}", {}, form_url="/admin/users")
        assert response.status_code == 404, action


def test_the_confirmation_link_is_sent_again_through_the_outbox_and_not_too_often(app, make_user, mailbox):
    admin, person = make_user(is_admin=True), make_user(email="new@example.org", verified=False)
    client = as_user(app, admin)

    page = press(client, person, "resend-confirmation").get_data(as_text=True)

    assert "A new confirmation link is on its way to new@example.org." in page
    [message] = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.recipient == "new@example.org"))
    assert message.subject == "Confirm your e-mail address" and "/verify/" in message.text
    assert mailbox.last_to("new@example.org")["Subject"] == "Confirm your e-mail address"

    again = press(client, person, "resend-confirmation").get_data(as_text=True)

    assert "A link was sent to this address less than 10 minutes ago: wait a little." in again
    assert db.session.scalar(db.select(db.func.count()).where(OutboxMessage.recipient == "new@example.org")) == 1
    assert len(attempts("account.confirmation_resend_refused")) == 1

    fresh(person).verification_sent_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    press(client, person, "resend-confirmation")
    assert db.session.scalar(db.select(db.func.count()).where(OutboxMessage.recipient == "new@example.org")) == 2


def test_a_confirmed_address_gets_no_new_link(app, make_user):
    admin, person = make_user(is_admin=True), make_user(email="done@example.org")
    client = as_user(app, admin)

    page = press(client, person, "resend-confirmation").get_data(as_text=True)

    assert "This address is confirmed already." in page
    assert db.session.scalar(db.select(db.func.count()).where(OutboxMessage.recipient == "done@example.org")) == 0


@pytest.mark.parametrize("who", ["participant", "event_creator", "organiser"])
def test_nobody_but_an_administrator_manages_accounts(app, make_user, make_event, who):
    person = make_user(verified=False)
    intruder = make_event().organisers[0] if who == "organiser" else make_user(can_create_events=who == "event_creator")
    client = as_user(app, intruder)
    token_page = "/account"

    assert client.get("/admin/users").status_code == 403
    assert client.get(user_url(person)).status_code == 403
    for action, data in (("roles", {"is_admin": "y"}), ("disable", {}), ("resend-confirmation", {})):
        response = submit(client, f"{user_url(person)}/{action}", data, form_url=token_page)
        assert response.status_code == 403, action
    person = fresh(person)
    assert (person.is_admin, person.is_disabled, person.verification_sent_at) == (False, False, None)


def test_a_visitor_is_sent_to_log_in(client, make_user):
    person = make_user()
    response = client.get(user_url(person))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
