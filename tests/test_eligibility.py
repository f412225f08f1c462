"""Certificate eligibility: the event's rule (a share of the programme's time slots, hours, or both),
set by organisers, shown to them per participant with the reason, and to each participant on their
own registration page."""

from datetime import timedelta

from workshop.agenda.models import SessionKind
from workshop.attendance import recording
from workshop.attendance.eligibility import Rule, eligibility, eligibility_of, for_participant
from workshop.attendance.models import CertificateRule, Method
from workshop.events.models import EventStatus
from workshop.extensions import db
from workshop.registration.states import State

from .conftest import as_user, make_registration, submit


def rule_url(event) -> str:
    return f"/manage/events/{event.slug}/certificate-rule"


def statistics_url(event) -> str:
    return f"/manage/events/{event.slug}/attendance"


def page_of(registration) -> str:
    return f"/registrations/{registration.id}"


def participant(make_user, event, full_name="Li Wei", native_name="李伟", state=None):
    return make_registration(event, make_user(full_name=full_name, native_name=native_name), state)


def mark(event, registration, *sessions):
    for session in sessions:
        answer = recording.mark_present(event, registration, session, Method.ROSTER, event.organisers[0])
        assert answer.outcome is recording.Outcome.CHECKED_IN


def set_rule(event, min_percent=None, min_hours=None):
    db.session.add(CertificateRule(event_id=event.id, min_percent=min_percent, min_hours=min_hours))
    db.session.commit()


def stored_rule(event):
    db.session.expire_all()
    row = db.session.scalar(db.select(CertificateRule).where(CertificateRule.event_id == event.id))
    return None if row is None else (row.min_percent, row.min_hours)


def ten_sessions(event, make_session):
    """Ten one-hour sessions that count, a lunch that does not, and a cancelled session."""
    start = event.starts_at
    sessions = [
        make_session(event, f"Session {n + 1}", start=start + timedelta(hours=n), minutes=60) for n in range(10)
    ]
    make_session(
        event,
        "Lunch",
        kind=SessionKind.MEAL,
        start=start + timedelta(hours=11),
        minutes=60,
        counts_for_attendance=False,
    )
    make_session(event, "Cancelled session", start=start + timedelta(hours=12), minutes=60, cancelled=True)
    return sessions


def session_titled(event, title):
    from workshop.agenda.models import AgendaSession

    sessions = db.session.scalars(db.select(AgendaSession).where(AgendaSession.event_id == event.id))
    return next(session for session in sessions if session.title == title)


def reason_of(page: str, registration) -> str:
    start = page.index(f'data-registration="{registration.id}"')
    row = page[start : page.index("</tr>", start)]
    return row[row.index('data-testid="eligibility"') :]


# --- the verdict and its reason ------------------------------------------------------------------


def test_a_share_of_sessions_makes_eligible_and_the_others_are_told_what_is_missing(
    app, make_user, make_event, make_session
):
    event = make_event(starts_in_days=-1)
    sessions = ten_sessions(event, make_session)
    set_rule(event, min_percent=80)
    good = participant(make_user, event, "Li Wei")
    short = participant(make_user, event, "Anna Schmidt", "")
    mark(event, good, *sessions[:8])
    mark(event, short, *sessions[:7])
    mark(event, short, None, session_titled(event, "Lunch"))  # arrival and a session that does not count add nothing

    page = as_user(app, event.organisers[0]).get(statistics_url(event)).get_data(as_text=True)

    assert "Eligible: present in 8 of 10 time slots (80 %)<" in reason_of(page, good)
    assert "Not eligible: present in 7 of 10 time slots (70 %), 8 needed<" in reason_of(page, short)
    assert "Eligible: 1 of 2." in page
    verdicts = eligibility(event)
    assert set(verdicts) == {good.id, short.id}
    assert verdicts[good.id].eligible and not verdicts[short.id].eligible


def test_hours_make_eligible_and_the_reason_gives_hours(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1)
    long_one = make_session(event, "Training day", start=event.starts_at, minutes=300)
    short_one = make_session(event, "Closing", start=event.starts_at + timedelta(hours=6), minutes=30)
    other = make_session(event, "Study visit", start=event.starts_at + timedelta(hours=7), minutes=60)
    set_rule(event, min_hours=6)
    enough = participant(make_user, event, "Li Wei")
    almost = participant(make_user, event, "Anna Schmidt", "")
    mark(event, enough, long_one, other)
    mark(event, almost, long_one, short_one)

    assert eligibility_of(enough).eligible
    verdict = eligibility_of(almost)
    assert not verdict.eligible
    page = as_user(app, event.organisers[0]).get(statistics_url(event)).get_data(as_text=True)
    assert "5.5 h of 6 h needed" in reason_of(page, almost)
    assert "6 h attended; 6 h needed" in reason_of(page, enough)


