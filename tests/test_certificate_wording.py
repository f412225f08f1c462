"""The certificate's wording that organisers write, in English and Chinese: the issuing
organisations, the signatories' titles and the event's partners. A bilingual certificate prints
both languages, an English one the English (else what there is); a certificate keeps the wording
it was issued with, in every language, and one issued before there were languages still draws."""

import io
import json

import pytest
from pypdf import PdfReader

from workshop.attendance import recording
from workshop.attendance.models import CertificateRule, Method
from workshop.certificates import pdf, services
from workshop.certificates.models import Certificate
from workshop.events.models import Event
from workshop.extensions import db
from workshop.letterhead.models import Letterhead

from .conftest import as_user, make_registration, submit
from .test_events import EVENT_FORM

SETTINGS = "/manage/events/{slug}/certificates/settings"
EVENT_EDIT = "/manage/events/{slug}/edit"

BOTH = {
    "issuers-en": "International Labour Organization\nTsinghua University",
    "issuers-zh": "国际劳工组织\n清华大学",
    "signatory_1_name": "Chang-Hee Lee",
    "signatory_1_title-en": "Director, ILO Country Office for China",
    "signatory_1_title-zh": "国际劳工组织驻华局局长",
}


@pytest.fixture
def workshop(make_event, make_session, make_user):
    """A workshop with one session that Li Wei attended."""
    event = make_event(title={"en": "Social Dialogue Workshop", "zh": "社会对话研讨会"}, timezone="Asia/Shanghai")
    session = make_session(event, "Opening", minutes=60)
    db.session.add(CertificateRule(event_id=event.id, min_percent=50))
    db.session.commit()
    li = make_registration(event, make_user(full_name="Li Wei", native_name="李伟"))
    recording.mark_present(event, li, session, Method.ROSTER, event.organisers[0])
    return event, li


def save_settings(client, event, **fields):
    return submit(client, SETTINGS.format(slug=event.slug), fields)


def text_of(certificate) -> str:
    db.session.expire_all()
    [sheet] = pdf.sheets_for([db.session.get(Certificate, certificate.id)])
    return PdfReader(io.BytesIO(pdf.render_certificate(sheet))).pages[0].extract_text()


def letterhead_of(event) -> Letterhead:
    db.session.expire_all()
    return db.session.scalar(db.select(Letterhead).where(Letterhead.event_id == event.id))


def test_the_settings_form_has_a_box_for_each_language_and_keeps_both(app, workshop):
    event, _li = workshop
    client = as_user(app, event.organisers[0])

    response = save_settings(client, event, **BOTH)

    assert response.status_code == 302
    letterhead = letterhead_of(event)
    assert [issuer.texts for issuer in letterhead.issuer_list] == [
        {"en": "International Labour Organization", "zh": "国际劳工组织"},
        {"en": "Tsinghua University", "zh": "清华大学"},
    ]
    assert letterhead.signatory_1_title.texts == {"en": BOTH["signatory_1_title-en"], "zh": "国际劳工组织驻华局局长"}
    form = client.get(SETTINGS.format(slug=event.slug)).get_data(as_text=True)
    assert 'name="issuers-zh"' in form and "国际劳工组织\n清华大学" in form and "国际劳工组织驻华局局长" in form


def test_a_bilingual_certificate_names_the_issuers_and_titles_in_english_and_chinese(app, workshop):
    event, li = workshop
    save_settings(as_user(app, event.organisers[0]), event, bilingual="y", **BOTH)

    text = text_of(services.issue(event.organisers[0], event, li.id, before_the_end=True))

    for wording in (
        "International Labour Organization · Tsinghua University",
        "国际劳工组织 · 清华大学",
        "Director, ILO Country Office for China",
        "国际劳工组织驻华局局长",
        "Chang-Hee Lee",
    ):
        assert wording in text, wording
    # read from top to bottom: the issuers, English first, before the title of the certificate
    assert text.index("Tsinghua University") < text.index("国际劳工组织 · 清华大学") < text.index("CERTIFICATE")


