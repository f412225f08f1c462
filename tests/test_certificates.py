"""Certificates of attendance: organisers issue them to eligible participants (or, with a written
reason, to others), revoke and re-issue them; participants download their own; anybody verifies a
code on a public, rate-limited page that tells nothing else about the person."""

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from workshop.attendance import recording
from workshop.attendance.models import CertificateRule, Method
from workshop.certificates import services
from workshop.certificates.models import Certificate, CertificateSettings
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.letterhead.models import Letterhead, SignedImage
from workshop.registration.states import State

from .conftest import as_user, make_registration, submit, text_part

MANAGE = "/manage/events/{slug}/certificates"
EARLY = {"before_the_end": "y"}  # the workshop has not ended yet: issuing is confirmed
MINE = "/registrations"


@pytest.fixture
def workshop(make_event, make_session, make_user):
    """A workshop in Beijing with two sessions and a rule of 50 %: Li Wei attended both (eligible),
    Bob Smith none (not eligible)."""
    event = make_event(
        title="Social Dialogue Workshop",
        timezone="Asia/Shanghai",
        venue="Friendship Hotel",
        city="Beijing",
        country="CN",
        partners=["International Labour Organization", "Tsinghua University"],
    )
    first = make_session(event, "Opening", minutes=60)
    second = make_session(event, "Panel", start=event.starts_at + timedelta(hours=2), minutes=90)
    db.session.add(CertificateRule(event_id=event.id, min_percent=50))
    db.session.commit()
    li = make_registration(event, make_user(full_name="Li Wei", native_name="李伟", email="li@example.org"))
    bob = make_registration(event, make_user(full_name="Bob Smith", email="bob@example.org"))
    for session in (first, second):
        assert (
            recording.mark_present(event, li, session, Method.ROSTER, event.organisers[0]).outcome
            is recording.Outcome.CHECKED_IN
        )
    return event, li, bob


def certificates_of(registration) -> list[Certificate]:
    db.session.expire_all()
    return db.session.scalars(
        db.select(Certificate).where(Certificate.registration_id == registration.id).order_by(Certificate.id)
    ).all()


def issue_to_all_eligible(event) -> list[Certificate]:
    """What "Issue to all eligible" does; the job runs at once in tests."""
    job = services.start_issuing_to_all_eligible(event.organisers[0], event, before_the_end=True).job
    db.session.expire_all()
    return db.session.scalars(
        db.select(Certificate).where(Certificate.issued_at >= job.created_at).order_by(Certificate.id)
    ).all()


def page(client, event) -> str:
    return client.get(MANAGE.format(slug=event.slug)).get_data(as_text=True)


def post(client, event, path: str, data=None):
    """A button on the organisers' page, with that page's CSRF token."""
    return submit(
        client,
        MANAGE.format(slug=event.slug) + path,
        data or {},
        form_url=MANAGE.format(slug=event.slug),
        follow_redirects=True,
    )


# --- issuing ----------------------------------------------------------------------------------


def test_issue_to_all_eligible_gives_only_the_eligible_a_certificate_and_tells_them(app, workshop, mailbox):
    event, li, bob = workshop
    organiser = as_user(app, event.organisers[0])

    shown = page(organiser, event)
    assert "Issue to all eligible (1)" in shown
    assert (
        "1 of 2 time slots" not in shown
        and "Eligible: present in 2 of 2 time slots (100 %)" in shown
        and "Not eligible: present in 0 of 2 time slots (0 %), 1 needed" in shown
    )

    response = post(organiser, event, "/issue-all", EARLY)

    assert "Finished: 1 of 1 done." in response.get_data(as_text=True)
    [certificate] = certificates_of(li)
    assert certificates_of(bob) == []
    assert re.fullmatch(r"[0-9A-F]{20}", certificate.code)  # 80 random bits
    assert (
        certificate.holder_name,
        certificate.holder_native_name,
        certificate.sessions_attended,
        certificate.sessions_counted,
    ) == ("Li Wei", "李伟", 2, 2)
    assert certificate.override_reason == "" and certificate.issued_by_id == event.organisers[0].id
    message = mailbox.last_to("li@example.org")
    assert message["Subject"] == "Your certificate of attendance for Social Dialogue Workshop"
    assert f"/certificates/{certificate.id}.pdf" in text_part(message)
    assert f"/certificates/verify/{certificate.code}" in text_part(message)
    assert mailbox.to("bob@example.org") == []

    post(organiser, event, "/issue-all", EARLY)  # again: nobody new
    assert len(certificates_of(li)) == 1


