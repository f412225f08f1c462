"""Attendance counted against the programme's time slots: parallel sessions form one slot, a mark at
any of them makes a participant present in it, marks at two of them count once; the rule and each
participant's standing are said in words on the organisers' pages, in English and Chinese."""

from datetime import timedelta

from workshop.attendance.eligibility import eligibility, eligibility_of
from workshop.attendance.models import check_in_staff
from workshop.attendance.time_slots import covered_seconds, time_slots
from workshop.extensions import db
from workshop.registration.states import State

from .test_eligibility import as_user, mark, participant, reason_of, set_rule, statistics_url


def certificates_url(event) -> str:
    return f"/manage/events/{event.slug}/certificates"


def rule_url(event) -> str:
    return f"/manage/events/{event.slug}/certificate-rule"


def at(event, hours: float):
    return event.starts_at + timedelta(hours=hours)


def parallel_morning(event, make_session):
    """09:00 plenary; 10:00 two parallel workshops; 11:00 closing: three time slots, four sessions."""
    return (
        make_session(event, "Plenary", start=at(event, 0), minutes=60),
        make_session(event, "Track A", start=at(event, 1), minutes=60),
        make_session(event, "Track B", start=at(event, 1), minutes=60),
        make_session(event, "Closing", start=at(event, 2), minutes=60),
    )


def figures(verdict):
    return verdict.slots_attended, verdict.slots_counted, verdict.hours_attended, verdict.hours_counted


def test_two_parallel_sessions_are_one_slot_and_either_makes_a_participant_present(
    app, make_user, make_event, make_session
):
    event = make_event(starts_in_days=-1)
    plenary, track_a, track_b, closing = parallel_morning(event, make_session)
    set_rule(event, min_percent=100)
    in_a = participant(make_user, event, "In Track A", "")
    in_b = participant(make_user, event, "In Track B", "")
    missed_closing = participant(make_user, event, "Missed Closing", "")
    mark(event, in_a, plenary, track_a, closing)
    mark(event, in_b, plenary, track_b, closing)
    mark(event, missed_closing, plenary, track_a)

    verdicts = eligibility(event)

    assert figures(verdicts[in_a.id]) == (3, 3, 3.0, 3.0)
    assert figures(verdicts[in_b.id]) == (3, 3, 3.0, 3.0)
    assert verdicts[in_a.id].eligible and verdicts[in_b.id].eligible
    assert not verdicts[missed_closing.id].eligible
    assert str(verdicts[missed_closing.id].standing) == "Not eligible: present in 2 of 3 time slots (66 %), 3 needed"


def test_marks_at_both_parallel_sessions_count_once(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1)
    plenary, track_a, track_b, _closing = parallel_morning(event, make_session)
    set_rule(event, min_percent=100)
    both = participant(make_user, event)
    mark(event, both, plenary, track_a, track_b)

    verdict = eligibility_of(both)

    assert figures(verdict) == (2, 3, 2.0, 3.0)
    assert verdict.sessions_attended == 3 and verdict.sessions_counted == 4
    assert not verdict.eligible
    assert verdict.reason == "present in 2 of 3 time slots (66 %), 3 needed"
    assert figures(eligibility(event)[both.id]) == figures(verdict)  # the list and the single answer agree


def test_a_session_that_partly_overlaps_another_joins_its_slot(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1)
    first = make_session(event, "09:00-10:00", start=at(event, 0), minutes=60)
    overlapping = make_session(event, "09:30-11:00", start=at(event, 0.5), minutes=90)
    chained = make_session(event, "10:30-12:00", start=at(event, 1.5), minutes=90)
    touching = make_session(event, "12:00-13:00", start=at(event, 3), minutes=60)
    set_rule(event, min_percent=50)
    early = participant(make_user, event, "Early", "")
    late = participant(make_user, event, "Late", "")
    mark(event, early, first, overlapping)
    mark(event, late, chained, touching)

    slots = time_slots([first, overlapping, chained, touching])
    verdicts = eligibility(event)

    assert [sorted(slot.session_ids) for slot in slots] == [
        sorted([first.id, overlapping.id, chained.id]),
        [touching.id],
    ]
    assert [slot.seconds for slot in slots] == [3 * 3600, 3600]
    assert figures(verdicts[early.id]) == (1, 2, 2.0, 4.0)  # 09:00-11:00, the overlap once
    assert figures(verdicts[late.id]) == (2, 2, 2.5, 4.0)
    assert str(verdicts[early.id].standing) == "Eligible: present in 1 of 2 time slots (50 %)"


