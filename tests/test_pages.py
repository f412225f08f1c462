import re
from urllib.parse import quote

import pytest
from flask import abort

from .conftest import login, logout, submit


def test_the_footer_links_the_privacy_notice(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/privacy"' in page
    assert "Privacy notice" in client.get("/privacy").get_data(as_text=True)


def test_assets_are_served_locally(client):
    page = client.get("/").get_data(as_text=True)
    assert "/static/vendor/bootstrap/bootstrap.min.css" in page
    assert "cdn" not in page.lower()
    response = client.get("/static/vendor/bootstrap/bootstrap.min.css")
    assert response.status_code == 200
    response.close()


def test_flash_messages_are_shown(client, make_user):
    user = make_user(full_name="Zhang Min")
    login(client, user)
    assert "Welcome, Zhang Min." in client.get("/").get_data(as_text=True)


def test_the_404_page_is_styled(client):
    response = client.get("/nowhere")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in page and "Go to the list of events" in page


def test_the_500_page_is_styled_and_hides_the_error(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/broken")
    def broken():
        raise RuntimeError("database password is hunter2")

    response = app.test_client().get("/broken")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "hunter2" not in page


@pytest.mark.parametrize("code,title", [(403, "You may not open this page"), (405, "This action is not allowed here")])
def test_other_error_pages_are_styled(app, code, title):
    @app.get(f"/fail-{code}")
    def fail():
        abort(code)

    response = app.test_client().get(f"/fail-{code}")
    assert response.status_code == code
    assert title in response.get_data(as_text=True)


def test_pages_say_not_to_sniff_or_frame(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_each_visitor_s_menus_carry_their_own_form_token_and_page(app, make_user):
    first, second = app.test_client(), app.test_client()
    tokens = []
    for client, path in ((first, "/events/past"), (second, "/privacy")):
        page = client.get(path).get_data(as_text=True)
        language_form = page[page.index('action="/language"') :]
        tokens.append(re.search(r'name="csrf_token" value="([^"]+)"', language_form).group(1))
        assert re.search(r'name="next" value="([^"]+)"', language_form).group(1) == path
        assert f'href="/login?next={quote(path, safe="")}"' in page or f'href="/login?next={path}"' in page
    assert tokens[0] != tokens[1]

    response = submit(first, "/language", {"lang": "zh", "next": "/events/past"}, form_url="/events/past")
    assert response.status_code == 302 and response.headers["Location"].endswith("/events/past")
    assert "往期活动" in first.get("/events/past").get_data(as_text=True)
    assert "Past events" in second.get("/events/past").get_data(as_text=True)


def test_the_menus_show_the_person_logged_in_and_their_own_links(client, make_user):
    participant = make_user(full_name="Wang Fang <b>")
    admin = make_user(full_name="Site Admin", is_admin=True)
    login(client, participant)
    page = client.get("/privacy").get_data(as_text=True)
    assert "Wang Fang &lt;b&gt;" in page and 'href="/admin/"' not in page

    logout(client)
    login(client, admin)
    page = client.get("/privacy").get_data(as_text=True)
    assert "Site Admin" in page and "Wang Fang" not in page and 'href="/admin/"' in page

    logout(client)
    page = client.get("/privacy").get_data(as_text=True)
    assert "Site Admin" not in page and 'href="/registrations"' not in page and 'action="/logout"' not in page
