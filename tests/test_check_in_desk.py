"""The check-in desk: the event's check-in staff (named by an organiser) choose arrival or a session,
then scan or type a badge's code or search for a name; the answer is big and unmistakable, and
nothing is recorded for a code of another event, a malformed code, a registration that is not
confirmed, or a desk of another event."""

import html
import os
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workshop.agenda import services as agenda
from workshop.attendance import recording
from workshop.attendance.models import ARRIVAL, Attendance, AttendanceChange, Method, check_in_staff
from workshop.events.models import EventStatus
from workshop.extensions import db
from workshop.registration.states import State
from workshop.timeutil import utcnow

from .conftest import PASSWORD, as_user, make_registration, submit
from .qr_codes import qr_modules

STATIC = Path(__file__).resolve().parent.parent / "static"


def desk_url(event) -> str:
    return f"/events/{event.slug}/check-in"


def staff_url(event) -> str:
    return f"/manage/events/{event.slug}/check-in/staff"


def add_staff(event, user):
    db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=user.id))
    db.session.commit()


def staff_of(event, make_user, full_name="Desk Person"):
    user = make_user(full_name=full_name)
    add_staff(event, user)
    return user


def participant(make_user, event, full_name="Li Wei", native_name="李伟", state=None):
    registration = make_registration(event, make_user(full_name=full_name, native_name=native_name), state)
    if state is State.WAITLISTED:
        registration.waitlist_seq = 1
        db.session.commit()
    return registration


def code_of(registration) -> str:
    code = recording.ticket_for(registration).code
    db.session.commit()
    return code


def check_in(client, event, code=None, slot=0, registration_id=None, url=None):  # slot 0: arrival at the event
    data = {"slot": str(slot)}
    if code is not None:
        data["code"] = code
    if registration_id is not None:
        data["registration_id"] = str(registration_id)
    return submit(client, url or desk_url(event), data, form_url=desk_url(event))


def answer(response) -> dict:
    """The desk's answer panel: its outcome and its text, as a person reads it."""
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    match = re.search(
        r'<div class="desk-answer desk-answer-(\w+)" data-testid="desk-answer" data-outcome="(\w+)">(.*?)</div>',
        page,
        re.S,
    )
    assert match, page
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(3))).split())
    return {"tone": match.group(1), "outcome": match.group(2), "text": text, "page": page}


def marks() -> list[Attendance]:
    db.session.commit()  # a fresh snapshot: the desk wrote in other connections
    db.session.expire_all()
    return db.session.scalars(db.select(Attendance).order_by(Attendance.id)).all()


# --- checking in -------------------------------------------------------------------------------


def test_staff_check_in_a_typed_code_and_see_a_green_answer_with_both_names_and_organisation(
    app, make_user, make_event
):
    event = make_event()
    staff = staff_of(event, make_user)
    registration = participant(make_user, event)
    client = as_user(app, staff)

    shown = answer(check_in(client, event, code_of(registration)))

    assert (shown["tone"], shown["outcome"]) == ("success", "checked_in")
    assert shown["text"].startswith("✓ Checked in Li Wei 李伟 Ministry of Human Resources and Social Security · China")
    assert "Arrival at the event" in shown["text"]
    assert re.search(
        r'id="desk-answer" role="status" aria-live="polite"[^>]*>\s*<div class="desk-answer desk-answer-success"',
        shown["page"],
    )
    [mark] = marks()
    assert (mark.registration_id, mark.slot, mark.session_id, mark.method, mark.recorded_by_id, mark.present) == (
        registration.id,
        ARRIVAL,
        None,
        Method.SCAN,
        staff.id,
        True,
    )


def test_a_code_is_read_however_it_is_typed(app, make_user, make_event):
    event = make_event()
    registration = participant(make_user, event)
    code = code_of(registration)
    typed = "  " + "-".join(code[i : i + 4] for i in range(0, 16, 4)).lower() + " "

    shown = answer(check_in(as_user(app, event.organisers[0]), event, typed))

    assert shown["outcome"] == "checked_in"
    assert len(marks()) == 1


