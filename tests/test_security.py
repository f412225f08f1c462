"""What protects every page at once: CSRF on every POST, signed links, the host names served."""

from flask import url_for

from workshop.accounts.models import User
from workshop.accounts.services import reset_token
from workshop.events.models import Event, EventStatus
from workshop.extensions import db

from .conftest import PASSWORD, login

EXPIRED_FORM = "This form was open for a long time, so for your safety it was not saved."
VISITOR_ONLY = {"accounts.signup", "accounts.login"}  # a logged-in person is sent away from these, whatever they post
# The scanner API and the organisers' part of the JSON API: no cookie, no CSRF; without a bearer token they answer 401
BEARER_ONLY = {
    "attendance.api_record",
    "api_v1.registration_decision",
    "api_v1.attendance",
    "api_v1.certificates",
}
# The activity log only reads: a POST to it is refused (405) and the attempt recorded (test_audit_trail)
READ_ONLY = {"audit.event_log_change", "audit.whole_log_change"}
NEW_PASSWORD = "another good passphrase"
TYPED = {
    "email": "dummy@example.org",
    "full_name": "Dummy Person",
    "native_name": "假人",
    "locale": "zh",
    "lang": "zh",
    "password": NEW_PASSWORD,
    "current_password": PASSWORD,
    "new_password": NEW_PASSWORD,
    "confirm": NEW_PASSWORD,
    "status": "archived",
    "title": "Changed without a token",
    "kind": "workshop",
    "timezone": "Europe/London",
    "starts_at": "2030-01-01T09:00",
    "ends_at": "2030-01-01T17:00",
    "reason": "no token",
}


def post_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and rule.endpoint != "static"),
        key=lambda rule: rule.rule,
    )


def test_a_post_without_a_csrf_token_changes_nothing_on_any_page(app, make_user, make_event):
    admin = make_user(is_admin=True, full_name="Platform Admin", locale="en")
    other = make_user(email="other@example.org", full_name="Other Person")
    event = make_event(title="Workshop that stays as it is")
    organisers_before = [u.id for u in event.organisers]
    users_before = db.session.scalar(db.select(db.func.count()).select_from(User))
    values = {"slug": event.slug, "user_id": other.id, "token": reset_token(admin)}
    as_admin, as_visitor = app.test_client(), app.test_client()
    login(as_admin, admin)

    rules = post_rules(app)
    for rule in rules:
        url = url_for(rule.endpoint, _external=False, **{name: values.get(name, 999999) for name in rule.arguments})
        client = as_visitor if rule.endpoint in VISITOR_ONLY else as_admin
        typed = TYPED | (
            {"email": other.email, "role": "organiser"} if rule.endpoint == "team.team_page" else {}
        )  # would name them organiser
        response = client.post(url, data=typed)

        page = response.get_data(as_text=True)
        if rule.endpoint in BEARER_ONLY:
            assert response.status_code == 401, f"POST {url} without a bearer token answered {response.status_code}"
            continue
        if rule.endpoint in READ_ONLY:
            assert response.status_code == 405, f"POST {url} to the read-only log answered {response.status_code}"
            continue
        assert response.status_code in (400, 403, 404) or (response.status_code == 200 and EXPIRED_FORM in page), (
            f"POST {url} without a token answered {response.status_code}"
            + (f" to {response.headers['Location']}" if "Location" in response.headers else "")
        )
        if rule.endpoint == "accounts.signup":
            assert 'value="Dummy Person"' in page  # what was typed comes back

    assert {"accounts.signup", "accounts.logout", "web.set_language", "events.edit"} <= {
        rule.endpoint for rule in rules
    }
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == users_before
    admin, other, event = (
        db.session.get(User, admin.id),
        db.session.get(User, other.id),
        db.session.get(Event, event.id),
    )
    assert (admin.full_name, admin.locale, admin.check_password(PASSWORD)) == ("Platform Admin", "en", True)
    assert not other.can_create_events
    assert (event.title, event.status) == ("Workshop that stays as it is", EventStatus.PUBLISHED)
    assert [u.id for u in event.organisers] == organisers_before
    assert as_admin.get("/account").status_code == 200  # still logged in


def test_requests_for_another_host_are_refused_when_trusted_hosts_are_set(app, client):
    app.config["TRUSTED_HOSTS"] = ["workshops.test"]
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/").status_code == 200