def test_a_programme_without_parallel_sessions_counts_as_it_did_per_session(app, make_user, make_event, make_session):
    event = make_event(starts_in_days=-1)
    sessions = [make_session(event, f"Session {n}", start=at(event, n), minutes=60) for n in range(10)]
    set_rule(event, min_percent=80, min_hours=8)
    nine = participant(make_user, event, "Nine", "")
    six = participant(make_user, event, "Six", "")
    mark(event, nine, *sessions[:9])
    mark(event, six, *sessions[:6])

    verdicts = eligibility(event)

    for registration, attended in ((nine, 9), (six, 6)):
        verdict = verdicts[registration.id]
        assert (verdict.slots_attended, verdict.slots_counted) == (verdict.sessions_attended, verdict.sessions_counted)
        assert (verdict.slots_attended, verdict.hours_attended, verdict.hours_counted) == (attended, attended, 10)
    assert str(verdicts[nine.id].standing) == (
        "Eligible: present in 9 of 10 time slots (90 %) · 9 h attended; 8 h needed"
    )
    assert str(verdicts[six.id].standing) == (
        "Not eligible: present in 6 of 10 time slots (60 %), 8 needed · 6 h of 8 h needed"
    )


def test_overlapping_time_is_counted_once():
    from datetime import datetime

    def t(hour, minute=0):
        return datetime(2026, 5, 1, hour, minute)

    assert covered_seconds([]) == 0
    assert covered_seconds([(t(9), t(10)), (t(9), t(10))]) == 3600
    assert covered_seconds([(t(9), t(10)), (t(9, 30), t(11)), (t(12), t(12, 30))]) == 2.5 * 3600
    assert covered_seconds([(t(9), t(10)), (t(10), t(11))]) == 2 * 3600


def test_hours_asked_for_are_capped_by_the_time_the_slots_cover(app, make_user, make_event, make_session):
    from .conftest import submit

    event = make_event(starts_in_days=-1)
    parallel_morning(event, make_session)  # four hours of sessions in three hours of programme
    client = as_user(app, event.organisers[0])

    page = submit(client, rule_url(event), {"min_percent": "", "min_hours": "4"}).get_data(as_text=True)

    assert "The programme&#39;s time slots add up to 3 hours: ask for no more than that." in page
    assert submit(client, rule_url(event), {"min_percent": "", "min_hours": "3"}).status_code == 302


# --- the standing and the rule, on the organisers' pages ---------------------------------------------


def test_the_certificates_list_and_the_attendance_page_give_each_standing_with_its_reason(
    app, make_user, make_event, make_session
):
    event = make_event(starts_in_days=-1)
    plenary, track_a, track_b, closing = parallel_morning(event, make_session)
    set_rule(event, min_percent=80)
    good = participant(make_user, event, "Good Standing", "")
    short = participant(make_user, event, "Short Standing", "")
    mark(event, good, plenary, track_b, closing)
    mark(event, short, track_a, track_b)
    client = as_user(app, event.organisers[0])

    certificates = client.get(certificates_url(event)).get_data(as_text=True)
    attendance = client.get(statistics_url(event)).get_data(as_text=True)

    for page in (certificates, attendance):
        assert "Eligible: present in 3 of 3 time slots (100 %)" in reason_of_row(page, good)
        assert "Not eligible: present in 1 of 3 time slots (33 %), 3 needed" in reason_of_row(page, short)
    assert "Present in at least 80 % of the programme&#39;s time slots." in attendance
    assert "Certificate rule:</strong> Present in at least 80 % of the programme&#39;s time slots." in certificates
    assert "Sessions that count for attendance: 4, in 3 time slots, 3 hours in all." in attendance
    assert "Eligible: present in 3 of 3 time slots" in reason_of(attendance, good)


def reason_of_row(page: str, registration) -> str:
    start = page.index(f'data-registration="{registration.id}"')
    return page[start : page.index("</tr>", start)]