def test_scanning_again_says_already_checked_in_when_in_the_events_zone_and_by_whom(app, make_user, make_event):
    event = make_event(timezone="Asia/Shanghai")
    first, second = staff_of(event, make_user, "Zhou Min"), staff_of(event, make_user, "Paul Desk")
    registration = participant(make_user, event)
    code = code_of(registration)
    answer(check_in(as_user(app, first), event, code))
    recorded_at = marks()[0].recorded_at

    shown = answer(check_in(as_user(app, second), event, code))

    local = recorded_at.astimezone(ZoneInfo("Asia/Shanghai"))
    in_utc = recorded_at.astimezone(ZoneInfo("UTC"))
    assert (shown["tone"], shown["outcome"]) == ("warning", "already")
    assert f"Already checked in at {local.hour % 12 or 12}:{local.minute:02d}" in shown["text"]
    assert f"at {in_utc.hour % 12 or 12}:{in_utc.minute:02d}" not in shown["text"]
    assert "by Zhou Min" in shown["text"] and "Li Wei" in shown["text"]
    [mark] = marks()
    assert mark.recorded_by_id == first.id
    assert db.session.scalar(db.select(db.func.count()).select_from(AttendanceChange)) == 1


def test_sending_the_same_form_again_records_nothing_new(app, make_user, make_event):
    event = make_event()
    registration = participant(make_user, event)
    client = as_user(app, event.organisers[0])
    code = code_of(registration)

    outcomes = [answer(check_in(client, event, code))["outcome"] for _ in range(3)]

    assert outcomes == ["checked_in", "already", "already"]
    assert len(marks()) == 1


def test_a_session_is_checked_in_apart_from_arrival(app, make_user, make_event, make_session):
    event = make_event()
    session = make_session(event, title="Labour inspection in practice")
    registration = participant(make_user, event)
    client = as_user(app, staff_of(event, make_user))
    code = code_of(registration)
    answer(check_in(client, event, code))

    shown = answer(check_in(client, event, code, slot=session.id))

    assert shown["outcome"] == "checked_in" and "Labour inspection in practice" in shown["text"]
    assert sorted((m.slot, m.session_id) for m in marks()) == [(ARRIVAL, None), (session.id, session.id)]
    page = client.get(f"{desk_url(event)}?slot={session.id}").get_data(as_text=True)
    assert re.search(rf'<option value="{session.id}" selected>', page)


def test_the_desk_opens_on_the_session_happening_now(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1, days=3)
    make_session(event, title="Yesterday", start=utcnow() - timedelta(days=1))
    now = make_session(event, title="Happening now", start=utcnow() - timedelta(minutes=30))
    cancelled = make_session(event, title="Cancelled one", start=utcnow() - timedelta(minutes=10), cancelled=True)
    client = as_user(app, event.organisers[0])

    page = client.get(desk_url(event)).get_data(as_text=True)

    assert re.search(rf'<option value="{now.id}" selected>', page)
    assert "Cancelled one" not in page
    assert re.search(r'<option value="0" selected>', client.get(f"{desk_url(event)}?slot=0").get_data(as_text=True))
    assert f'value="{cancelled.id}"' not in page


# --- search by name ----------------------------------------------------------------------------


