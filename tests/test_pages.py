import pytest
from flask import abort

from .conftest import login


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