def test_a_participant_downloads_their_certificate_from_my_registrations(app, workshop):
    event, li, _bob = workshop
    [certificate] = issue_to_all_eligible(event)
    participant = as_user(app, li.user)

    mine = participant.get(MINE).get_data(as_text=True)
    link = re.search(r'href="([^"]+)" data-testid="certificate-link"', mine).group(1)
    response = participant.get(link)

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Li Wei" in text and "李伟" in text and certificate.code_for_reading in text


def test_a_non_eligible_participant_gets_a_certificate_only_with_a_written_reason(app, workshop):
    event, _li, bob = workshop
    organiser = as_user(app, event.organisers[0])

    without = post(organiser, event, f"/registrations/{bob.id}/issue", {"reason": "  ", **EARLY}).get_data(as_text=True)
    assert (
        "Bob Smith is not eligible (present in 0 of 2 time slots (0 %), 1 needed). To issue a certificate all the "
        "same, write the reason." in without
    )
    assert certificates_of(bob) == []

    post(
        organiser,
        event,
        f"/registrations/{bob.id}/issue",
        {"reason": "Attended the site visit instead, agreed with ILO", **EARLY},
    )

    [certificate] = certificates_of(bob)
    assert certificate.valid and certificate.override_reason == "Attended the site visit instead, agreed with ILO"
    assert "Issued although not eligible: Attended the site visit instead, agreed with ILO" in page(organiser, event)


def test_issuing_to_a_cancelled_registration_is_refused_and_changes_nothing(app, workshop, make_user, mailbox):
    event, _li, _bob = workshop
    cancelled = make_registration(
        event, make_user(full_name="Carla Cancelled", email="carla@example.org"), State.CANCELLED
    )
    organiser = as_user(app, event.organisers[0])

    response = post(organiser, event, f"/registrations/{cancelled.id}/issue", {"reason": "she asked", **EARLY})

    assert (
        "Carla Cancelled&#39;s registration is not confirmed (Cancelled): no certificate can be issued."
        in response.get_data(as_text=True)
    )
    assert certificates_of(cancelled) == []
    assert mailbox.to("carla@example.org") == []
    with pytest.raises(DomainError):
        services.issue(event.organisers[0], event, cancelled.id, "any reason", before_the_end=True)


def test_a_second_valid_certificate_is_refused(app, workshop):
    event, li, _bob = workshop
    services.issue(event.organisers[0], event, li.id, before_the_end=True)

    with pytest.raises(DomainError, match="already has a valid certificate"):
        services.issue(event.organisers[0], event, li.id, before_the_end=True)
    assert len(certificates_of(li)) == 1


def test_revoking_needs_a_reason_and_a_revoked_certificate_can_be_issued_again(app, workshop):
    event, li, _bob = workshop
    first = services.issue(event.organisers[0], event, li.id, before_the_end=True)
    organiser = as_user(app, event.organisers[0])

    refused = post(organiser, event, f"/{first.id}/revoke", {"reason": ""}).get_data(as_text=True)
    assert "Write why the certificate is revoked." in refused
    assert certificates_of(li)[0].valid

    post(organiser, event, f"/{first.id}/revoke", {"reason": "Name misspelt"})
    [revoked] = certificates_of(li)
    assert (
        not revoked.valid
        and revoked.revoke_reason == "Name misspelt"
        and revoked.revoked_by_id == event.organisers[0].id
    )
    assert "Name misspelt" in page(organiser, event)

    post(organiser, event, f"/registrations/{li.id}/issue", EARLY)
    old, new = certificates_of(li)
    assert not old.valid and new.valid and new.code != old.code