def test_staff_find_a_person_by_name_in_either_script_and_check_them_in(app, make_user, make_event):
    event = make_event()
    li = participant(make_user, event, "Li Wei", "李伟")
    participant(make_user, event, "Anna Schmidt", "")
    participant(make_user, event, "Li Gone", "李去", State.CANCELLED)
    participant(make_user, make_event(), "Li Other Event", "李另")
    client = as_user(app, staff_of(event, make_user))

    results = client.get(f"{desk_url(event)}?q=李").get_data(as_text=True)
    shown = answer(check_in(client, event, registration_id=li.id, url=f"{desk_url(event)}?q=李"))

    listed = re.search(r'data-testid="desk-results">(.*?)</ul>', results, re.S).group(1)
    assert (
        "Li Wei" in listed and "Li Gone" in listed and "Anna Schmidt" not in listed and "Li Other Event" not in listed
    )
    gone_row = re.search(r'data-registration="\d+">((?:(?!</li>).)*Li Gone.*?)</li>', listed, re.S).group(1)
    assert "Cancelled" in gone_row and "Check in" not in gone_row  # no button: the state says why
    assert shown["outcome"] == "checked_in" and "Li Wei" in shown["text"]
    assert "Checked in at" in re.search(r'data-testid="desk-results">(.*?)</ul>', shown["page"], re.S).group(
        1
    )  # the list, again, with the mark
    assert [m.registration_id for m in marks()] == [li.id]
    assert "Nobody registered for this event matches “Nobody”." in client.get(f"{desk_url(event)}?q=Nobody").get_data(
        as_text=True
    )


# --- bad input -----------------------------------------------------------------------------------


def test_a_code_of_another_event_is_not_registered_here_and_says_nothing_about_the_person(app, make_user, make_event):
    event, other = make_event(), make_event()
    theirs = participant(make_user, other, "Other Person", "别人")
    client = as_user(app, staff_of(event, make_user))

    shown = answer(check_in(client, event, code_of(theirs)))
    by_id = answer(check_in(client, event, registration_id=theirs.id))

    assert (shown["tone"], shown["outcome"]) == ("danger", "not_this_event")
    assert "Not registered for this event" in shown["text"]
    assert "Other Person" not in shown["page"] and "别人" not in shown["page"]
    assert by_id["outcome"] == "not_this_event"
    assert marks() == []


def test_a_malformed_or_very_long_code_is_unknown_and_records_nothing(app, make_user, make_event):
    event = make_event()
    participant(make_user, event)
    client = as_user(app, staff_of(event, make_user))

    for typed in (
        "<script>alert(1)</script>",
        "'; DROP TABLE attendance; --",
        "%00\x00é漢",
        "ABCDEFGHJKMNPQRS",
        "Z" * 10_000,
    ):
        shown = answer(check_in(client, event, typed))
        assert (shown["tone"], shown["outcome"]) == ("danger", "unknown"), typed
        assert "Unknown code" in shown["text"]
        assert re.search(
            r'<input[^>]* name="code"[^>]* value=""', shown["page"]
        )  # the field is empty for the next badge
    assert "Z" * 100 not in shown["page"]
    assert marks() == []


def test_nothing_to_check_in_asks_for_a_code(app, make_user, make_event):
    event = make_event()
    client = as_user(app, staff_of(event, make_user))

    page = check_in(client, event, "   ").get_data(as_text=True)

    assert "Scan a badge, type its code or search for the name." in page
    assert 'data-testid="desk-answer"' not in page
    assert marks() == []


def test_a_cancelled_or_waitlisted_registration_is_refused_with_its_state(app, make_user, make_event):
    event = make_event()
    cancelled = participant(make_user, event, "Gone Person", "", State.CANCELLED)
    waitlisted = participant(make_user, event, "Waiting Person", "", State.WAITLISTED)
    pending = participant(make_user, event, "Pending Person", "", State.PENDING)
    client = as_user(app, staff_of(event, make_user))

    by_code = answer(check_in(client, event, code_of(cancelled)))
    by_name = answer(check_in(client, event, registration_id=waitlisted.id))
    by_pending = answer(check_in(client, event, code_of(pending)))

    assert (by_code["tone"], by_code["outcome"]) == ("danger", "not_confirmed")
    assert "Registration cancelled" in by_code["text"] and "Gone Person" in by_code["text"]
    assert "Registration waitlisted" in by_name["text"] and "Waiting Person" in by_name["text"]
    assert "Registration pending approval" in by_pending["text"]
    assert "Nothing is recorded" in by_code["text"]
    assert marks() == []


