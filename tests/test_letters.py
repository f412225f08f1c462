"""Visa invitation letters: a confirmed participant who asked for one enters their passport details,
an organiser approves or refuses, the participant downloads the letter (a PDF on the letterhead),
and the passport details are erased some days after the event."""

import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from workshop.extensions import db
from workshop.letterhead.models import Letterhead
from workshop.letters import services
from workshop.letters.models import LetterRequest, LetterSettings, LetterStatus
from workshop.registration.states import State
from workshop.timeutil import utcnow

from .conftest import REGISTRATION_FORM, as_user, login, make_registration, submit, text_part

MINE = "/registrations"
MANAGE = "/manage/events/{slug}/visa-letters"
TODAY = utcnow().date()
IN_LATIN = "The letter is in English: write this in Latin letters (English or pinyin), not in Chinese characters."


def passport(**changes) -> dict:
    values = {
        "passport_name": "LI WEI",
        "passport_number": "e 1234 5678",
        "nationality": "CN",
        "date_of_birth": "1980-05-01",
        "passport_issued_on": (TODAY - timedelta(days=700)).isoformat(),
        "passport_expires_on": (TODAY + timedelta(days=3000)).isoformat(),
        "issuing_authority": "National Immigration Administration, PRC",
        "consulate": "British Embassy Beijing, Visa Section",
    }
    values.update(changes)
    return values


@pytest.fixture
def workshop(make_event, make_user):
    """A workshop in Nottingham; Li Wei (confirmed) asked for a visa letter."""
    event = make_event(
        title="Workshop on Chinese Migration to Europe",
        venue="Jubilee Campus",
        city="Nottingham",
        country="GB",
        partners=["China Policy Institute", "ILO"],
        contact_email="workshop@example.org",
    )
    li = with_visa(make_registration(event, make_user(full_name="Li Wei", native_name="李伟", email="li@example.org")))
    return event, li


def with_visa(registration, needed=True):
    registration.visa_letter_needed = needed
    registration.job_title = "Deputy Director"
    db.session.commit()
    return registration


def request_url(registration) -> str:
    return f"/registrations/{registration.id}/visa-letter"


def letter_of(registration) -> LetterRequest | None:
    db.session.commit()  # a fresh snapshot: requests run in their own sessions
    db.session.expire_all()
    return db.session.scalar(db.select(LetterRequest).where(LetterRequest.registration_id == registration.id))


def enter(app, registration, **changes):
    client = as_user(app, registration.user)
    return client, submit(client, request_url(registration), passport(**changes), follow_redirects=True)


def organiser_post(client, event, path: str, data=None):
    url = MANAGE.format(slug=event.slug)
    return submit(client, url + path, data or {}, form_url=url, follow_redirects=True)