def test_reissuing_revokes_the_old_certificate_and_takes_the_corrected_name(app, workshop):
    event, li, _bob = workshop
    old = services.issue(event.organisers[0], event, li.id, before_the_end=True)
    li.full_name = "LI Wei"
    db.session.commit()

    post(as_user(app, event.organisers[0]), event, f"/{old.id}/reissue")

    old, new = certificates_of(li)
    assert not old.valid and old.revoke_reason == "Replaced by a new certificate."
    assert new.valid and new.holder_name == "LI Wei"


# --- who may do what --------------------------------------------------------------------------


def test_a_participant_cannot_download_anothers_certificate(app, workshop, make_user):
    event, li, bob = workshop
    certificate = issue_to_all_eligible(event)[0]

    assert as_user(app, bob.user).get(f"/certificates/{certificate.id}.pdf").status_code == 404
    assert as_user(app, make_user()).get(f"/certificates/{certificate.id}.pdf").status_code == 404
    assert as_user(app, li.user).get("/certificates/999999.pdf").status_code == 404
    assert app.test_client().get(f"/certificates/{certificate.id}.pdf").status_code == 302  # to log in


def test_a_revoked_certificate_is_no_longer_downloadable_by_its_holder(app, workshop):
    event, li, _bob = workshop
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)
    services.revoke(event.organisers[0], event, certificate.id, "issued by mistake")

    assert as_user(app, li.user).get(f"/certificates/{certificate.id}.pdf").status_code == 404


def test_only_the_events_organisers_manage_its_certificates(app, workshop, make_user, make_event):
    event, li, bob = workshop
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)
    participant = as_user(app, li.user)
    other_organiser = as_user(app, make_event().organisers[0])

    for client in (participant, other_organiser):
        assert client.get(MANAGE.format(slug=event.slug)).status_code == 403
        assert client.get(MANAGE.format(slug=event.slug) + "/settings").status_code == 403
        assert client.get(MANAGE.format(slug=event.slug) + ".pdf").status_code == 403
        assert client.get(MANAGE.format(slug=event.slug) + ".zip").status_code == 403
    assert other_organiser.get(f"/certificates/{certificate.id}.pdf").status_code == 404
    with pytest.raises(DomainError):
        services.issue(li.user, event, bob.id, "I say so", before_the_end=True)
    assert certificates_of(bob) == []


def test_organisers_download_every_valid_certificate_as_one_pdf_and_as_a_zip(app, workshop, make_user):
    event, li, bob = workshop
    services.issue(event.organisers[0], event, li.id, before_the_end=True)
    services.issue(event.organisers[0], event, bob.id, "exception agreed", before_the_end=True)
    revoked = services.issue(
        event.organisers[0],
        event,
        make_registration(event, make_user(full_name="Revoked Person")).id,
        "a test",
        before_the_end=True,
    )
    services.revoke(event.organisers[0], event, revoked.id, "issued by mistake")
    organiser = as_user(app, event.organisers[0])

    combined = organiser.get(MANAGE.format(slug=event.slug) + ".pdf")
    assert combined.mimetype == "application/pdf"
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(combined.data)).pages]
    assert len(texts) == 2 and "Bob Smith" in texts[0] and "Li Wei" in texts[1]

    archive = organiser.get(MANAGE.format(slug=event.slug) + ".zip")
    with zipfile.ZipFile(io.BytesIO(archive.data)) as z:
        names = sorted(z.namelist())
        assert [re.sub(r"-[0-9A-F]{8}\.pdf$", "", n) for n in names] == ["certificate-bob-smith", "certificate-li-wei"]
        assert all(len(PdfReader(io.BytesIO(z.read(n))).pages) == 1 for n in names)


# --- verification -----------------------------------------------------------------------------


def test_the_verification_page_shows_the_holder_event_dates_and_issuer_and_nothing_else(app, workshop, client):
    event, li, _bob = workshop
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)

    response = client.get(f"/certificates/verify/{certificate.code}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        "Valid certificate" in html
        and 'Li Wei · <span lang="zh">李伟</span>' in html
        and "Social Dialogue Workshop" in html
    )
    assert "International Labour Organization · Tsinghua University" in html
    assert "li@example.org" not in html and "Ministry of Human Resources" not in html and "Friendship Hotel" not in html