def test_a_registration_cancelled_after_its_badge_was_printed_is_refused(app, make_user, make_event):
    event = make_event()
    registration = participant(make_user, event)
    code = code_of(registration)
    registration.state = State.CANCELLED
    db.session.commit()

    shown = answer(check_in(as_user(app, event.organisers[0]), event, code))

    assert "Registration cancelled" in shown["text"]
    assert marks() == []


def test_a_session_of_another_event_or_a_cancelled_one_cannot_be_chosen(app, make_user, make_event, make_session):
    event, other = make_event(), make_event()
    theirs = make_session(other, title="Their session")
    cancelled = make_session(event, title="Called off", cancelled=True)
    registration = participant(make_user, event)
    client = as_user(app, staff_of(event, make_user))
    code = code_of(registration)

    elsewhere = check_in(client, event, code, slot=theirs.id).get_data(as_text=True)
    called_off = check_in(client, event, code, slot=cancelled.id).get_data(as_text=True)
    nonsense = check_in(client, event, code, slot="arrival").get_data(as_text=True)

    assert "Choose arrival or a session of this event." in elsewhere and "Their session" not in elsewhere
    assert "This session is cancelled: attendance cannot be recorded for it." in called_off
    assert "Not a valid integer value" in nonsense or "Choose arrival or a session of this event." in nonsense
    assert marks() == []


def test_a_session_renamed_or_cancelled_while_the_desk_is_open_shows_so_at_the_next_scan(
    app, make_user, make_event, make_session
):
    event = make_event()
    session = make_session(event, title="Labour inspection in practice")
    first, second = participant(make_user, event, "Li Wei"), participant(make_user, event, "Zhang Min", "张敏")
    client = as_user(app, staff_of(event, make_user))
    assert "Labour inspection in practice" in answer(check_in(client, event, code_of(first), slot=session.id))["text"]
    data = agenda.SessionData(
        title="Inspection visits", kind=session.kind, starts_at=session.starts_at, ends_at=session.ends_at
    )

    agenda.update_session(event.organisers[0], event.id, session.id, data)
    renamed = answer(check_in(client, event, code_of(second), slot=session.id))
    agenda.update_session(event.organisers[0], event.id, session.id, replace(data, cancelled=True))
    cancelled = check_in(client, event, code_of(first), slot=session.id).get_data(as_text=True)

    assert renamed["outcome"] == "checked_in" and "Inspection visits" in renamed["text"]
    assert "Labour inspection in practice" not in renamed["page"]
    assert "This session is cancelled: attendance cannot be recorded for it." in cancelled
    assert f'value="{session.id}"' not in client.get(desk_url(event)).get_data(as_text=True)
    assert sorted(m.registration_id for m in marks()) == sorted([first.id, second.id])


LIVE_PARTS = ("page-errors", "page-notices", "desk-answer-refused", "desk-answer", "desk-code", "desk-search")


def live_check_in(client, event, code, url=None):
    """What the desk's script (static/js/live-form.js) sends: the form, saying it replaces the parts alone."""
    data = {"slot": "0", "code": code}
    return submit(client, url or desk_url(event), data, form_url=desk_url(event), headers={"X-Live-Parts": "1"})


def test_the_desks_script_gets_the_answer_and_the_parts_it_replaces_and_nothing_else(app, make_user, make_event):
    event = make_event()
    staff = staff_of(event, make_user)
    registration = participant(make_user, event)
    client = as_user(app, staff)

    response = live_check_in(client, event, code_of(registration))

    shown = answer(response)
    assert (shown["tone"], shown["outcome"]) == ("success", "checked_in")
    assert shown["text"].startswith("✓ Checked in Li Wei 李伟")
    page = shown["page"]
    assert all(f'id="{part}"' in page for part in LIVE_PARTS)  # else the script loads the whole page
    assert "<title>Check-in desk · " in page and "<nav" not in page and 'id="slot"' not in page
    assert "X-Live-Parts" in response.headers["Vary"] and response.headers["Cache-Control"] == "private, no-store"
    whole = check_in(client, event, code_of(registration))  # without the script: the whole page, same answer
    assert answer(whole)["outcome"] == "already" and 'id="slot"' in whole.get_data(as_text=True)
    assert len(marks()) == 1