def test_an_english_certificate_names_them_in_english_or_in_what_there_is(app, workshop):
    event, li = workshop
    organiser = as_user(app, event.organisers[0])
    save_settings(organiser, event, **BOTH)
    english = text_of(services.issue(event.organisers[0], event, li.id, before_the_end=True))

    save_settings(
        organiser,
        event,
        **{"issuers-zh": "国际劳工组织", "signatory_1_name": "Li Ming", "signatory_1_title-zh": "处长"},
    )
    certificate = services.reissue(event.organisers[0], event, db.session.scalars(db.select(Certificate)).one().id)
    only_chinese = text_of(certificate)

    assert "International Labour Organization · Tsinghua University" in english and "Director" in english
    assert "国际劳工组织" not in english and "清华大学" not in english and "局长" not in english
    assert "国际劳工组织" in only_chinese and "处长" in only_chinese  # no English: the Chinese, rather than nothing


def test_the_event_partners_named_in_both_languages_issue_a_bilingual_certificate(app, workshop):
    event, li = workshop
    client = as_user(app, event.organisers[0])
    partners = {"partners-en": "International Labour Organization\nTsinghua University", "partners-zh": "国际劳工组织"}
    submit(client, EVENT_EDIT.format(slug=event.slug), EVENT_FORM | {"status": "published"} | partners)
    save_settings(client, event, bilingual="y", signatory_1_name="Chang-Hee Lee")  # no issuers: the partners

    db.session.expire_all()
    names = [partner.name.texts for partner in db.session.get(Event, event.id).partners]
    text = text_of(services.issue(event.organisers[0], event, li.id, before_the_end=True))
    form = client.get(EVENT_EDIT.format(slug=event.slug)).get_data(as_text=True)

    assert names == [{"en": "International Labour Organization", "zh": "国际劳工组织"}, {"en": "Tsinghua University"}]
    assert "International Labour Organization · Tsinghua University" in text
    assert "国际劳工组织 · Tsinghua University" in text  # no Chinese name for the second: its English one
    assert 'name="partners-zh"' in form and ">\r\n国际劳工组织</textarea>" in form


def test_a_certificate_keeps_both_languages_and_one_issued_before_languages_still_draws(app, workshop):
    event, li = workshop
    organiser = as_user(app, event.organisers[0])
    save_settings(organiser, event, bilingual="y", **BOTH)
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)
    kept = json.loads(certificate.issued_as_json)
    assert kept["issuers"][0] == {"en": "International Labour Organization", "zh": "国际劳工组织"}
    assert kept["signatories"][0][1] == {"en": BOTH["signatory_1_title-en"], "zh": "国际劳工组织驻华局局长"}

    # A certificate issued before there were languages keeps plain texts
    kept["issuers"] = ["ILO Country Office for China", "Ministry of Human Resources"]
    kept["signatories"] = [["Chang-Hee Lee", "Director", ""]]
    certificate.issued_as_json = json.dumps(kept, ensure_ascii=False)
    db.session.commit()
    text = text_of(certificate)
    verified = app.test_client().get(f"/certificates/verify/{certificate.code}").get_data(as_text=True)

    assert "ILO Country Office for China · Ministry of Human Resources" in text and "Director" in text
    assert "国际劳工组织" not in text
    assert "ILO Country Office for China" in verified


def test_letters_stay_in_english_with_a_letterhead_in_both_languages(app, workshop):
    from workshop.letters import as_approved

    event, _li = workshop
    save_settings(as_user(app, event.organisers[0]), event, **BOTH)
    letterhead = letterhead_of(event)

    assert (
        as_approved.organisation_of(db.session.get(Event, event.id), letterhead) == "International Labour Organization"
    )


def test_too_long_a_title_or_list_in_one_language_is_refused_and_nothing_changes(app, workshop):
    event, _li = workshop
    client = as_user(app, event.organisers[0])
    save_settings(client, event, **BOTH)

    long_title = save_settings(client, event, **(BOTH | {"signatory_1_title-zh": "局" * 201}))
    long_list = save_settings(client, event, **(BOTH | {"issuers-zh": "组" * 2001}))
    second_first = save_settings(client, event, **(BOTH | {"signatory_1_name": "", "signatory_2_name": "Wang Fang"}))

    assert "The Chinese text is longer than 200 characters." in long_title.get_data(as_text=True)
    assert "The Chinese text is longer than 2000 characters." in long_list.get_data(as_text=True)
    assert "Name the first signatory before the second." in second_first.get_data(as_text=True)
    letterhead = letterhead_of(event)
    assert letterhead.signatory_1_title.get("zh") == "国际劳工组织驻华局局长"
    assert [issuer.get("zh") for issuer in letterhead.issuer_list] == ["国际劳工组织", "清华大学"]