def test_a_typed_code_with_dashes_and_small_letters_leads_to_the_certificate(app, workshop, client):
    event, li, _bob = workshop
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)

    response = client.get("/certificates/verify", query_string={"code": certificate.code_for_reading.lower()})

    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/certificates/verify/{certificate.code}"
    )


def test_a_revoked_certificate_is_shown_as_revoked_with_its_date(app, workshop, client):
    event, li, _bob = workshop
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)
    services.revoke(event.organisers[0], event, certificate.id, "name misspelt")

    html = client.get(f"/certificates/verify/{certificate.code}").get_data(as_text=True)

    assert "Revoked on" in html and "no longer valid" in html and "Valid certificate" not in html
    assert "name misspelt" not in html  # the reason is the organisers'


def test_malformed_and_unknown_codes_get_a_clear_answer(app, client):
    typed = client.get("/certificates/verify", query_string={"code": "not a code"})
    assert typed.status_code == 400 and "This is not a certificate code" in typed.get_data(as_text=True)

    malformed = client.get("/certificates/verify/XYZ")
    assert malformed.status_code == 404 and "This is not a certificate code" in malformed.get_data(as_text=True)

    unknown = client.get("/certificates/verify/" + "0" * 20)
    assert unknown.status_code == 404 and "No certificate has this code" in unknown.get_data(as_text=True)

    assert client.get("/certificates/verify").status_code == 200


def test_verification_is_rate_limited(app, client):
    app.config["VERIFY_RATE_LIMIT"] = "3 per minute"

    answers = [client.get("/certificates/verify/" + "0" * 20).status_code for _ in range(3)]
    answers.append(client.get("/certificates/verify", query_string={"code": "1" * 20}).status_code)

    assert answers == [404, 404, 404, 429]


# --- settings ---------------------------------------------------------------------------------


def png(width=120, height=40, colour=(20, 60, 120)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


SETTINGS = {
    "issuers": "ILO Country Office for China\nMinistry of Human Resources",
    "signatory_1_name": "Chang-Hee Lee",
    "signatory_1_title": "Director",
}


def test_settings_with_logos_and_a_signature_appear_on_the_certificate(app, workshop):
    event, li, _bob = workshop
    organiser = as_user(app, event.organisers[0])
    url = MANAGE.format(slug=event.slug) + "/settings"

    response = submit(
        organiser,
        url,
        {
            **SETTINGS,
            "bilingual": "y",
            "logo_1": (png(), "ilo.png"),
            "signature_1": (png(200, 60, (0, 0, 0)), "sig.png"),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 302
    db.session.expire_all()
    letterhead = db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id))
    assert letterhead.issuer_list == ["ILO Country Office for China", "Ministry of Human Resources"]
    assert letterhead.logo_1 and letterhead.signature_1
    assert db.session.scalar(db.select(CertificateSettings.bilingual).where(CertificateSettings.event_id == event.id))
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)
    assert certificate.bilingual
    document = PdfReader(io.BytesIO(organiser.get(f"/certificates/{certificate.id}.pdf").data))
    text = document.pages[0].extract_text()
    assert (
        "ILO Country Office for China · Ministry of Human Resources" in text
        and "Chang-Hee Lee" in text
        and "出席证明" in text
    )
    assert count_images(document) == 2  # the logo and the signature


def count_images(document) -> int:
    page = document.pages[0]
    images = 0
    for xobject in page["/Resources"]["/XObject"].values():
        xobject = xobject.get_object()
        if xobject["/Subtype"] == "/Form":
            images += sum(
                1
                for inner in xobject["/Resources"].get("/XObject", {}).values()
                if inner.get_object()["/Subtype"] == "/Image"
            )
    return images