def test_each_scan_gets_back_the_code_box_and_search_of_its_own_session_and_language(
    app, make_user, make_event, make_session
):
    event = make_event()
    session = make_session(event, title="Module 1")
    staff = staff_of(event, make_user)
    first, second, third = (participant(make_user, event, name, "") for name in ("Li Wei", "Zhang Min", "Wang Fang"))
    client = as_user(app, staff)
    live = {"X-Live-Parts": "1"}

    at_arrival = answer(live_check_in(client, event, code_of(first)))["page"]
    data = {"slot": str(session.id), "code": code_of(second)}
    at_session = answer(submit(client, desk_url(event), data, form_url=desk_url(event), headers=live))["page"]
    staff.locale = "zh"
    db.session.commit()
    in_chinese = answer(live_check_in(client, event, code_of(third)))["page"]

    search = re.compile(r'id="desk-search".*?name="slot" value="(\d+)"', re.S)
    assert search.search(at_arrival).group(1) == "0" and search.search(at_session).group(1) == str(session.id)
    assert "Ticket code" in at_arrival and "Ticket code" not in in_chinese and "胸牌编码" in in_chinese
    assert len(marks()) == 3


def test_a_refusal_reaches_the_desks_script_in_its_alert_part(app, make_user, make_event):
    event = make_event()
    client = as_user(app, staff_of(event, make_user))

    shown = answer(live_check_in(client, event, "NOT-A-CODE"))

    assert (shown["tone"], shown["outcome"]) == ("danger", "unknown")
    assert re.search(
        r'id="desk-answer-refused" role="alert"[^>]*>\s*<div class="desk-answer desk-answer-danger"', shown["page"]
    )
    assert marks() == []


def test_another_events_staff_get_403_and_no_parts_from_the_desks_script(app, make_user, make_event):
    event_a, event_b = make_event(), make_event()
    client = as_user(app, staff_of(event_a, make_user))
    code_b = code_of(participant(make_user, event_b))

    response = live_check_in(client, event_b, code_b, url=desk_url(event_b))

    assert response.status_code == 403 and 'id="desk-answer"' not in response.get_data(as_text=True)
    assert marks() == []


def test_staff_of_one_event_cannot_use_another_events_desk(app, make_user, make_event):
    event_a, event_b = make_event(), make_event()
    draft = make_event(status=EventStatus.DRAFT)
    staff_a = staff_of(event_a, make_user)
    add_staff(draft, staff_a)  # staff of a draft: it has no desk until it is published
    in_b, in_draft = participant(make_user, event_b), participant(make_user, draft)
    client = as_user(app, staff_a)
    code_b, code_draft = code_of(in_b), code_of(in_draft)

    assert client.get(desk_url(event_b)).status_code == 403
    assert client.get(desk_url(draft)).status_code == 404
    # with event A's form token, to event B's desk
    assert check_in(client, event_b, code_b, url=desk_url(event_b)).status_code == 403
    assert (
        submit(client, desk_url(event_b), {"slot": "0", "code": code_b}, form_url=desk_url(event_a)).status_code == 403
    )
    assert (
        submit(client, desk_url(draft), {"slot": "0", "code": code_draft}, form_url=desk_url(event_a)).status_code
        == 404
    )
    assert (
        submit(
            client, desk_url(event_b), {"slot": "0", "registration_id": str(in_b.id)}, form_url=desk_url(event_a)
        ).status_code
        == 403
    )
    assert marks() == []


