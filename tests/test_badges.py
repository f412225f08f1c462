"""Tickets and badges: every confirmed registration has an unguessable ticket code; badges in a PDF
with both names, organisation, country, role and a QR code of the code; organisers print all or
some, a participant downloads their own, and the confirmation e-mail links to it."""

import io
import re
from zoneinfo import ZoneInfo

from babel.dates import format_date
from pypdf import PdfReader
from sqlalchemy import event as sa_event

from workshop.attendance import recording
from workshop.attendance.models import Ticket, check_in_staff
from workshop.events.models import EventStatus
from workshop.extensions import db
from workshop.registration.states import State

from .conftest import as_user, login, make_registration, register, submit, text_part
from .qr_codes import decoded, drawn_qr


def badges_url(event, **query) -> str:
    pairs = [
        f"{key}={value}"
        for key, values in query.items()
        for value in (values if isinstance(values, list) else [values])
    ]
    return f"/manage/events/{event.slug}/badges.pdf" + ("?" + "&".join(pairs) if pairs else "")


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.get_data()))


def text_of(page) -> str:
    """The page's text with its line breaks as spaces: a long organisation is on two lines."""
    return " ".join(page.extract_text().split())


def all_text(reader: PdfReader) -> str:
    return "\n".join(text_of(page) for page in reader.pages)


def person(make_user, event, full_name, native_name="", state=None, **fields):
    registration = make_registration(event, make_user(full_name=full_name, native_name=native_name), state)
    for name, value in fields.items():
        setattr(registration, name, value)
    db.session.commit()
    return registration


def tickets() -> dict[int, str]:
    db.session.expire_all()
    return {t.registration_id: t.code for t in db.session.scalars(db.select(Ticket))}


def readable(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


# --- what a badge shows --------------------------------------------------------------------------


def test_a6_badges_show_both_names_organisation_country_role_event_and_the_ticket_code(app, make_user, make_event):
    event = make_event(title="Labour migration workshop", timezone="Asia/Shanghai")
    li = person(make_user, event, "Li Wei", "李伟")
    anna = person(
        make_user,
        event,
        "Anna Schmidt",
        "",
        organisation="Federal Institute for Vocational Education and Training",
        country="DE",
    )
    person(make_user, event, "Gone Person", "", State.CANCELLED)
    person(make_user, event, "Waiting Person", "", State.WAITLISTED, waitlist_seq=1)

    reader = pdf_of(as_user(app, event.organisers[0]).get(badges_url(event, layout="a6")))

    assert len(reader.pages) == 2  # the confirmed ones, one a page
    assert reader.metadata.title == "Badges: Labour migration workshop"
    first, second = (text_of(page) for page in reader.pages)
    assert (
        "Anna Schmidt" in first
        and "Federal Institute for Vocational Education and Training" in first
        and "Germany" in first
    )
    assert (
        "Li Wei" in second
        and "李伟" in second
        and "Ministry of Human Resources and Social Security" in second
        and "China" in second
    )
    assert "Labour migration workshop" in second and "PARTICIPANT" in second
    codes = tickets()
    assert set(codes) == {li.id, anna.id}  # tickets for the confirmed only
    assert readable(codes[li.id]) in second
    assert "Gone Person" not in all_text(reader) and "Waiting Person" not in all_text(reader)


def test_ticket_codes_are_long_random_and_stay_the_same_from_one_print_to_the_next(app, make_user, make_event):
    event = make_event()
    people = [person(make_user, event, f"Person {n}") for n in range(5)]
    client = as_user(app, event.organisers[0])

    pdf_of(client.get(badges_url(event)))
    first = tickets()
    pdf_of(client.get(badges_url(event, layout="a4")))

    assert tickets() == first
    assert len(set(first.values())) == len(people)
    assert all(
        re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{16}", code) for code in first.values()
    )  # 31^16, about 2^79
    assert recording.ticket_for(people[0]).code == first[people[0].id]


def test_the_qr_code_on_the_badge_holds_the_ticket_code(app, make_user, make_event):
    event = make_event()
    registration = person(make_user, event, "Li Wei", "李伟")

    reader = pdf_of(as_user(app, event.organisers[0]).get(badges_url(event, layout="a6")))

    code = decoded(drawn_qr(reader.pages[0]))
    assert code.text == tickets()[registration.id]
    assert code.ec_level == "Q"  # a worn badge still scans
    assert code.extra["Version"] == "1"  # the smallest code: large modules for the desk's camera


def test_the_role_is_speaker_for_a_linked_speaker_and_organiser_for_an_organiser(
    app, make_user, make_event, make_speaker
):
    organiser = make_user(full_name="Olga Organiser", can_create_events=True)
    event = make_event(organiser=organiser)
    speaker_user = make_user(full_name="Wang Fang", native_name="王芳")
    make_speaker(event, "Wang Fang", "王芳", user=speaker_user)
    paula = make_user(full_name="Paula Participant")
    make_speaker(make_event(), "Paula Participant", "", user=paula)  # a speaker at another event is a participant here
    make_registration(event, organiser)
    make_registration(event, speaker_user)
    make_registration(event, paula)

    reader = pdf_of(as_user(app, organiser).get(badges_url(event, layout="a6")))

    roles = {
        next(name for name in ("Olga Organiser", "Wang Fang", "Paula Participant") if name in text_of(page)): text_of(
            page
        )
        for page in reader.pages
    }
    assert "ORGANISER" in roles["Olga Organiser"]
    assert "SPEAKER" in roles["Wang Fang"] and "王芳" in roles["Wang Fang"]
    assert "PARTICIPANT" in roles["Paula Participant"]


def test_a4_sheets_hold_eight_badges_each(app, make_user, make_event):
    event = make_event()
    for n in range(9):
        person(make_user, event, f"Person {n:02d}", "张伟" if n == 8 else "")
    client = as_user(app, event.organisers[0])

    reader = pdf_of(client.get(badges_url(event, layout="a4")))

    assert len(reader.pages) == 2
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]  # A4 in points
    first = text_of(reader.pages[0])
    assert all(f"Person {n:02d}" in first for n in range(8)) and "Person 08" not in first
    assert "Person 08" in text_of(reader.pages[1]) and "张伟" in text_of(reader.pages[1])
    a6 = pdf_of(client.get(badges_url(event, layout="a6")))
    assert len(a6.pages) == 9 and [round(float(v)) for v in a6.pages[0].mediabox[2:]] == [298, 420]  # A6