@pytest.mark.parametrize("slot", ["logo_2", "signature_2"])
def test_a_logo_or_signature_that_is_not_an_image_is_refused_and_nothing_is_kept(app, workshop, slot):
    event, _li, _bob = workshop
    organiser = as_user(app, event.organisers[0])
    url = MANAGE.format(slug=event.slug) + "/settings"
    folder = Path(app.config["UPLOAD_DIR"])
    uploads_before = sorted(p.name for p in folder.glob("*"))

    response = submit(
        organiser,
        url,
        {**SETTINGS, "logo_1": (png(), "fine.png"), slot: (io.BytesIO(b"<svg onload=alert(1)>"), "evil.png")},
        content_type="multipart/form-data",
    )

    html = response.get_data(as_text=True)
    assert (
        response.status_code == 200
        and "This type of file is not accepted here. Accepted: JPEG, JPG, PNG, WEBP." in html
    )
    assert 'value="Chang-Hee Lee"' in html  # what was typed comes back
    assert db.session.scalar(db.select(CertificateSettings).where(CertificateSettings.event_id == event.id)) is None
    assert db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id)) is None
    assert sorted(p.name for p in folder.glob("*")) == uploads_before  # the good logo is not kept either


# --- an image gone from the upload directory ----------------------------------------------------


def with_images(app, event, *slots) -> Letterhead:
    """SETTINGS and an image in each of ``slots``, saved through the settings page."""
    organiser = as_user(app, event.organisers[0])
    files = {slot: (png(), f"{slot}.png") for slot in slots}
    response = submit(
        organiser,
        MANAGE.format(slug=event.slug) + "/settings",
        {**SETTINGS, **files},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    return db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id))


def drawing(data: bytes) -> tuple[str, list[bytes]]:
    """A certificate's text and its images' data, what a reader sees of it."""
    document = PdfReader(io.BytesIO(data))
    images = []
    for xobject in document.pages[0]["/Resources"]["/XObject"].values():
        for inner in xobject.get_object().get("/Resources", {}).get("/XObject", {}).values():
            images.append(inner.get_object().get_data())
    return document.pages[0].extract_text(), sorted(images)


def remove_file(app, key: str) -> None:
    (Path(app.config["UPLOAD_DIR"]) / key).unlink()


@pytest.mark.parametrize("slot, named", [("logo_2", "the second logo"), ("signature_1", "the first signature")])
def test_an_image_gone_from_the_server_leaves_issued_certificates_whole_and_stops_new_ones_saying_which(
    app, workshop, slot, named
):
    event, li, bob = workshop
    settings = with_images(app, event, "logo_1", "logo_2", "signature_1")
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)
    organiser = as_user(app, event.organisers[0])
    urls = (MANAGE.format(slug=event.slug) + ".pdf", f"/certificates/{certificate.id}.pdf")
    before = [drawing(organiser.get(url).data) for url in urls]
    remove_file(app, getattr(settings, slot))

    for url, drawn in zip(urls, before, strict=True):
        response = organiser.get(url)
        assert response.mimetype == "application/pdf", url
        assert drawing(response.data) == drawn, url  # drawn from the images it was issued with
    shown = post(organiser, event, f"/registrations/{bob.id}/issue", {"reason": "Followed online", **EARLY}).get_data(
        as_text=True
    )
    assert (
        f"No certificate can be issued: the file of {named} is missing on the server. Upload it again in the "
        "certificate settings." in shown
    )
    assert 'data-testid="missing-images"' in shown
    assert db.session.scalar(db.select(Certificate).where(Certificate.registration_id == bob.id)) is None

    settings_page = organiser.get(MANAGE.format(slug=event.slug) + "/settings").get_data(as_text=True)
    assert re.search(rf'<input[^>]*class="form-control is-invalid"[^>]*name="{slot}"', settings_page)
    assert settings_page.count('d-block">The file uploaded here is missing on the server: upload it again.') == 1


def test_uploading_the_missing_logo_again_lets_certificates_be_issued_with_it(app, workshop):
    event, li, bob = workshop
    settings = with_images(app, event, "logo_1")
    services.issue(event.organisers[0], event, li.id, before_the_end=True)
    remove_file(app, settings.logo_1)

    with_images(app, event, "logo_1")

    organiser = as_user(app, event.organisers[0])
    assert 'data-testid="missing-images"' not in page(organiser, event)
    certificate = services.issue(event.organisers[0], event, bob.id, "Followed online", before_the_end=True)
    document = PdfReader(io.BytesIO(as_user(app, bob.user).get(f"/certificates/{certificate.id}.pdf").data))
    assert count_images(document) == 1


