import re
from datetime import timedelta
from time import perf_counter

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func

from workshop import create_app
from workshop.accounts import services
from workshop.accounts.models import LoginSession, User
from workshop.errors import Forbidden
from workshop.extensions import db
from workshop.mail.models import OutboxMessage
from workshop.timeutil import utcnow

from .conftest import PASSWORD, csrf_token, link_in, login, logout, submit, text_part


def sign_up(client, **fields):
    data = {
        "email": "li.wei@example.org",
        "full_name": "Li Wei",
        "native_name": "李伟",
        "locale": "zh",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    data.update(fields)
    return submit(client, "/signup", data)


def user_count() -> int:
    return db.session.scalar(db.select(func.count()).select_from(User))


def test_signing_up_sends_a_verification_link_in_the_chosen_language(client, mailbox):
    page = sign_up(client).get_data(as_text=True)

    assert "li.wei@example.org" in page
    user = db.session.scalar(db.select(User))
    assert (user.full_name, user.native_name, user.locale, user.is_verified) == ("Li Wei", "李伟", "zh", False)
    message = mailbox.last_to("li.wei@example.org")
    assert message["Subject"] == "确认您的电子邮件地址"
    assert message.get_body(preferencelist=("html",)) is not None
    assert "/verify/" in text_part(message)


def test_following_the_verification_link_lets_the_person_log_in(client, mailbox):
    sign_up(client, locale="en")
    link = link_in(mailbox.last_to("li.wei@example.org"))

    page = client.get(link, follow_redirects=True).get_data(as_text=True)

    assert "your e-mail address is confirmed" in page
    user = db.session.scalar(db.select(User))
    assert user.is_verified
    login(client, user)


def test_an_unverified_account_cannot_log_in_yet(client, mailbox):
    sign_up(client, locale="en")
    response = submit(client, "/login", {"email": "li.wei@example.org", "password": PASSWORD}, follow_redirects=True)
    assert "Please confirm your e-mail address first" in response.get_data(as_text=True)
    assert "Li Wei" not in client.get("/").get_data(as_text=True)


def test_the_e_mail_address_is_unique_whatever_its_case(client, make_user, mailbox):
    make_user(email="maria.rossi@example.org")

    page = sign_up(client, email="Maria.Rossi@Example.org", full_name="Maria Rossi").get_data(as_text=True)

    assert "An account with this e-mail address exists already" in page
    assert 'value="Maria Rossi"' in page  # what the person typed is kept
    assert user_count() == 1
    assert mailbox.messages == []


def test_logging_in_ignores_the_case_of_the_e_mail_address(client, make_user):
    user = make_user(email="anna.schmidt@example.org")
    response = submit(client, "/login", {"email": "Anna.Schmidt@EXAMPLE.org", "password": PASSWORD})
    assert response.status_code == 302
    assert user.full_name in client.get("/").get_data(as_text=True)


def test_a_malformed_e_mail_address_is_refused_by_the_field(client, mailbox):
    page = sign_up(client, email="not-an-address").get_data(as_text=True)
    assert "Enter an e-mail address such as name@example.org." in page
    assert 'value="not-an-address"' in page
    assert user_count() == 0


def test_a_short_password_is_refused(client):
    page = sign_up(client, password="short1", confirm="short1").get_data(as_text=True)
    assert "Use at least 10 characters." in page
    assert 'value="li.wei@example.org"' in page
    assert user_count() == 0


def test_a_common_password_is_refused(client):
    page = sign_up(client, password="password123", confirm="password123").get_data(as_text=True)
    assert "This password is too common" in page
    assert user_count() == 0


def test_fields_over_their_length_are_refused(client):
    page = sign_up(client, full_name="x" * 201).get_data(as_text=True)
    assert "Field cannot be longer than 200 characters." in page
    assert user_count() == 0


def test_the_two_passwords_must_match(client):
    page = sign_up(client, confirm="another long passphrase").get_data(as_text=True)
    assert "The two passwords differ." in page
    assert user_count() == 0


def test_a_wrong_password_says_so_and_keeps_the_e_mail(client, make_user):
    user = make_user()
    page = submit(client, "/login", {"email": user.email, "password": "wrong password here"}).get_data(as_text=True)
    assert "The e-mail address or the password is not right." in page
    assert f'value="{user.email}"' in page


def test_a_tampered_verification_link_is_refused(client, mailbox):
    sign_up(client, locale="en")
    link = link_in(mailbox.last_to("li.wei@example.org"))

    page = client.get(link[:-3] + "abc", follow_redirects=True).get_data(as_text=True)

    assert "This confirmation link is not valid" in page
    assert not db.session.scalar(db.select(User)).is_verified


def test_an_expired_verification_link_is_refused(app, client, mailbox):
    sign_up(client, locale="en")
    link = link_in(mailbox.last_to("li.wei@example.org"))
    app.config["EMAIL_VERIFICATION_MAX_AGE"] = -1

    page = client.get(link, follow_redirects=True).get_data(as_text=True)

    assert "This confirmation link has expired" in page
    assert not db.session.scalar(db.select(User)).is_verified


def test_a_verification_link_works_once(client, mailbox):
    sign_up(client, locale="en")
    link = link_in(mailbox.last_to("li.wei@example.org"))
    client.get(link)

    page = client.get(link, follow_redirects=True).get_data(as_text=True)

    assert "This confirmation link has been used already" in page


def test_a_new_verification_link_can_be_asked_for(client, mailbox):
    sign_up(client, locale="en")
    submit(client, "/verify/resend", {"email": "li.wei@example.org"})
    assert len(mailbox.to("li.wei@example.org")) == 2


def test_logout_is_a_post_with_csrf(client, make_user):
    user = make_user()
    login(client, user)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert user.full_name in client.get("/").get_data(as_text=True)
    logout(client)
    assert user.full_name not in client.get("/").get_data(as_text=True)


def test_a_post_without_csrf_token_explains_and_changes_nothing(client):
    typed = {
        "email": "li.wei@example.org",
        "full_name": "Li Wei",
        "native_name": "李伟",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "locale": "en",
    }

    response = client.post("/signup", data=typed)  # e.g. the page was open all night and the token expired

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This form was open for a long time, so for your safety it was not saved." in page
    assert 'value="Li Wei"' in page and 'value="李伟"' in page and 'value="li.wei@example.org"' in page
    assert user_count() == 0
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/signup", data={**typed, "csrf_token": token})  # sent again from the page that came back
    assert user_count() == 1


def test_next_redirects_only_within_the_site(client, make_user):
    user = make_user()
    response = submit(
        client,
        "/login?next=https://elsewhere.example",
        {"email": user.email, "password": PASSWORD, "next": "https://elsewhere.example"},
    )
    assert response.headers["Location"] == "/"
    logout(client)
    for target in ("//elsewhere.example", "/\\elsewhere.example", "javascript:alert(1)"):
        response = submit(client, "/login", {"email": user.email, "password": PASSWORD, "next": target})
        assert "elsewhere" not in response.headers["Location"] and "javascript" not in response.headers["Location"]
        logout(client)
    response = submit(client, "/login", {"email": user.email, "password": PASSWORD, "next": "/account"})
    assert response.headers["Location"] == "/account"


def test_the_login_form_carries_next_from_the_address(client):
    page = client.get("/login?next=/account").get_data(as_text=True)
    assert 'value="/account"' in page


def test_password_reset_by_a_single_use_link(client, make_user, mailbox):
    user = make_user()
    submit(client, "/password/forgot", {"email": user.email.upper()})
    link = link_in(mailbox.last_to(user.email))

    response = submit(client, link, {"password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert response.headers["Location"] == "/login"
    login(client, user, password="a brand new passphrase")
    logout(client)

    page = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "not valid or has been used already" in page


def test_password_reset_for_an_unknown_address_reveals_nothing(client, mailbox):
    page = submit(client, "/password/forgot", {"email": "nobody@example.org"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "If that address has an account" in page
    assert mailbox.messages == []


def test_an_expired_reset_link_is_refused(app, client, make_user, mailbox):
    user = make_user()
    submit(client, "/password/forgot", {"email": user.email})
    link = link_in(mailbox.last_to(user.email))
    app.config["PASSWORD_RESET_MAX_AGE"] = -1

    page = client.get(link, follow_redirects=True).get_data(as_text=True)

    assert "This password reset link has expired" in page
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_a_tampered_reset_link_is_refused(client, make_user, mailbox):
    user = make_user()
    submit(client, "/password/forgot", {"email": user.email})
    link = link_in(mailbox.last_to(user.email))
    response = client.get(link.replace("/reset/", "/reset/x"), follow_redirects=True)
    assert "not valid or has been used already" in response.get_data(as_text=True)


def test_a_common_password_is_refused_on_reset(client, make_user, mailbox):
    user = make_user()
    submit(client, "/password/forgot", {"email": user.email})
    link = link_in(mailbox.last_to(user.email))
    page = submit(client, link, {"password": "1234567890", "confirm": "1234567890"}).get_data(as_text=True)
    assert "This password is too common" in page
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_login_attempts_are_rate_limited(client, make_user):
    user = make_user()
    statuses = [
        submit(client, "/login", {"email": user.email, "password": "wrong password here"}).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    assert "Too many attempts" in submit(client, "/login", {"email": user.email, "password": PASSWORD}).get_data(
        as_text=True
    )


def test_reset_requests_are_rate_limited(client, make_user, mailbox):
    user = make_user()
    statuses = [submit(client, "/password/forgot", {"email": user.email}).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert len(mailbox.to(user.email)) == 5


def test_changing_the_password_ends_the_other_sessions(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)

    response = submit(
        laptop,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "another good passphrase", "confirm": "another good passphrase"},
    )

    assert response.headers["Location"] == "/account"
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302  # sent to the log-in page


def test_changing_the_password_needs_the_current_one(client, make_user):
    user = make_user()
    login(client, user)
    page = submit(
        client,
        "/account/password",
        {
            "current_password": "not my password",
            "new_password": "another good passphrase",
            "confirm": "another good passphrase",
        },
    ).get_data(as_text=True)
    assert "Your current password is not right." in page
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_editing_the_profile(client, make_user):
    user = make_user(full_name="Wang Fang")
    login(client, user)
    response = submit(client, "/account", {"full_name": "Wang Fang", "native_name": "王芳", "locale": "zh"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.native_name, user.locale) == ("王芳", "zh")
    assert "王芳" in client.get("/account").get_data(as_text=True)


def test_an_empty_name_is_refused_on_the_profile(client, make_user):
    user = make_user(full_name="Wang Fang")
    login(client, user)
    page = submit(client, "/account", {"full_name": "", "native_name": "王芳", "locale": "en"}).get_data(as_text=True)
    assert "This field is required." in page
    db.session.expire_all()
    assert db.session.get(User, user.id).native_name == ""


def test_the_profile_needs_a_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_csrf_token_is_on_every_form(client):
    for url in ("/signup", "/login", "/password/forgot", "/verify/resend"):
        assert csrf_token(client, url)


def test_links_in_e_mails_point_at_the_public_url_whatever_the_host_header(app, client, make_user, mailbox):
    app.config["PUBLIC_URL"] = "https://workshops.example.org"
    app.config["TRUSTED_HOSTS"] = None  # a site that answers every host
    user = make_user()
    client.environ_base["HTTP_HOST"] = "evil.example"  # a forged Host header on every request

    submit(client, "/password/forgot", {"email": user.email})
    sign_up(client, locale="en")

    for message in (mailbox.last_to(user.email), mailbox.last_to("li.wei@example.org")):
        link = re.search(r"https?://\S+", text_part(message)).group(0)
        assert link.startswith("https://workshops.example.org/"), link
        assert "evil.example" not in message.as_string()
    assert "/password/reset/" in text_part(mailbox.last_to(user.email))


def test_a_password_reset_asked_for_an_untrusted_host_is_refused_and_sends_nothing(app, client, make_user, mailbox):
    user = make_user()
    token = csrf_token(client, "/password/forgot")

    forged = client.post(
        "/password/forgot", data={"csrf_token": token, "email": user.email}, headers={"Host": "evil.example.com"}
    )

    assert forged.status_code == 400
    assert mailbox.to(user.email) == []
    assert db.session.scalar(db.select(func.count()).select_from(OutboxMessage)) == 0

    submit(client, "/password/forgot", {"email": user.email})  # the site's own host: the link names it
    assert (
        re.search(r"https?://\S+", text_part(mailbox.last_to(user.email)))
        .group(0)
        .startswith("http://workshops.test/password/reset/")
    )


def test_without_trusted_hosts_or_a_public_url_links_never_take_the_request_host(app, client, make_user, mailbox):
    app.config["TRUSTED_HOSTS"] = None
    user = make_user()
    client.environ_base["HTTP_HOST"] = "evil.example.com"

    submit(client, "/password/forgot", {"email": user.email})

    message = mailbox.last_to(user.email)
    assert re.search(r"https?://\S+", text_part(message)).group(0).startswith("http://127.0.0.1:5000/password/reset/")
    assert "evil.example.com" not in message.as_string()


def test_the_shipped_settings_answer_only_to_this_machine(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    site = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    visitor = site.test_client()

    assert visitor.get("/privacy", headers={"Host": "evil.example.com"}).status_code == 400
    assert visitor.get("/privacy", headers={"Host": "127.0.0.1:5000"}).status_code == 200
    assert visitor.get("/privacy", headers={"Host": "localhost:5000"}).status_code == 200


def test_logging_in_takes_as_long_for_an_unknown_address_as_for_a_known_one(app, client, make_user):
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:400000"  # slow enough to measure
    user = make_user()
    token = csrf_token(client, "/login")

    def answer_time(email: str) -> float:
        times = []
        for _ in range(3):
            start = perf_counter()
            page = client.post("/login", data={"csrf_token": token, "email": email, "password": "wrong password here"})
            times.append(perf_counter() - start)
            assert "The e-mail address or the password is not right." in page.get_data(as_text=True)
        return min(times)

    known, unknown = answer_time(user.email), answer_time("nobody@example.org")

    assert unknown > 0.5 * known, (
        f"known address {known:.3f} s, unknown {unknown:.3f} s: the time tells which addresses have accounts"
    )


def log_in_remembered(client, user: User):
    response = submit(client, "/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    assert client.get_cookie("remember_token", domain="workshops.test") is not None


def close_the_browser(client) -> None:
    """What closing the browser does: the session cookie goes, the remember cookie stays."""
    client.delete_cookie("session", domain="workshops.test")


def test_a_password_change_ends_the_remembered_log_ins_of_other_devices(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    log_in_remembered(phone, user)
    close_the_browser(phone)
    assert phone.get("/account").status_code == 200  # remembered
    close_the_browser(phone)

    submit(
        laptop,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "another good passphrase", "confirm": "another good passphrase"},
    )

    response = phone.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_device_that_changes_the_password_stays_remembered(app, make_user):
    user = make_user()
    laptop = app.test_client()
    log_in_remembered(laptop, user)

    submit(
        laptop,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "another good passphrase", "confirm": "another good passphrase"},
    )
    close_the_browser(laptop)

    assert laptop.get("/account").status_code == 200


def copy_of_cookie(client, name: str, app) -> FlaskClient:
    """Another browser holding a copy of ``client``'s cookie ``name``, as someone who took it would."""
    other = app.test_client()
    other.set_cookie(name, client.get_cookie(name, domain="workshops.test").value, domain="workshops.test")
    return other


def is_logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_session_cookie_copied_before_log_out_is_anonymous_after_it(app, make_user):
    user = make_user()
    laptop = app.test_client()
    login(laptop, user)
    assert is_logged_in(copy_of_cookie(laptop, "session", app))  # the copy works while the log-in lasts

    stolen = copy_of_cookie(laptop, "session", app)
    logout(laptop)

    assert not is_logged_in(laptop) and not is_logged_in(stolen)
    assert 'action="/logout"' not in stolen.get("/").get_data(as_text=True)


def test_a_remember_cookie_copied_before_log_out_is_anonymous_after_it(app, make_user):
    user = make_user()
    laptop = app.test_client()
    log_in_remembered(laptop, user)
    stolen = copy_of_cookie(laptop, "remember_token", app)
    assert is_logged_in(copy_of_cookie(laptop, "remember_token", app))

    logout(laptop)

    assert not is_logged_in(stolen)


def test_logging_out_on_one_device_leaves_the_others_logged_in(app, make_user):
    user = make_user()
    laptop, phone, tablet = app.test_client(), app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    log_in_remembered(tablet, user)

    logout(laptop)
    close_the_browser(tablet)

    assert not is_logged_in(laptop)
    assert is_logged_in(phone) and is_logged_in(tablet)


def test_logging_out_everywhere_ends_every_log_in_of_the_account_and_no_one_elses(app, make_user):
    user, someone_else = make_user(), make_user()
    laptop, phone, other = app.test_client(), app.test_client(), app.test_client()
    login(laptop, user)
    log_in_remembered(phone, user)
    login(other, someone_else)
    stolen = copy_of_cookie(laptop, "session", app)

    assert "Log out everywhere" in laptop.get("/account").get_data(as_text=True)
    response = submit(laptop, "/account/logout-everywhere", {}, form_url="/account")

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "You are logged out on every device, this one too." in laptop.get("/login").get_data(as_text=True)
    close_the_browser(phone)
    assert not any(is_logged_in(client) for client in (laptop, phone, stolen))
    assert is_logged_in(other)
    login(laptop, user)  # the password still works
    assert is_logged_in(laptop)


def test_a_log_in_older_than_a_remembered_one_lasts_ends_at_the_next_log_in(app, make_user):
    user = make_user()
    old_laptop, recent_phone, new_tablet = app.test_client(), app.test_client(), app.test_client()
    login(old_laptop, user)
    db.session.execute(db.update(LoginSession).values(created_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    assert is_logged_in(old_laptop)  # until the account logs in again
    db.session.execute(db.update(LoginSession).values(created_at=utcnow() - timedelta(days=29)))
    db.session.commit()
    login(recent_phone, user)  # 29 days: still within the 30 days a remembered log-in lasts
    assert is_logged_in(old_laptop)
    db.session.execute(
        db.update(LoginSession)
        .where(LoginSession.created_at < utcnow() - timedelta(days=1))
        .values(created_at=utcnow() - timedelta(days=31))
    )
    db.session.commit()

    login(new_tablet, user)

    assert not is_logged_in(old_laptop)
    assert is_logged_in(recent_phone) and is_logged_in(new_tablet)


def test_logging_out_everywhere_is_a_post_with_csrf_for_the_logged_in(app, client, make_user):
    user = make_user()
    assert client.post("/account/logout-everywhere").status_code == 302  # anonymous: to the log-in page
    login(client, user)
    assert client.get("/account/logout-everywhere").status_code == 405
    assert client.post("/account/logout-everywhere").status_code == 400  # no CSRF token
    assert is_logged_in(client)


def test_an_administrator_lets_a_user_create_events_and_takes_it_back(make_user):
    admin, user = make_user(is_admin=True), make_user()

    assert services.allow_event_creation(admin, user.id).can_create_events
    assert not services.allow_event_creation(admin, user.id).can_create_events


def test_only_an_administrator_decides_who_creates_events(make_user):
    organiser, user = make_user(can_create_events=True), make_user()

    with pytest.raises(Forbidden):
        services.allow_event_creation(organiser, user.id)

    db.session.expire_all()
    assert not db.session.get(User, user.id).can_create_events


def test_users_are_found_by_either_name_or_e_mail(client, make_user):
    make_user(email="wang.fang@example.org", full_name="Wang Fang", native_name="王芳")
    make_user(email="maria.rossi@example.org", full_name="Maria Rossi")
    admin = make_user(email="admin@example.org", full_name="Admin", is_admin=True)
    login(client, admin)

    for search in ("王芳", "wang", "WANG.FANG@"):
        page = client.get("/admin/users", query_string={"q": search}).get_data(as_text=True)
        assert "wang.fang@example.org" in page and "maria.rossi@example.org" not in page, search
    everyone = client.get("/admin/users").get_data(as_text=True)
    by_name = ["admin@example.org", "maria.rossi@example.org", "wang.fang@example.org"]
    assert sorted(by_name, key=everyone.index) == by_name