def test_an_organiser_prints_the_badges_chosen_by_id_or_ticked_on_the_badges_page(app, make_user, make_event):
    event = make_event()
    li, anna, maria = (person(make_user, event, name) for name in ("Li Wei", "Anna Schmidt", "Maria Rossi"))
    cancelled = person(make_user, event, "Gone Person", state=State.CANCELLED)
    elsewhere = person(make_user, make_event(), "Other Event Person")
    client = as_user(app, event.organisers[0])

    by_id = all_text(pdf_of(client.get(badges_url(event, id=[li.id, maria.id, cancelled.id, elsewhere.id]))))
    page = client.get(f"/manage/events/{event.slug}/badges").get_data(as_text=True)
    ticked = pdf_of(
        submit(
            client,
            badges_url(event),
            {"id": [str(anna.id)], "layout": "a6"},
            form_url=f"/manage/events/{event.slug}/badges",
        )
    )

    assert "Li Wei" in by_id and "Maria Rossi" in by_id
    assert "Anna Schmidt" not in by_id and "Gone Person" not in by_id and "Other Event Person" not in by_id
    assert f'name="id" value="{anna.id}"' in page and "Gone Person" not in page
    assert len(ticked.pages) == 1 and "Anna Schmidt" in all_text(ticked)


def test_long_names_and_organisations_in_any_script_fit_on_the_badge(app, make_user, make_event):
    event = make_event(title="A very long title " * 10)
    person(
        make_user,
        event,
        "Anna-Maria Schmidt-Gonzalez de la Fuente y Ortega " * 4,
        "欧阳" * 40,
        organisation="中华全国总工会国际联络部" * 8,
    )
    person(make_user, event, "X" * 200, "", organisation="Y" * 200)
    client = as_user(app, event.organisers[0])

    for layout in ("a6", "a4"):
        text = all_text(pdf_of(client.get(badges_url(event, layout=layout))))
        assert "Anna-Maria" in text and "欧阳" in text and "中华全国总工会" in text and "…" in text


def test_printing_badges_asks_a_few_queries_whatever_the_number_of_badges(app, make_user, make_event):
    event = make_event()
    client = as_user(app, event.organisers[0])
    for n in range(3):
        person(make_user, event, f"Person {n}")
    few = count_queries(lambda: pdf_of(client.get(badges_url(event))))
    for n in range(3, 40):
        person(make_user, event, f"Person {n}")
    db.session.execute(db.delete(Ticket))
    db.session.commit()

    many = count_queries(lambda: pdf_of(client.get(badges_url(event))))

    assert many == few
    assert len(tickets()) == 40


def count_queries(action) -> int:
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


# --- bad input -------------------------------------------------------------------------------------


def test_an_unknown_layout_or_a_malformed_id_is_refused(app, make_user, make_event):
    event = make_event()
    person(make_user, event, "Li Wei")
    client = as_user(app, event.organisers[0])

    assert client.get(badges_url(event, layout="a5")).status_code == 400
    assert client.get(badges_url(event, id="abc")).status_code == 400
    assert client.get(badges_url(event, id="9" * 40)).status_code == 400
    assert tickets() == {}


def test_printing_nothing_says_why(app, make_user, make_event):
    event = make_event()
    person(make_user, event, "Gone Person", state=State.CANCELLED)
    client = as_user(app, event.organisers[0])
    list_url = f"/manage/events/{event.slug}/badges"

    everything = client.get(badges_url(event), follow_redirects=True).get_data(as_text=True)
    nothing_ticked = submit(client, badges_url(event), {"layout": "a4"}, form_url=list_url).get_data(as_text=True)

    assert "This event has no confirmed participants yet, so there is no badge to print." in everything
    assert "Tick the participants whose badges you want to print." in nothing_ticked
    assert tickets() == {}


