"""The registrations list, the rosters and the badges page carry a labelled "select all" checkbox
for their rows, hidden until the script that works it shows it; the rows are ticked one by one
without it."""

import re

import pytest

from .conftest import login, make_registration


@pytest.mark.parametrize(
    ("page", "rows"),
    [
        ("/manage/events/{slug}/registrations", "ids"),
        ("/manage/events/{slug}/sessions/0/roster", "ids"),
        ("/manage/events/{slug}/badges", "id"),
    ],
)
def test_the_select_all_box_is_labelled_names_the_rows_and_waits_for_its_script(app, make_event, make_user, page, rows):
    event = make_event()
    make_registration(event, make_user(full_name="Li Wei"))
    organiser = app.test_client()
    login(organiser, event.organisers[0])

    html = organiser.get(page.format(slug=event.slug)).get_data(as_text=True)

    box = re.search(r'<input[^>]*data-select-all="([^"]+)"[^>]*>', html)
    assert box and box.group(1) == rows
    assert 'type="checkbox"' in box.group(0) and 'id="select-all"' in box.group(0)
    assert '<label class="visually-hidden" for="select-all">Select all</label>' in html
    assert re.search(r"<span[^>]*data-select-all-box hidden>", html)  # shown by the script only
    assert "/static/js/select-all.js" in html
    assert len(re.findall(rf'<input[^>]*type="checkbox" name="{rows}"', html)) == 1


def test_a_participant_does_not_get_the_organisers_lists(app, make_event, make_user):
    event = make_event()
    participant = make_user()
    make_registration(event, participant)
    client = app.test_client()
    login(client, participant)

    for page in ("registrations", "sessions/0/roster", "badges"):
        assert client.get(f"/manage/events/{event.slug}/{page}").status_code in (403, 404)
