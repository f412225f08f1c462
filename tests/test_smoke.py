from .conftest import login


def test_the_list_of_events_shows_a_published_event(client, make_event):
    event = make_event(title="Labour inspection against forced labour")
    page = client.get("/").get_data(as_text=True)
    assert str(event.title) in page


def test_a_verified_user_logs_in(client, make_user):
    user = make_user()
    login(client, user)
    assert user.full_name in client.get("/").get_data(as_text=True)