def test_only_organisers_and_the_events_check_in_staff_open_the_desk(app, make_user, make_event, client):
    event = make_event()
    draft = make_event(status=EventStatus.DRAFT)
    confirmed = participant(make_user, event)

    assert client.get(desk_url(event)).status_code == 302  # to the login page
    assert "/login" in client.get(desk_url(event)).headers["Location"]
    assert client.post(desk_url(event), data={"slot": "0", "code": code_of(confirmed)}).status_code in (302, 400)
    assert as_user(app, confirmed.user).get(desk_url(event)).status_code == 403
    assert as_user(app, make_user()).get(desk_url(event)).status_code == 403
    assert as_user(app, make_user()).get(desk_url(draft)).status_code == 404
    assert as_user(app, staff_of(event, make_user)).get(desk_url(event)).status_code == 200
    assert as_user(app, event.organisers[0]).get(desk_url(event)).status_code == 200
    assert as_user(app, draft.organisers[0]).get(desk_url(draft)).status_code == 200
    assert as_user(app, make_user(is_admin=True)).get(desk_url(event)).status_code == 200
    assert marks() == []


def test_a_participant_cannot_check_themselves_in_at_the_desk(app, make_user, make_event):
    event = make_event()
    me = participant(make_user, event)
    client = as_user(app, me.user)

    response = submit(client, desk_url(event), {"slot": "0", "code": code_of(me)}, form_url="/registrations")

    assert response.status_code == 403
    assert marks() == []


# --- the page ----------------------------------------------------------------------------------


def test_the_desk_works_without_javascript_and_scans_with_a_vendored_decoder(app, make_user, make_event):
    event = make_event()
    page = as_user(app, event.organisers[0]).get(desk_url(event))
    text = page.get_data(as_text=True)

    assert page.headers["Cache-Control"] == "private, no-store"
    assert re.search(r'<form method="post" action="/events/[\w-]+/check-in"', text) and 'name="code"' in text
    assert re.search(r'<form method="get" action="/events/[\w-]+/check-in" role="search"', text)
    assert re.search(r"<div class=\"desk-camera mb-3\" data-camera hidden", text)  # shown by the script only
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    scripts = [src.partition("?")[0] for src in re.findall(r'<script src="([^"]+)"', text)]
    assert "/static/vendor/jsqr/jsQR.js" in scripts and "/static/js/check-in-scan.js" in scripts
    assert all(src.startswith("/static/") for src in scripts)  # no CDN
    assert (STATIC / "vendor/jsqr/jsQR.js").stat().st_size > 100_000
    assert "Apache License" in (STATIC / "vendor/jsqr/LICENSE").read_text()
    script = (STATIC / "js/check-in-scan.js").read_text()
    assert "getUserMedia" in script and "jsQR(" in script and "form.submit()" in script


# --- check-in staff ------------------------------------------------------------------------------


def test_an_organiser_names_check_in_staff_by_email_and_removes_them(app, make_user, make_event):
    event = make_event()
    person = make_user(email="zhou.min@example.org", full_name="Zhou Min")
    organiser = as_user(app, event.organisers[0])

    added = submit(organiser, staff_url(event), {"email": "  Zhou.Min@Example.org "}, follow_redirects=True).get_data(
        as_text=True
    )
    again = submit(organiser, staff_url(event), {"email": "zhou.min@example.org"}, follow_redirects=True).get_data(
        as_text=True
    )
    desk_as_staff = as_user(app, person).get(desk_url(event)).status_code

    assert "Zhou Min is now check-in staff of this event." in added and "zhou.min@example.org" in added
    assert "Zhou Min is check-in staff of this event already." in again
    assert desk_as_staff == 200
    removed = submit(
        organiser, f"{staff_url(event)}/{person.id}/remove", {}, form_url=staff_url(event), follow_redirects=True
    ).get_data(as_text=True)
    assert "The person is no longer check-in staff of this event." in removed and "No check-in staff yet." in removed
    assert as_user(app, person).get(desk_url(event)).status_code == 403