def test_a_certificate_whose_kept_image_is_gone_is_never_drawn_without_it_and_a_re_issue_mends_it(app, workshop):
    """A certificate issued before images were kept with it, whose file was gone by then."""
    event, li, bob = workshop
    with_images(app, event, "logo_1")
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)
    db.session.execute(db.delete(SignedImage))
    db.session.commit()

    response = as_user(app, li.user).get(f"/certificates/{certificate.id}.pdf")

    assert response.status_code == 503 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "A file is missing" in html
    assert "Your certificate cannot be drawn just now: an image on it is missing on the server." in html
    assert (
        as_user(app, bob.user).get(f"/certificates/{certificate.id}.pdf").status_code == 404
    )  # nothing told to others
    organiser = as_user(app, event.organisers[0])
    assert organiser.get(f"/certificates/{certificate.id}.pdf").status_code == 302
    assert "The certificates cannot be drawn: an image they were issued with is missing. Re-issue them." in page(
        organiser, event
    )
    new = services.reissue(event.organisers[0], event, certificate.id)
    document = PdfReader(io.BytesIO(as_user(app, li.user).get(f"/certificates/{new.id}.pdf").data))
    assert count_images(document) == 1


# --- a certificate stays as issued ------------------------------------------------------------


def test_event_and_letterhead_edits_do_not_change_an_issued_certificate_until_it_is_re_issued(app, workshop, make_user):
    event, li, _bob = workshop
    with_images(app, event, "logo_1", "signature_1")
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)
    organiser = as_user(app, event.organisers[0])
    holder = as_user(app, li.user)
    before = drawing(holder.get(f"/certificates/{certificate.id}.pdf").data)

    event.title, event.city = "A Quite Different Title", "Shanghai"
    db.session.commit()
    submit(
        organiser,
        MANAGE.format(slug=event.slug) + "/settings",
        {
            "issuers": "Somebody Else Entirely",
            "signatory_1_name": "Another Signatory",
            "logo_1": (png(90, 90, (200, 0, 0)), "red.png"),
        },
        content_type="multipart/form-data",
    )

    assert drawing(holder.get(f"/certificates/{certificate.id}.pdf").data) == before
    text = before[0]
    assert "Social Dialogue Workshop" in text and "Beijing" in text and "Chang-Hee Lee" in text
    verified = app.test_client().get(f"/certificates/verify/{certificate.code}").get_data(as_text=True)
    assert "Social Dialogue Workshop" in verified and "ILO Country Office for China" in verified
    assert "A Quite Different Title" not in verified and "Somebody Else Entirely" not in verified
    assert 'data-testid="changed"' in page(organiser, event)

    post(organiser, event, f"/{certificate.id}/reissue")

    db.session.expire_all()
    old = db.session.get(Certificate, certificate.id)
    new = db.session.scalar(
        db.select(Certificate).where(Certificate.registration_id == li.id, Certificate.revoked_at.is_(None))
    )
    assert old.revoked_by_id == event.organisers[0].id and old.revoke_reason == "Replaced by a new certificate."
    assert new.issued_by_id == event.organisers[0].id and new.issued_at >= old.revoked_at
    text, _images = drawing(holder.get(f"/certificates/{new.id}.pdf").data)
    assert "A Quite Different Title" in text and "Somebody Else Entirely" in text and "Another Signatory" in text
    assert 'data-testid="changed"' not in page(organiser, event)


def test_a_holder_renamed_after_issue_keeps_the_certificate_as_issued_and_organisers_are_told(app, workshop):
    event, li, _bob = workshop
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)

    li.full_name = "Li Wei Junior"
    db.session.commit()

    text, _images = drawing(as_user(app, li.user).get(f"/certificates/{certificate.id}.pdf").data)
    assert "Li Wei" in text and "Junior" not in text
    assert 'data-testid="changed"' in page(as_user(app, event.organisers[0]), event)