def test_with_both_a_share_and_hours_both_must_hold(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1)
    long_one = make_session(event, "Long", start=event.starts_at, minutes=240)
    shorts = [
        make_session(event, f"Short {n}", start=event.starts_at + timedelta(hours=5 + n), minutes=30) for n in range(3)
    ]
    set_rule(event, min_percent=50, min_hours=3)
    many_short = participant(make_user, event, "Many Short", "")
    one_long = participant(make_user, event, "One Long", "")
    both = participant(make_user, event, "Both", "")
    mark(event, many_short, *shorts)  # 75 %, 1.5 h
    mark(event, one_long, long_one)  # 25 %, 4 h
    mark(event, both, long_one, shorts[0])  # 50 %, 4.5 h

    verdicts = eligibility(event)

    assert [verdicts[r.id].eligible for r in (many_short, one_long, both)] == [False, False, True]
    assert [str(reason) for reason in verdicts[many_short.id].reasons] == [
        "present in 3 of 4 time slots (75 %)",
        "1.5 h of 3 h needed",
    ]
    assert verdicts[one_long.id].reason == "present in 1 of 4 time slots (25 %), 2 needed · 4 h attended; 3 h needed"


def test_without_a_rule_nobody_is_eligible_and_the_page_says_so(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1)
    session = make_session(event)
    registration = participant(make_user, event)
    mark(event, registration, session)

    page = as_user(app, event.organisers[0]).get(statistics_url(event)).get_data(as_text=True)

    assert "No certificate rule is set for this event yet, so nobody is eligible for a certificate." in page
    assert "Not eligible: no certificate rule is set for this event yet<" in reason_of(page, registration)
    assert not eligibility(event)[registration.id].eligible
    assert eligibility_of(registration).rule is None


def test_cancelled_sessions_and_sessions_that_do_not_count_are_left_out_of_both_sides(
    app, make_user, make_event, make_session
):
    event = make_event(starts_in_days=-1)
    counting = make_session(event, "Counts", start=event.starts_at)
    lunch = make_session(event, "Lunch", start=event.starts_at + timedelta(hours=2), counts_for_attendance=False)
    dropped = make_session(event, "Dropped", start=event.starts_at + timedelta(hours=4))
    set_rule(event, min_percent=100)
    registration = participant(make_user, event)
    mark(event, registration, counting, lunch, dropped)
    dropped.cancelled = True  # cancelled after it was marked
    db.session.commit()

    verdict = eligibility_of(registration)

    assert (verdict.sessions_attended, verdict.sessions_counted, verdict.hours_attended, verdict.hours_counted) == (
        1,
        1,
        1.5,
        1.5,
    )
    assert verdict.eligible


def test_an_undone_mark_does_not_count(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1)
    session = make_session(event)
    set_rule(event, min_percent=100)
    registration = participant(make_user, event)
    mark(event, registration, session)
    recording.undo_mark(recording.attendance_of(registration.id, session.id), Method.ROSTER, None)

    verdict = eligibility_of(registration)

    assert (verdict.sessions_attended, verdict.eligible) == (0, False)
    assert verdict.reason == "present in 0 of 1 time slots (0 %), 1 needed"


def test_a_registration_that_is_not_confirmed_is_not_eligible_and_is_told_why(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1)
    session = make_session(event)
    set_rule(event, min_percent=50)
    registration = participant(make_user, event)
    mark(event, registration, session)
    registration.state = State.CANCELLED
    db.session.commit()

    verdict = eligibility_of(registration)

    assert not verdict.eligible
    assert str(verdict.standing) == "Not eligible: not confirmed"
    assert registration.id not in eligibility(event)


def test_the_share_is_rounded_down_so_it_never_reads_as_met_when_it_is_not(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1)
    sessions = [make_session(event, f"S{n}", start=event.starts_at + timedelta(hours=n), minutes=60) for n in range(3)]
    set_rule(event, min_percent=67)
    registration = participant(make_user, event)
    mark(event, registration, *sessions[:2])  # 66.7 %

    verdict = eligibility_of(registration)

    assert not verdict.eligible and verdict.reason == "present in 2 of 3 time slots (66 %), 3 needed"