def test_a_registration_that_is_not_confirmed_stands_not_eligible_because_not_confirmed(
    app, make_user, make_event, make_session
):
    event = make_event(starts_in_days=-1)
    plenary, *_ = parallel_morning(event, make_session)
    set_rule(event, min_percent=10)
    registration = participant(make_user, event, state=State.CANCELLED)

    assert str(eligibility_of(registration).standing) == "Not eligible: not confirmed"


def test_the_rule_page_says_the_rule_and_explains_time_slots_in_english_and_chinese(
    app, make_user, make_event, make_session
):
    event = make_event(starts_in_days=-1)
    parallel_morning(event, make_session)
    set_rule(event, min_percent=80)
    client = as_user(app, event.organisers[0])

    english = client.get(rule_url(event)).get_data(as_text=True)
    event.organisers[0].locale = "zh"
    db.session.commit()
    chinese = client.get(rule_url(event)).get_data(as_text=True)

    assert "Present in at least 80 % of the programme&#39;s time slots." in english
    assert "Sessions that run at the same time (parallel tracks) form one time slot" in english
    assert "Sessions that count for attendance: 4, in 3 time slots, 3 hours in all." in english
    assert "出席不少于 80% 的日程时段。" in chinese
    assert "同时进行的场次（平行分会场）合为一个时段" in chinese
    assert "计入出席统计的场次：4 个，分属 3 个时段，共 3 小时。" in chinese


def test_participants_check_in_staff_and_other_organisers_do_not_see_the_standings(
    app, client, make_user, make_event, make_session
):
    event = make_event(starts_in_days=-1)
    parallel_morning(event, make_session)
    set_rule(event, min_percent=80)
    confirmed = participant(make_user, event, "Li Wei")
    staff = make_user(full_name="Desk Person")
    db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=staff.id))
    db.session.commit()
    other_organiser = make_event().organisers[0]

    anonymous = client.get(certificates_url(event))
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    for user in (confirmed.user, staff, other_organiser):
        as_them = as_user(app, user)
        for url in (certificates_url(event), statistics_url(event), rule_url(event)):
            response = as_them.get(url)
            assert response.status_code in (403, 404), (user.full_name, url)
            assert "time slots" not in response.get_data(as_text=True)


def test_the_standings_need_as_many_queries_with_parallel_tracks_for_30_participants_as_for_4(
    app, make_user, make_event, make_session
):
    from .conftest import counted_statements

    organiser = make_user(can_create_events=True)
    client = as_user(app, organiser)
    counts = {}
    for people, hours in ((4, 2), (30, 8)):
        event = make_event(organiser=organiser, starts_in_days=-1)
        tracks = [
            make_session(event, f"Track {track} at {hour}", start=at(event, hour), minutes=60)
            for hour in range(hours)
            for track in "AB"
        ]
        set_rule(event, min_percent=50)
        for n in range(people):
            mark(event, participant(make_user, event, f"Person {n}", ""), *tracks[n % 3 :: 3])
        for url in (certificates_url(event), statistics_url(event)):
            with counted_statements() as statements:
                assert client.get(url).status_code == 200
            counts[people, url.rsplit("/", 1)[1]] = len(statements)
    assert counts[4, "certificates"] == counts[30, "certificates"], counts
    assert counts[4, "attendance"] == counts[30, "attendance"], counts


def test_a_certificate_of_a_programme_with_parallel_tracks_states_hours_not_a_count_of_sessions(
    app, make_user, make_event, make_session
):
    import io

    from pypdf import PdfReader

    from workshop.certificates import pdf, services

    event = make_event(starts_in_days=-1)
    plenary, track_a, _track_b, closing = parallel_morning(event, make_session)
    set_rule(event, min_percent=100)
    present = participant(make_user, event)
    mark(event, present, plenary, track_a, closing)

    certificate = services.issue(event.organisers[0], event, present.id, before_the_end=True)
    [sheet] = pdf.sheets_for([certificate])
    text = " ".join(PdfReader(io.BytesIO(pdf.render_certificate(sheet))).pages[0].extract_text().split())

    assert "3 hours of sessions attended" in text and " of 4 sessions" not in text  # all 3 slots, not "3 of 4"