def test_only_the_events_organisers_change_the_wording(app, workshop, make_user, make_event):
    event, li = workshop
    other = make_event()
    for person in (li.user, other.organisers[0], make_user()):
        client = as_user(app, person)
        assert client.get(SETTINGS.format(slug=event.slug)).status_code == 403
        response = submit(client, SETTINGS.format(slug=event.slug), BOTH, form_url=f"/events/{event.slug}")
        assert response.status_code == 403
    assert letterhead_of(event) is None


def test_a_training_course_ends_in_a_certificate_of_completion_in_both_languages(app, workshop, mailbox):
    from workshop.events.models import EventKind

    from .conftest import text_part

    event, li = workshop
    event.kind = EventKind.TRAINING
    li.user.locale = "zh"  # a Chinese reader's certificate is bilingual
    db.session.commit()

    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)

    text = text_of(certificate)
    assert "CERTIFICATE OF COMPLETION" in text and "has completed the training course" in text
    assert "结业证书" in text and "颁发日期" in text and "验证本证书" in text
    assert "ATTENDANCE" not in text and "出席证明" not in text
    message = mailbox.last_to(li.user.email)
    assert "结业证书" in message["Subject"] and "结业证书" in text_part(message)
    mine = as_user(app, li.user).get("/registrations").get_data(as_text=True)
    assert "下载您的结业证书（PDF）" in mine and "出席证明" not in mine


def test_a_workshop_keeps_its_certificate_of_attendance(app, workshop):
    event, li = workshop
    li.user.locale = "zh"
    db.session.commit()

    text = text_of(services.issue(event.organisers[0], event, li.id, before_the_end=True))

    assert "CERTIFICATE OF ATTENDANCE" in text and "出席证明" in text and "出具日期" in text
    assert "COMPLETION" not in text and "结业证书" not in text


def test_a_training_courses_certificate_is_one_of_completion_on_the_verify_and_organisers_pages(app, workshop):
    from workshop.events.models import EventKind

    event, li = workshop
    event.kind = EventKind.TRAINING
    organiser = event.organisers[0]
    organiser.locale = "zh"
    db.session.commit()
    certificate = services.issue(organiser, event, li.id, before_the_end=True)

    verified = app.test_client().get(f"/certificates/verify/{certificate.code}", headers={"Accept-Language": "zh"})
    page = verified.get_data(as_text=True)
    assert "证书验证" in page and "结业证书" in page and "出席证明" not in page
    client = as_user(app, organiser)
    for address in (f"/manage/events/{event.slug}/certificates", f"/manage/events/{event.slug}/certificate-rule"):
        page = client.get(address).get_data(as_text=True)
        assert "结业证书" in page and "出席证明" not in page, address


def test_a_workshops_certificate_is_verified_as_one_of_attendance(app, workshop):
    event, li = workshop
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)

    page = app.test_client().get(f"/certificates/verify/{certificate.code}").get_data(as_text=True)

    assert 'data-testid="kind">Certificate of attendance<' in page and "completion" not in page


def test_issued_to_all_at_once_each_holder_gets_the_certificate_in_their_language(app, workshop, make_user):
    from workshop.agenda.models import AgendaSession

    event, li = workshop
    anna = make_registration(event, make_user(full_name="Anna Schmidt", locale="en"))
    opening = db.session.scalar(db.select(AgendaSession).where(AgendaSession.event_id == event.id))
    recording.mark_present(event, anna, opening, Method.ROSTER, event.organisers[0])
    li.user.locale = "zh"
    event.organisers[0].locale = "en"  # the organiser who issues them reads English
    db.session.commit()

    services.start_issuing_to_all_eligible(event.organisers[0], event, before_the_end=True)

    def text_for(registration) -> str:
        certificate = db.session.scalar(db.select(Certificate).where(Certificate.registration_id == registration.id))
        return text_of(certificate)

    assert "CERTIFICATE OF ATTENDANCE" in text_for(li) and "出席证明" in text_for(li)
    assert "CERTIFICATE OF ATTENDANCE" in text_for(anna) and "出席证明" not in text_for(anna)