def pdf_text(data: bytes) -> str:
    """The letter's text, its lines joined: a title may wrap."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


# --- the participant's request ----------------------------------------------------------------


def test_a_participant_enters_passport_details_from_my_registrations(app, workshop):
    event, li = workshop
    client = as_user(app, li.user)

    mine = client.get(MINE).get_data(as_text=True)
    link = re.search(r'href="([^"]+)" data-testid="visa-letter-request"', mine).group(1)
    assert link == request_url(li)
    response = submit(client, link, passport(), follow_redirects=True)

    assert "Your passport details are saved; the organisers will prepare your letter." in response.get_data(
        as_text=True
    )
    letter = letter_of(li)
    assert letter.status is LetterStatus.REQUESTED and letter.reference == ""
    assert (letter.passport_name, letter.passport_number, letter.nationality) == ("LI WEI", "E12345678", "CN")
    assert letter.date_of_birth == date(1980, 5, 1) and letter.consulate == "British Embassy Beijing, Visa Section"
    assert "Visa invitation letter: Waiting for the organisers" in client.get(MINE).get_data(as_text=True)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"passport_expires_on": (TODAY - timedelta(days=800)).isoformat()},
            "passport_expires_on",
            "The expiry date must come after the issue date.",
        ),
        (
            {"passport_expires_on": (TODAY + timedelta(days=31)).isoformat()},
            "passport_expires_on",
            "Your passport must be valid until at least",
        ),
        (
            {"date_of_birth": (TODAY + timedelta(days=1)).isoformat()},
            "date_of_birth",
            "The date of birth must be in the past.",
        ),
        ({"passport_number": "E1234/5678"}, "passport_number", "A passport number has 5 to 20 letters and digits only"),
        ({"consulate": "  "}, "consulate", "Write the embassy or consulate where you apply for the visa."),
        ({"date_of_birth": "31/02/1980"}, "date_of_birth", "Give a date, e.g. 2031-05-20."),
        ({"consulate": "英国驻北京大使馆签证处"}, "consulate", IN_LATIN),
        ({"passport_name": "李伟"}, "passport_name", IN_LATIN),
        ({"issuing_authority": "国家移民管理局"}, "issuing_authority", IN_LATIN),
    ],
)
def test_passport_details_that_cannot_be_right_are_refused_and_nothing_is_saved(app, workshop, changes, field, message):
    _event, li = workshop

    _client, response = enter(app, li, **changes)

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert re.search(rf'id="{field}"[^>]*>|class="[^"]*is-invalid[^"]*"[^>]*id="{field}"', html)
    assert 'value="British Embassy Beijing' in html or field == "consulate"  # what was typed comes back
    assert letter_of(li) is None


def test_the_chinese_form_asks_for_latin_letters_and_refuses_chinese_characters_in_its_own_words(app, workshop):
    _event, li = workshop
    li.user.locale = "zh"
    db.session.commit()
    client = as_user(app, li.user)

    form = client.get(request_url(li)).get_data(as_text=True)
    refused = submit(client, request_url(li), passport(consulate="英国驻北京大使馆签证处"), follow_redirects=True)

    assert (
        "请用英文或拼音填写，例如：British Embassy Beijing, Visa Section。" in form and "英国驻北京大使馆" not in form
    )
    assert "邀请函为英文：此项请用拉丁字母（英文或拼音）填写，不要使用汉字。" in refused.get_data(as_text=True)
    assert letter_of(li) is None


def test_latin_letters_with_diacritics_are_accepted(app, workshop):
    _event, li = workshop

    enter(app, li, passport_name="NGUYỄN THỊ LAN", consulate="Ambassade de France à Hanoï")

    assert (letter_of(li).passport_name, letter_of(li).consulate) == ("NGUYỄN THỊ LAN", "Ambassade de France à Hanoï")


@pytest.mark.parametrize("state, needed", [(State.PENDING, True), (State.CANCELLED, True), (State.CONFIRMED, False)])
def test_only_a_confirmed_participant_who_asked_for_a_letter_can_request_one(app, make_event, make_user, state, needed):
    event = make_event()
    registration = with_visa(make_registration(event, make_user(email="zhao@example.org"), state=state), needed=needed)
    client = as_user(app, registration.user)

    page = client.get(request_url(registration))
    assert (
        page.status_code == 403
        and "only for confirmed participants who said, when registering, that they need one"
        in page.get_data(as_text=True)
    )
    assert 'data-testid="visa-letter' not in client.get(MINE).get_data(as_text=True)
    response = submit(client, request_url(registration), passport(), form_url=MINE)

    assert response.status_code == 403
    assert letter_of(registration) is None
    with pytest.raises(services.Forbidden):
        services.save_details(registration.user, registration.id, services.PassportDetails(**passport_data()))
    assert letter_of(registration) is None


def passport_data() -> dict:
    values = passport()
    for name in ("date_of_birth", "passport_issued_on", "passport_expires_on"):
        values[name] = date.fromisoformat(values[name])
    return values


def test_a_participant_never_sees_another_participants_request_or_letter(app, workshop, make_user, make_event):
    event, li = workshop
    enter(app, li)
    letter = services.approve(event.organisers[0], event, letter_of(li).id)
    other = with_visa(make_registration(event, make_user(email="bob@example.org", full_name="Bob Smith")))
    bob = as_user(app, other.user)

    assert bob.get(request_url(li)).status_code == 404
    assert submit(bob, request_url(li), passport(), form_url=MINE).status_code == 404
    assert bob.get(f"/visa-letters/{letter.id}.pdf").status_code == 404
    assert bob.get(MANAGE.format(slug=event.slug)).status_code == 403
    assert "E12345678" not in bob.get(MINE).get_data(as_text=True)
    # an organiser of another event neither
    stranger = as_user(app, make_event().organisers[0])
    assert stranger.get(f"/visa-letters/{letter.id}.pdf").status_code == 404
    assert stranger.get(MANAGE.format(slug=event.slug)).status_code == 403
    assert (
        submit(
            stranger, MANAGE.format(slug=event.slug) + f"/{letter.id}/reject", {"reason": "no"}, form_url=MINE
        ).status_code
        == 403
    )
    assert letter_of(li).status is LetterStatus.APPROVED


# --- the organisers' decision -----------------------------------------------------------------


def test_an_organiser_approves_and_the_participant_downloads_the_letter(app, workshop, mailbox, make_user):
    event, li = workshop
    enter(app, li)
    organiser = as_user(app, event.organisers[0])

    listing = organiser.get(MANAGE.format(slug=event.slug)).get_data(as_text=True)
    assert (
        "Waiting for a decision: 1." in listing
        and "LI WEI · E12345678" in listing
        and "British Embassy Beijing" in listing
    )
    response = organiser_post(organiser, event, f"/{letter_of(li).id}/approve")

    reference = f"EVENT{event.starts_at.year}-V-0001"
    assert f"The letter of Li Wei is approved ({reference}); they are told by e-mail." in response.get_data(
        as_text=True
    )
    letter = letter_of(li)
    assert (
        letter.status is LetterStatus.APPROVED
        and letter.reference == reference
        and letter.decided_by_id == event.organisers[0].id
    )
    message = mailbox.last_to("li@example.org")
    assert message["Subject"] == "Your visa invitation letter for Workshop on Chinese Migration to Europe"
    assert f"/visa-letters/{letter.id}.pdf" in text_part(message) and reference in text_part(message)

    participant = as_user(app, li.user)
    mine = participant.get(MINE).get_data(as_text=True)
    download = participant.get(re.search(r'href="([^"]+)" data-testid="visa-letter-link"', mine).group(1))
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Cache-Control"] == "private, no-store"
    text = pdf_text(download.data)
    for expected in (
        "E12345678",
        "Workshop on Chinese Migration to Europe",
        "李伟",
        "LI WEI",
        reference,
        "British Embassy Beijing, Visa Section",
        "China",
        "1 May 1980",
        "Deputy Director",
        "Nottingham",
        "United Kingdom",
        "China Policy Institute",
    ):
        assert expected in text, expected
    assert organiser.get(f"/visa-letters/{letter.id}.pdf").status_code == 200  # organisers download any letter

    second = with_visa(make_registration(event, make_user(email="wang@example.org", full_name="Wang Fang")))
    enter(app, second, passport_name="WANG FANG", passport_number="EA7654321")
    assert (
        services.approve(event.organisers[0], event, letter_of(second).id).reference
        == f"EVENT{event.starts_at.year}-V-0002"
    )


def test_changing_passport_details_after_approval_sends_the_request_back(app, workshop):
    event, li = workshop
    client, _ = enter(app, li)
    letter = services.approve(event.organisers[0], event, letter_of(li).id)

    submit(client, request_url(li), passport(passport_number="EB9999999"), follow_redirects=True)

    changed = letter_of(li)
    assert (
        changed.status is LetterStatus.REQUESTED
        and changed.passport_number == "EB9999999"
        and changed.decided_at is None
    )
    assert client.get(f"/visa-letters/{letter.id}.pdf").status_code == 404
    assert 'data-testid="visa-letter-link"' not in client.get(MINE).get_data(as_text=True)
    assert (
        services.approve(event.organisers[0], event, changed.id).reference == letter.reference
    )  # the same reference again


def test_a_refusal_needs_a_reason_and_the_participant_reads_it(app, workshop, mailbox):
    event, li = workshop
    enter(app, li)
    letter_id = letter_of(li).id
    organiser = as_user(app, event.organisers[0])

    without = organiser_post(organiser, event, f"/{letter_id}/reject", {"reason": "   "}).get_data(as_text=True)
    assert "Write why the letter is refused: the participant reads it." in without
    assert letter_of(li).status is LetterStatus.REQUESTED and mailbox.to("li@example.org") == []

    organiser_post(
        organiser, event, f"/{letter_id}/reject", {"reason": "The nomination did not come from your ministry."}
    )

    letter = letter_of(li)
    assert (
        letter.status is LetterStatus.REJECTED
        and letter.decision_note == "The nomination did not come from your ministry."
    )
    assert "The nomination did not come from your ministry." in text_part(mailbox.last_to("li@example.org"))
    page = as_user(app, li.user).get(request_url(li)).get_data(as_text=True)
    assert "The organisers refused the letter: The nomination did not come from your ministry." in page
    assert as_user(app, li.user).get(f"/visa-letters/{letter.id}.pdf").status_code == 404


def test_approving_an_incomplete_request_is_refused(app, workshop, mailbox):
    event, li = workshop
    letter = LetterRequest(
        registration_id=li.id,
        status=LetterStatus.REQUESTED,
        passport_name="LI WEI",
        passport_number="E12345678",
        nationality="CN",
        date_of_birth=date(1980, 5, 1),
    )
    db.session.add(letter)
    db.session.commit()
    organiser = as_user(app, event.organisers[0])

    assert 'data-testid="incomplete"' in organiser.get(MANAGE.format(slug=event.slug)).get_data(as_text=True)
    response = organiser_post(organiser, event, f"/{letter.id}/approve")

    assert "The passport details of Li Wei are incomplete" in response.get_data(as_text=True)
    letter = letter_of(li)
    assert letter.status is LetterStatus.REQUESTED and letter.reference == "" and mailbox.to("li@example.org") == []


def test_a_letter_of_a_registration_no_longer_confirmed_is_not_approved_nor_downloaded(app, workshop):
    event, li = workshop
    client, _ = enter(app, li)
    letter = services.approve(event.organisers[0], event, letter_of(li).id)
    li.state = State.CANCELLED
    db.session.commit()

    assert client.get(f"/visa-letters/{letter.id}.pdf").status_code == 404


# --- the letterhead ---------------------------------------------------------------------------


def png(width=120, height=40, colour=(20, 60, 120)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


LETTERHEAD = {
    "issuers": "International Labour Organization",
    "address": "4 route des Morillons\n1211 Geneva 22, Switzerland",
    "purpose": "To present the findings of the national survey on labour migration.",
    "signatory_1_name": "Chang-Hee Lee",
    "signatory_1_title": "Director, ILO Country Office for China",
}


def test_the_letterhead_logo_and_signature_appear_on_the_letter(app, workshop):
    event, li = workshop
    organiser = as_user(app, event.organisers[0])
    url = MANAGE.format(slug=event.slug) + "/settings"

    response = submit(
        organiser,
        url,
        {**LETTERHEAD, "logo_1": (png(), "ilo.png"), "signature_1": (png(200, 60, (0, 0, 0)), "sig.png")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 302
    db.session.expire_all()
    letterhead = db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id))
    assert (
        letterhead.logo_1
        and letterhead.signature_1
        and letterhead.address == "4 route des Morillons\n1211 Geneva 22, Switzerland"
    )
    enter(app, li)
    letter = services.approve(event.organisers[0], event, letter_of(li).id)
    document = PdfReader(io.BytesIO(organiser.get(f"/visa-letters/{letter.id}.pdf").data))
    text = document.pages[0].extract_text()
    for expected in LETTERHEAD.values():
        assert expected.splitlines()[0] in text, expected
    assert "1211 Geneva 22, Switzerland" in text
    assert "China Policy Institute" not in text  # the letterhead replaces the first partner
    assert len(document.pages[0].images) == 2  # the logo and the signature


@pytest.mark.parametrize("slot", ["logo_1", "signature_1"])
def test_a_logo_or_signature_that_is_not_an_image_is_refused_and_nothing_is_kept(app, workshop, slot):
    event, _li = workshop
    organiser = as_user(app, event.organisers[0])
    url = MANAGE.format(slug=event.slug) + "/settings"
    folder = Path(app.config["UPLOAD_DIR"])
    before = sorted(p.name for p in folder.glob("*"))
    other = "signature_1" if slot == "logo_1" else "logo_1"

    response = submit(
        organiser,
        url,
        {**LETTERHEAD, other: (png(), "fine.png"), slot: (io.BytesIO(b"<svg onload=alert(1)>"), "evil.png")},
        content_type="multipart/form-data",
    )

    html = response.get_data(as_text=True)
    assert (
        response.status_code == 200
        and "This type of file is not accepted here. Accepted: JPEG, JPG, PNG, WEBP." in html
    )
    assert 'value="Chang-Hee Lee"' in html  # what was typed comes back
    assert db.session.scalar(db.select(LetterSettings).where(LetterSettings.event_id == event.id)) is None
    assert db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id)) is None
    assert sorted(p.name for p in folder.glob("*")) == before


@pytest.mark.parametrize("slot, named", [("logo_1", "the first logo"), ("signature_1", "the first signature")])
def test_a_letterhead_image_gone_from_the_server_is_named_to_the_organisers_and_no_letter_is_approved_without_it(
    app, workshop, make_user, slot, named
):
    event, li = workshop
    organiser = as_user(app, event.organisers[0])
    images = {"logo_1": lambda: (png(), "ilo.png"), "signature_1": lambda: (png(200, 60, (0, 0, 0)), "sig.png")}
    submit(
        organiser,
        MANAGE.format(slug=event.slug) + "/settings",
        {**LETTERHEAD, "logo_1": images["logo_1"](), "signature_1": images["signature_1"]()},
        content_type="multipart/form-data",
    )
    enter(app, li)
    letter = services.approve(event.organisers[0], event, letter_of(li).id)
    wang = with_visa(make_registration(event, make_user(email="wang@example.org", full_name="Wang Fang")))
    enter(app, wang, passport_name="WANG FANG", passport_number="EA7654321")
    letterhead = db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id))
    (Path(app.config["UPLOAD_DIR"]) / getattr(letterhead, slot)).unlink()

    approved = as_user(app, li.user).get(f"/visa-letters/{letter.id}.pdf")  # it keeps the images it was approved with
    assert approved.mimetype == "application/pdf" and len(PdfReader(io.BytesIO(approved.data)).pages[0].images) == 2

    shown = organiser_post(organiser, event, f"/{letter_of(wang).id}/approve").get_data(as_text=True)
    assert (
        f"No letter can be approved: the file of {named} is missing on the server. Upload it again in the letterhead "
        "settings." in shown
    )
    assert 'data-testid="missing-images"' in shown and letter_of(wang).status is LetterStatus.REQUESTED
    settings_page = organiser.get(MANAGE.format(slug=event.slug) + "/settings").get_data(as_text=True)
    assert re.search(rf'<input[^>]*class="form-control is-invalid"[^>]*name="{slot}"', settings_page)

    submit(
        organiser,
        MANAGE.format(slug=event.slug) + "/settings",
        {**LETTERHEAD, slot: images[slot]()},
        content_type="multipart/form-data",
    )
    second = services.approve(event.organisers[0], event, letter_of(wang).id)
    again = as_user(app, wang.user).get(f"/visa-letters/{second.id}.pdf")
    assert again.mimetype == "application/pdf" and len(PdfReader(io.BytesIO(again.data)).pages[0].images) == 2


def test_the_letterhead_set_with_the_certificates_heads_the_letters_too(app, workshop):
    event, li = workshop
    organiser = as_user(app, event.organisers[0])
    response = submit(
        organiser,
        f"/manage/events/{event.slug}/certificates/settings",
        {
            "issuers": "International Labour Organization\nChina Policy Institute",
            "signatory_1_name": "Chang-Hee Lee",
            "logo_1": (png(), "ilo.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    enter(app, li)
    letter = services.approve(event.organisers[0], event, letter_of(li).id)

    settings_page = organiser.get(MANAGE.format(slug=event.slug) + "/settings").get_data(as_text=True)
    document = PdfReader(io.BytesIO(organiser.get(f"/visa-letters/{letter.id}.pdf").data))

    assert (
        "International Labour Organization\nChina Policy Institute</textarea>" in settings_page
        and 'value="Chang-Hee Lee"' in settings_page
    )
    assert 'data-testid="shared-letterhead"' in settings_page
    text = document.pages[0].extract_text()
    assert "International Labour Organization" in text and "Chang-Hee Lee" in text
    assert len(document.pages[0].images) == 1  # the logo


def test_only_the_organisers_set_the_letterhead(app, workshop, make_user):
    event, li = workshop
    participant = as_user(app, li.user)

    assert participant.get(MANAGE.format(slug=event.slug) + "/settings").status_code == 403
    assert (
        submit(participant, MANAGE.format(slug=event.slug) + "/settings", LETTERHEAD, form_url=MINE).status_code == 403
    )
    assert db.session.scalar(db.select(LetterSettings).where(LetterSettings.event_id == event.id)) is None
    assert db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id)) is None


# --- retention --------------------------------------------------------------------------------


def test_passport_details_are_erased_some_days_after_the_event_and_the_request_stays(app, make_event, make_user):
    past = make_event(title="Past Workshop", starts_in_days=-40, days=2)  # ended 38 days ago
    recent = make_event(title="Recent Workshop", starts_in_days=-12, days=2)  # ended 10 days ago
    old = with_visa(make_registration(past, make_user(email="old@example.org", full_name="Li Wei", native_name="李伟")))
    new = with_visa(make_registration(recent, make_user(email="new@example.org")))
    for registration, event in ((old, past), (new, recent)):
        services.save_details(
            registration.user,
            registration.id,
            services.PassportDetails(**passport_data()),
            today=event.starts_at.date() - timedelta(days=60),
        )
    approved = services.approve(past.organisers[0], past, letter_of(old).id)

    erased = services.erase_expired_passport_details(datetime.now(UTC))

    assert erased == 1
    letter = letter_of(old)
    assert letter.details_erased_at is not None
    assert (
        letter.passport_name,
        letter.passport_number,
        letter.nationality,
        letter.date_of_birth,
        letter.passport_issued_on,
        letter.passport_expires_on,
        letter.issuing_authority,
        letter.consulate,
    ) == ("", "", "", None, None, None, "", "")
    assert letter.status is LetterStatus.APPROVED and letter.reference == approved.reference
    assert letter_of(new).passport_number == "E12345678"  # within the retention period

    participant = as_user(app, old.user)
    download = participant.get(f"/visa-letters/{letter.id}.pdf", follow_redirects=True)
    assert (
        download.mimetype == "text/html"
        and "This letter can no longer be downloaded: the passport details it was made from were erased"
        in download.get_data(as_text=True)
    )
    page = participant.get(request_url(old)).get_data(as_text=True)
    assert "Your passport details were erased on" in page and 'name="passport_number"' not in page
    assert submit(participant, request_url(old), passport(), form_url=MINE).status_code == 403
    assert letter_of(old).passport_number == ""
    organiser = as_user(app, past.organisers[0])
    assert "can no longer be downloaded" in organiser.get(MANAGE.format(slug=past.slug)).get_data(as_text=True)
    assert organiser.get(f"/visa-letters/{letter.id}.pdf").mimetype != "application/pdf"


def test_the_organisers_page_and_the_command_run_the_retention_rule(app, make_event, make_user):
    past = make_event(starts_in_days=-40, days=2)
    first = with_visa(make_registration(past, make_user()))
    second = with_visa(make_registration(past, make_user()))
    for registration in (first, second):
        services.save_details(
            registration.user,
            registration.id,
            services.PassportDetails(**passport_data()),
            today=past.starts_at.date() - timedelta(days=60),
        )

    as_user(app, past.organisers[0]).get(MANAGE.format(slug=past.slug))
    assert letter_of(first).details_erased_at is not None and letter_of(second).passport_number == ""

    for letter in [letter_of(first), letter_of(second)]:  # as if the rule had not run yet
        letter.details_erased_at, letter.passport_number = None, "E12345678"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["erase-passport-details"])
    assert result.exit_code == 0 and "Passport details erased from 2 visa letter request(s)." in result.output
    assert (
        app.test_cli_runner()
        .invoke(args=["erase-passport-details"])
        .output.startswith("Passport details erased from 0 ")
    )


# --- demo -------------------------------------------------------------------------------------


def test_the_demo_has_an_approved_letter_and_a_waiting_request(app):
    from workshop.demo import load_demo
    from workshop.events.models import Event
    from workshop.registration.models import Registration

    load_demo()
    event = db.session.scalar(db.select(Event).where(Event.slug.startswith("chinese-migration-to-europe")))
    letters = db.session.scalars(
        db.select(LetterRequest).join(Registration).where(Registration.event_id == event.id)
    ).all()

    assert sorted(letter.status.value for letter in letters) == ["approved", "requested"]
    approved = next(letter for letter in letters if letter.status is LetterStatus.APPROVED)
    assert approved.reference.endswith("-V-0001") and approved.registration.visa_letter_needed
    text = pdf_text(as_user_demo(app, event).get(f"/visa-letters/{approved.id}.pdf").data)
    assert approved.passport_number in text and str(event.title) in text


def as_user_demo(app, event):
    from workshop.accounts.models import User
    from workshop.demo import ORGANISER_EMAIL, PASSWORDS

    client = app.test_client()
    organiser = db.session.scalar(db.select(User).where(User.email == ORGANISER_EMAIL))
    login(client, organiser, PASSWORDS[ORGANISER_EMAIL])
    return client


# --- concurrency ------------------------------------------------------------------------------


def test_organisers_approving_at_the_same_moment_get_different_references(app, live_url, workshop, make_user):
    from .test_check_in_concurrency import csrf_token_of, logged_in, send_together

    event, li = workshop
    registrations = [li] + [
        with_visa(make_registration(event, make_user(full_name=f"Participant {n}"))) for n in range(5)
    ]
    for registration in registrations:
        services.save_details(registration.user, registration.id, services.PassportDetails(**passport_data()))
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    organisers = [make_user(full_name=f"Organiser {n}") for n in range(len(registrations))]
    event.organisers = [*event.organisers, *organisers]
    db.session.commit()
    url = live_url + MANAGE.format(slug=event.slug)

    def prepared(organiser, registration):
        session = logged_in(live_url, organiser)
        data = {"csrf_token": csrf_token_of(session, url)}
        letter_id = letter_of(registration).id
        return lambda: (
            session.post(f"{url}/{letter_id}/approve", data=data, allow_redirects=False, timeout=120).status_code
        )

    answers = send_together(
        [prepared(organiser, registration) for organiser, registration in zip(organisers, registrations, strict=False)]
    )

    assert answers == [302] * len(registrations)
    references = sorted(letter_of(registration).reference for registration in registrations)
    assert references == [f"EVENT{event.starts_at.year}-V-{n:04d}" for n in range(1, len(registrations) + 1)]


# --- the letter stays as approved -------------------------------------------------------------


def edit_event(organiser, event, **changes):
    form = {
        "kind": "workshop",
        "title": event.title,
        "summary": "Two days on migration.",
        "venue": event.venue,
        "city": event.city,
        "country": event.country,
        "timezone": event.timezone,
        "starts_at": event.starts_at.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": event.ends_at.strftime("%Y-%m-%dT%H:%M"),
        "status": "published",
        **changes,
    }
    assert submit(organiser, f"/manage/events/{event.slug}/edit", form).status_code == 302


def test_a_participant_changing_organisation_and_position_after_approval_does_not_change_the_letter(
    app, workshop, mailbox
):
    event, li = workshop
    participant, _ = enter(app, li)
    letter = services.approve(event.organisers[0], event, letter_of(li).id)
    decided_at = letter.decided_at

    submit(
        participant,
        f"/registrations/{li.id}",
        {**REGISTRATION_FORM, "organisation": "Ministry of Foreign Affairs", "job_title": "Ambassador"},
    )

    db.session.expire_all()
    assert li.organisation == "Ministry of Foreign Affairs"  # the registration itself changed
    text = pdf_text(participant.get(f"/visa-letters/{letter.id}.pdf").data)
    assert "Deputy Director" in text and "Ministry of Human Resources and Social Security" in text
    assert "Ambassador" not in text and "Foreign Affairs" not in text
    organiser = as_user(app, event.organisers[0])
    listing = organiser.get(MANAGE.format(slug=event.slug)).get_data(as_text=True)
    assert 'data-testid="changed"' in listing and "Changed since approval" in listing

    response = organiser_post(organiser, event, f"/{letter.id}/reapprove")

    assert "The letter of Li Wei is approved again" in response.get_data(as_text=True)
    again = letter_of(li)
    assert again.reference == letter.reference and again.decided_at > decided_at
    assert again.decided_by_id == event.organisers[0].id
    text = pdf_text(participant.get(f"/visa-letters/{letter.id}.pdf").data)
    assert "Ambassador, Ministry of Foreign Affairs" in text
    assert 'data-testid="changed"' not in organiser.get(MANAGE.format(slug=event.slug)).get_data(as_text=True)
    assert mailbox.last_to("li@example.org")["Subject"] == f"Your visa invitation letter for {event.title}"


def test_event_and_letterhead_edits_do_not_change_an_approved_letter(app, workshop):
    event, li = workshop
    organiser = as_user(app, event.organisers[0])
    settings = MANAGE.format(slug=event.slug) + "/settings"
    submit(organiser, settings, {**LETTERHEAD, "logo_1": (png(), "ilo.png")}, content_type="multipart/form-data")
    enter(app, li)
    letter = services.approve(event.organisers[0], event, letter_of(li).id)
    before = organiser.get(f"/visa-letters/{letter.id}.pdf").data

    edit_event(organiser, event, title="A different workshop", city="Geneva", venue="Palais")
    submit(
        organiser,
        settings,
        {
            **LETTERHEAD,
            "issuers": "Another Organisation",
            "purpose": "Sightseeing.",
            "signatory_1_name": "Somebody Else",
            "logo_1": (png(colour=(200, 0, 0)), "red.png"),
        },
        content_type="multipart/form-data",
    )

    after = organiser.get(f"/visa-letters/{letter.id}.pdf").data
    assert pdf_text(after) == pdf_text(before)
    assert "Workshop on Chinese Migration to Europe" in pdf_text(after) and "Chang-Hee Lee" in pdf_text(after)
    logo = [image.data for image in PdfReader(io.BytesIO(after)).pages[0].images]
    assert logo == [image.data for image in PdfReader(io.BytesIO(before)).pages[0].images]
    assert 'data-testid="changed"' in organiser.get(MANAGE.format(slug=event.slug)).get_data(as_text=True)


def test_only_the_organisers_approve_a_letter_again_and_only_an_approved_one(app, workshop, make_user):
    event, li = workshop
    participant, _ = enter(app, li)
    letter_id = letter_of(li).id
    organiser = as_user(app, event.organisers[0])

    refused = organiser_post(organiser, event, f"/{letter_id}/reapprove").get_data(as_text=True)
    assert "The letter of Li Wei is not approved: approve it instead." in refused
    assert letter_of(li).status is LetterStatus.REQUESTED

    letter = services.approve(event.organisers[0], event, letter_id)
    url = MANAGE.format(slug=event.slug) + f"/{letter_id}/reapprove"
    for client in (participant, as_user(app, make_user(email="other@example.org"))):
        assert submit(client, url, {}, form_url=MINE).status_code in (403, 404)
    assert letter_of(li).decided_at == letter.decided_at