def test_the_organiser_filters_eligible_and_not_eligible(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1)
    session = make_session(event)
    set_rule(event, min_percent=100)
    there = participant(make_user, event, "Present Person", "")
    participant(make_user, event, "Absent Person", "")
    mark(event, there, session)
    client = as_user(app, event.organisers[0])

    eligible = client.get(statistics_url(event) + "?show=eligible").get_data(as_text=True)
    not_eligible = client.get(statistics_url(event) + "?show=not_eligible").get_data(as_text=True)

    assert "Present Person" in eligible and "Absent Person" not in eligible
    assert "Absent Person" in not_eligible and "Present Person" not in not_eligible


# --- the rule, set by organisers -----------------------------------------------------------------


def test_an_organiser_sets_changes_and_removes_the_rule(app, make_user, make_event, make_session):
    event = make_event()
    make_session(event, minutes=600)
    client = as_user(app, event.organisers[0])
    assert "No rule is set yet" in client.get(rule_url(event)).get_data(as_text=True)

    response = submit(client, rule_url(event), {"min_percent": "80", "min_hours": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith(statistics_url(event))
    assert stored_rule(event) == (80, None)
    assert "The certificate rule is saved." in client.get(response.headers["Location"]).get_data(as_text=True)

    submit(client, rule_url(event), {"min_percent": "75 %", "min_hours": "5,5"})
    assert stored_rule(event) == (75, 5.5)
    form = client.get(rule_url(event)).get_data(as_text=True)
    assert 'value="75"' in form and 'value="5.5"' in form
    assert "Present in at least 75 % of the programme&#39;s time slots, and for at least 5.5 hours in all." in form

    response = submit(client, rule_url(event), {"min_percent": "", "min_hours": ""})
    assert stored_rule(event) is None
    assert "The certificate rule is removed" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_bad_rule_values_get_a_clear_message_and_change_nothing(app, make_user, make_event, make_session):
    event = make_event()
    make_session(event, minutes=360)  # 6 hours in all
    make_session(event, "Dinner", start=event.starts_at + timedelta(hours=8), minutes=120, counts_for_attendance=False)
    set_rule(event, min_percent=80)
    client = as_user(app, event.organisers[0])
    cases = [
        ({"min_percent": "0"}, "Type a whole number from 1 to 100."),
        ({"min_percent": "101"}, "Type a whole number from 1 to 100."),
        ({"min_percent": "-5"}, "Type a whole number from 1 to 100."),
        ({"min_percent": "eighty"}, "Type a whole number from 1 to 100."),
        ({"min_percent": "80.5"}, "Type a whole number from 1 to 100."),
        ({"min_hours": "0"}, "Type a number of hours greater than 0."),
        ({"min_hours": "-1"}, "Type a number of hours greater than 0."),
        ({"min_hours": "lots"}, "Type a number of hours, e.g. 12 or 5.5."),
        ({"min_hours": "NaN"}, "Type a number of hours, e.g. 12 or 5.5."),
        ({"min_hours": "7"}, "The programme&#39;s time slots add up to 6 hours: ask for no more than that."),
    ]
    for data, message in cases:
        typed = next(iter(data.values()))
        response = submit(client, rule_url(event), {"min_percent": "", "min_hours": "", **data})
        page = response.get_data(as_text=True)
        assert response.status_code == 200, data
        assert message in page, data
        assert f'value="{typed}"' in page, data  # what was typed is kept
        assert stored_rule(event) == (80, None), data


def test_two_mistakes_are_both_shown_at_once(app, make_user, make_event, make_session):
    event = make_event()
    make_session(event)
    client = as_user(app, event.organisers[0])

    page = submit(client, rule_url(event), {"min_percent": "150", "min_hours": "0"}).get_data(as_text=True)

    assert "Type a whole number from 1 to 100." in page and "Type a number of hours greater than 0." in page
    assert stored_rule(event) is None


def test_hours_cannot_be_asked_for_while_no_session_counts(app, make_user, make_event, make_session):
    event = make_event()
    make_session(event, counts_for_attendance=False)
    client = as_user(app, event.organisers[0])

    page = submit(client, rule_url(event), {"min_percent": "", "min_hours": "2"}).get_data(as_text=True)

    assert "No session counts for attendance yet, so no hours can be asked for." in page
    assert stored_rule(event) is None


def test_only_the_events_organisers_see_and_set_the_rule(app, client, make_user, make_event, make_session):
    event = make_event()
    make_session(event)
    set_rule(event, min_percent=80)
    confirmed = participant(make_user, event)
    other_organiser = make_event().organisers[0]
    draft = make_event(status=EventStatus.DRAFT)

    anonymous = client.get(rule_url(event))
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    for user in (confirmed.user, other_organiser):
        as_them = as_user(app, user)
        assert as_them.get(rule_url(event)).status_code == 403
        assert submit(as_them, rule_url(event), {"min_percent": "10"}, form_url="/").status_code == 403
        assert as_them.get(rule_url(draft)).status_code == 404
    assert stored_rule(event) == (80, None)


def test_the_service_checks_the_values_itself(app, make_event, make_session):
    import pytest

    from workshop.attendance.eligibility import set_rule as set_event_rule
    from workshop.errors import DomainError

    event = make_event()
    make_session(event, minutes=120)
    organiser = event.organisers[0]
    for percent, hours, field in (
        (0, None, "min_percent"),
        (101, None, "min_percent"),
        (None, 0, "min_hours"),
        (None, -2, "min_hours"),
        (None, 2.01, "min_hours"),
    ):
        with pytest.raises(DomainError) as error:
            set_event_rule(organiser, event, percent, hours)
        assert error.value.field == field
    assert stored_rule(event) is None
    assert set_event_rule(organiser, event, 100, 2) == Rule(100, 2.0)
    assert stored_rule(event) == (100, 2.0)


def test_the_service_refuses_someone_who_is_not_an_organiser(app, make_user, make_event):
    import pytest

    from workshop.attendance.eligibility import set_rule as set_event_rule
    from workshop.errors import Forbidden

    event = make_event()
    with pytest.raises(Forbidden):
        set_event_rule(make_user(), event, 50, None)
    assert stored_rule(event) is None


# --- the participant's own page ---------------------------------------------------------------------


def test_a_participant_sees_their_own_eligibility_once_the_event_has_started(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1, days=3)
    sessions = ten_sessions(event, make_session)
    set_rule(event, min_percent=80)
    mine = participant(make_user, event, "Li Wei")
    theirs = participant(make_user, event, "Anna Schmidt", "")
    mark(event, mine, *sessions[:3])
    mark(event, theirs, *sessions)
    client = as_user(app, mine.user)

    page = client.get(page_of(mine)).get_data(as_text=True)

    assert 'data-testid="my-eligibility"' in page
    assert "You do not meet the attendance rule for a certificate yet." in page
    assert "present in 3 of 10 time slots (30 %), 8 needed" in page
    assert "Present in at least 80 % of the programme&#39;s time slots." in page
    assert "10 of 10" not in page
    assert client.get(page_of(theirs)).status_code == 404  # nobody sees another person's page

    their_page = as_user(app, theirs.user).get(page_of(theirs)).get_data(as_text=True)
    assert (
        "You meet the attendance rule for a certificate." in their_page and "10 of 10 time slots (100 %)" in their_page
    )


def test_after_the_event_a_participant_who_missed_the_rule_is_told_so(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-5, days=2)
    make_session(event)
    set_rule(event, min_hours=1)
    registration = participant(make_user, event)

    page = as_user(app, registration.user).get(page_of(registration)).get_data(as_text=True)

    assert "You did not meet the attendance rule for a certificate." in page
    assert "0 h of 1 h needed" in page


def test_nothing_is_shown_before_the_event_without_a_rule_or_when_not_confirmed(
    app, make_user, make_event, make_session
):
    upcoming = make_event(starts_in_days=10)
    make_session(upcoming)
    set_rule(upcoming, min_percent=50)
    started_without_rule = make_event(starts_in_days=-1)
    make_session(started_without_rule)
    started = make_event(starts_in_days=-1)
    make_session(started)
    set_rule(started, min_percent=50)
    cases = [
        participant(make_user, upcoming),
        participant(make_user, started_without_rule),
        participant(make_user, started, state=State.WAITLISTED),
        participant(make_user, started, state=State.CANCELLED),
    ]
    cases[2].waitlist_seq = 1  # make_registration writes the state only
    db.session.commit()
    for registration in cases:
        page = as_user(app, registration.user).get(page_of(registration)).get_data(as_text=True)
        assert 'data-testid="state"' in page
        assert 'data-testid="my-eligibility"' not in page, registration.event.slug
        assert for_participant(registration) is None


def test_a_rule_with_neither_value_is_no_rule(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1)
    make_session(event)
    set_rule(event)
    registration = participant(make_user, event)

    assert eligibility_of(registration).rule is None
    assert for_participant(registration) is None
    assert Rule(80) == Rule(min_percent=80, min_hours=None)