# --- who may print ---------------------------------------------------------------------------------


def test_only_organisers_print_the_events_badges(app, make_user, make_event, client):
    event = make_event()
    registration = person(make_user, event, "Li Wei")
    staff = make_user()
    db.session.execute(check_in_staff.insert().values(event_id=event.id, user_id=staff.id))
    db.session.commit()
    draft = make_event(status=EventStatus.DRAFT)

    assert client.get(badges_url(event)).status_code == 302  # to the login page
    assert as_user(app, registration.user).get(badges_url(event)).status_code == 403
    assert as_user(app, staff).get(badges_url(event)).status_code == 403
    assert as_user(app, staff).get(f"/manage/events/{event.slug}/badges").status_code == 403
    assert as_user(app, staff).get(badges_url(draft)).status_code == 404
    assert as_user(app, make_user(is_admin=True)).get(badges_url(event)).status_code == 200
    assert list(tickets()) == [registration.id]  # only the admin's print made one


# --- a participant's own badge ------------------------------------------------------------------------


def test_a_confirmed_participant_downloads_their_own_badge_from_my_registrations(app, make_user, make_event):
    event = make_event(title="Skills recognition workshop")
    registration = person(make_user, event, "Li Wei", "李伟")
    client = as_user(app, registration.user)

    listing = client.get("/registrations").get_data(as_text=True)
    own_page = client.get(f"/registrations/{registration.id}").get_data(as_text=True)
    reader = pdf_of(client.get(f"/registrations/{registration.id}/badge.pdf"))

    link = f"/registrations/{registration.id}/badge.pdf"
    assert link in listing and link in own_page
    assert len(reader.pages) == 1
    text = text_of(reader.pages[0])
    assert "Li Wei" in text and "李伟" in text and "Skills recognition workshop" in text
    assert readable(tickets()[registration.id]) in text


def test_nobody_downloads_someone_elses_badge_and_an_unconfirmed_registration_has_none(
    app, make_user, make_event, client
):
    event = make_event()
    mine = person(make_user, event, "Li Wei")
    waiting = person(make_user, event, "Waiting Person", state=State.WAITLISTED, waitlist_seq=1)
    other = as_user(app, make_user())

    assert client.get(f"/registrations/{mine.id}/badge.pdf").status_code == 302  # to the login page
    assert other.get(f"/registrations/{mine.id}/badge.pdf").status_code == 404
    assert (
        as_user(app, event.organisers[0]).get(f"/registrations/{mine.id}/badge.pdf").status_code == 404
    )  # organisers print from the badges page
    assert other.get("/registrations/999999/badge.pdf").status_code == 404
    as_waiting = as_user(app, waiting.user)
    refused = as_waiting.get(f"/registrations/{waiting.id}/badge.pdf")
    assert refused.status_code == 403 and "A badge is ready once your registration is confirmed." in refused.get_data(
        as_text=True
    )
    assert f"/registrations/{waiting.id}/badge.pdf" not in as_waiting.get("/registrations").get_data(as_text=True)
    assert tickets() == {}


def test_the_confirmation_email_links_to_the_badge(app, make_user, make_event, mailbox):
    event = make_event(capacity=1)
    first, second = make_user(), make_user()
    client = app.test_client()
    login(client, first)
    register(client, event)
    other = app.test_client()
    login(other, second)
    register(other, event)  # waitlisted

    confirmed = text_part(mailbox.last_to(first.email))
    waitlisted = text_part(mailbox.last_to(second.email))

    link = re.search(r"https?://[^/\s]+(/registrations/\d+/badge\.pdf)", confirmed).group(1)
    assert "badge.pdf" not in waitlisted
    reader = pdf_of(client.get(link))
    assert "Li Wei" in text_of(reader.pages[0]) and "李伟" in text_of(reader.pages[0])


def test_each_badge_speaks_its_holder_s_language_whoever_prints_them(app, make_user, make_event):
    organiser = make_user(locale="zh", can_create_events=True)
    event = make_event(organiser=organiser, title="劳动力迁移研讨会")
    make_registration(event, make_user(full_name="Li Wei", native_name="李伟", locale="zh"))
    german = make_registration(event, make_user(full_name="Anna Schmidt", locale="en"))
    german.country = "DE"
    db.session.commit()

    reader = pdf_of(as_user(app, organiser).get(badges_url(event, layout="a6")))
    li_wei, anna = sorted((text_of(page) for page in reader.pages), key=lambda text: "Anna" in text)

    assert "劳动力迁移研讨会" in li_wei and "李伟" in li_wei and "中国" in li_wei and "参会者" in li_wei
    first_day = format_date(event.starts_at.astimezone(ZoneInfo(event.timezone)).date(), "MMM d", locale="en")
    assert (
        "Germany" in anna
        and "PARTICIPANT" in anna
        and first_day in anna
        and "德国" not in anna
        and "参会者" not in anna
    )
    assert reader.metadata.title == "胸牌：劳动力迁移研讨会"  # the document itself in the reader's language