def test_an_unknown_email_or_an_organiser_is_not_added(app, make_user, make_event):
    event = make_event()
    organiser = as_user(app, event.organisers[0])

    unknown = submit(organiser, staff_url(event), {"email": "nobody@example.org"}).get_data(as_text=True)
    themselves = submit(organiser, staff_url(event), {"email": event.organisers[0].email}).get_data(as_text=True)
    malformed = submit(organiser, staff_url(event), {"email": "not an address"}).get_data(as_text=True)

    assert (
        "No account has this e-mail address. Ask the person to sign up first." in unknown
        and 'value="nobody@example.org"' in unknown
    )
    assert "organises this event and can check people in already." in themselves
    assert "Invalid email address." in malformed
    assert db.session.execute(db.select(check_in_staff)).all() == []


def test_only_organisers_name_check_in_staff(app, make_user, make_event, client):
    event = make_event()
    staff, someone = staff_of(event, make_user), make_user(email="someone@example.org")
    as_staff = as_user(app, staff)

    assert client.get(staff_url(event)).status_code == 302
    assert as_staff.get(staff_url(event)).status_code == 403
    assert (
        submit(as_staff, staff_url(event), {"email": "someone@example.org"}, form_url=desk_url(event)).status_code
        == 403
    )
    assert submit(as_staff, f"{staff_url(event)}/{staff.id}/remove", {}, form_url=desk_url(event)).status_code == 403
    assert as_user(app, make_user()).get(staff_url(make_event(status=EventStatus.DRAFT))).status_code == 404
    rows = db.session.execute(db.select(check_in_staff.c.user_id)).scalars().all()
    assert rows == [staff.id] and someone.id not in rows


# --- the camera, in a browser ------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


def camera_showing(path: Path, text: str, width: int = 640, height: int = 480) -> Path:
    """A Y4M video (Chromium's fake camera) of ``text``'s QR code, black on white, in the middle."""
    matrix = qr_modules(text, "q")
    scale, quiet = 12, 4
    side = (len(matrix) + 2 * quiet) * scale
    left, top = (width - side) // 2, (height - side) // 2
    luma = bytearray([235]) * (width * height)
    for row_number, row in enumerate(matrix):
        for column, dark in enumerate(row):
            if dark:
                for y in range(top + (row_number + quiet) * scale, top + (row_number + quiet + 1) * scale):
                    start = y * width + left + (column + quiet) * scale
                    luma[start : start + scale] = bytes([16]) * scale
    chroma = bytes([128]) * (width * height // 4)
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _frame in range(10):
            video.write(b"FRAME\n" + bytes(luma) + chroma + chroma)
    return path


@pytest.mark.browser
def test_the_camera_reads_the_badge_fills_the_code_and_the_desk_answers(
    app, live_url, make_user, make_event, tmp_path, request
):
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is not installed at {CHROMIUM}")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    playwright = request.getfixturevalue("playwright_driver")

    event = make_event()
    staff = staff_of(event, make_user, "Zhou Min")
    registration = participant(make_user, event)
    camera = camera_showing(tmp_path / "camera.y4m", code_of(registration))

    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={camera}",
        ],
    )
    try:
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        context.grant_permissions(["camera"], origin=live_url)
        page = context.new_page()
        blocked = []  # what the Content-Security-Policy blocks, as the browser reports it
        page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))
        page.goto(f"{live_url}/login")
        page.fill("input[name=email]", staff.email)
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_url(re.compile(r"^(?!.*/login)"))
        page.goto(f"{live_url}{desk_url(event)}")
        assert page.is_hidden("[data-without-js]")  # the session list reloads the desk by itself
        page.click("[data-camera-start]")
        page.wait_for_selector("[data-testid=desk-answer][data-outcome=checked_in]", timeout=30_000)
        shown = " ".join(page.inner_text("[data-testid=desk-answer]").split())
        page.wait_for_selector("video", state="visible", timeout=15_000)  # the camera starts again for the next badge
    finally:
        browser.close()

    assert shown.startswith("✓ Checked in Li Wei 李伟 Ministry of Human Resources and Social Security")
    assert blocked == []
    [mark] = marks()
    assert (mark.registration_id, mark.method, mark.recorded_by_id) == (registration.id, Method.SCAN, staff.id)
