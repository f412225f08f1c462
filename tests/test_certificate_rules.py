"""Rules of certificates that organisers notice: issuing before the event has ended needs a
confirmation, a revoked certificate's holder is told by e-mail, and a long issuing organisation is
printed whole, wrapped inside the page."""

from html import unescape

import pytest

from workshop.certificates import services
from workshop.certificates.models import Certificate
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.jobs.models import Job

from . import test_certificates
from .conftest import make_registration, submit, text_part
from .test_certificates import MANAGE, as_user, certificates_of, page, post
from .test_pdf_scripts import needs_poppler, squeezed, text_of, words_outside

workshop = test_certificates.workshop  # the fixture: a workshop in Beijing that has not ended; Li Wei eligible


def text_of_page(client, event) -> str:
    return unescape(page(client, event))


# --- issuing before the end -------------------------------------------------------------------


def test_issuing_before_the_end_is_refused_without_confirmation_and_nothing_is_issued(app, workshop, mailbox):
    event, li, _bob = workshop
    organiser = as_user(app, event.organisers[0])
    assert 'data-testid="before-the-end"' in page(organiser, event)

    response = post(organiser, event, f"/registrations/{li.id}/issue")

    shown = unescape(response.get_data(as_text=True))
    assert "The event has not ended yet" in shown and 'tick "Issue before the event ends"' in shown
    assert certificates_of(li) == []
    assert mailbox.to("li@example.org") == []
    with pytest.raises(DomainError) as refused:
        services.issue(event.organisers[0], event, li.id)
    assert refused.value.field == "before_the_end"
    assert certificates_of(li) == []


def test_issuing_to_all_before_the_end_is_refused_without_confirmation(app, workshop):
    event, li, _bob = workshop
    organiser = as_user(app, event.organisers[0])

    response = post(organiser, event, "/issue-all")

    assert "The event has not ended yet" in unescape(response.get_data(as_text=True))
    assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 0
    assert certificates_of(li) == []


def test_ticking_the_confirmation_issues_before_the_end(app, workshop, mailbox):
    event, li, _bob = workshop
    organiser = as_user(app, event.organisers[0])
    shown = page(organiser, event)
    assert f'id="before_the_end-{li.id}"' in shown and 'for="before_the_end-all"' in shown

    post(organiser, event, f"/registrations/{li.id}/issue", {"before_the_end": "y"})

    [certificate] = certificates_of(li)
    assert certificate.valid
    assert mailbox.last_to("li@example.org")["Subject"] == "Your certificate of attendance for Social Dialogue Workshop"


def test_after_the_end_no_confirmation_is_asked(app, make_event, make_user):
    event = make_event(starts_in_days=-5, days=2)
    wang = make_registration(event, make_user(full_name="Wang Fang"))
    organiser = as_user(app, event.organisers[0])
    shown = page(organiser, event)
    assert 'data-testid="before-the-end"' not in shown and "before_the_end" not in shown

    post(organiser, event, f"/registrations/{wang.id}/issue", {"reason": "Attended in person, roster lost"})

    [certificate] = certificates_of(wang)
    assert certificate.override_reason == "Attended in person, roster lost"


# --- revocation -------------------------------------------------------------------------------


def test_the_holder_is_told_of_a_revocation_with_its_reason(app, workshop, mailbox):
    event, li, _bob = workshop
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)
    organiser = as_user(app, event.organisers[0])

    post(organiser, event, f"/{certificate.id}/revoke", {"reason": "Issued to the wrong person by mistake"})

    message = mailbox.last_to("li@example.org")
    assert message["Subject"] == "Your certificate for Social Dialogue Workshop is revoked"
    body = text_part(message)
    assert certificate.code_for_reading in body and "it is no longer valid" in body
    assert "Reason for the revocation: Issued to the wrong person by mistake" in body
    assert f"/certificates/verify/{certificate.code}" in body


def test_the_revocation_reaches_the_holder_in_their_language(app, workshop, mailbox):
    event, li, _bob = workshop
    li.user.locale = "zh"
    db.session.commit()
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)

    services.revoke(event.organisers[0], event, certificate.id, "姓名有误")

    message = mailbox.last_to("li@example.org")
    body = text_part(message)
    assert "Social Dialogue Workshop" in message["Subject"] and "撤销" in message["Subject"]
    assert "姓名有误" in body and certificate.code_for_reading in body and "撤销" in body


def test_a_revocation_refused_sends_nothing(app, workshop, mailbox):
    event, li, _bob = workshop
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)
    organiser = as_user(app, event.organisers[0])
    sent = len(mailbox.to("li@example.org"))

    response = post(organiser, event, f"/{certificate.id}/revoke", {"reason": "   "})

    assert "Write why the certificate is revoked." in response.get_data(as_text=True)
    assert certificates_of(li)[0].valid
    assert len(mailbox.to("li@example.org")) == sent


def test_participants_and_other_events_organisers_cannot_revoke(app, workshop, make_event, mailbox):
    event, li, _bob = workshop
    certificate = services.issue(event.organisers[0], event, li.id, before_the_end=True)
    sent = len(mailbox.to("li@example.org"))
    url = MANAGE.format(slug=event.slug) + f"/{certificate.id}/revoke"

    for person in (li.user, make_event().organisers[0]):
        client = as_user(app, person)
        answer = submit(client, url, {"reason": "I say so"}, form_url="/registrations")
        assert answer.status_code in (403, 404)
        assert client.get(MANAGE.format(slug=event.slug)).status_code in (403, 404)

    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).valid
    assert len(mailbox.to("li@example.org")) == sent


# --- long issuing organisations ---------------------------------------------------------------

LONG_ENGLISH = (
    "International Labour Organization Country Office for China and Mongolia, in partnership with the "
    "Ministry of Human Resources and Social Security of the People's Republic of China, the All-China "
    "Federation of Trade Unions, the China Enterprise Confederation, the European Union Delegation to China, "
    "the Institute for Labour Studies of the University of Nottingham Ningbo China, the Secretariat of the "
    "Organising Committee of the High-Level Training Workshop on Social Dialogue and Tripartite Consultation, "
    "and the Regional Office for Asia and the Pacific of the International Organization for Migration"
)
LONG_CHINESE = (
    "国际劳工组织中国和蒙古局与中华人民共和国人力资源和社会保障部、中华全国总工会、中国企业联合会"
    "以及欧洲联盟驻华代表团共同主办的关于社会对话与三方协商机制的高级别培训研讨会组织委员会秘书处、"
    "宁波诺丁汉大学劳动研究所、国际移民组织亚洲及太平洋区域办事处、中国劳动和社会保障科学研究院"
    "国际劳动保障研究所及欧洲大学研究所移民政策中心联合工作组，以及参与本次培训课程设计、教材编写、"
    "现场组织和后续评估工作的各国政府部门、雇主组织、工人组织、学术研究机构和国际组织的全体合作伙伴"
)


def certificate_pdf(client, certificate) -> bytes:
    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 200
    return response.get_data()


@needs_poppler
@pytest.mark.parametrize(
    "issuers, bilingual, printed",
    [
        ({"issuers-en": LONG_ENGLISH}, False, [LONG_ENGLISH]),
        ({"issuers-zh": LONG_CHINESE}, False, [LONG_CHINESE]),
        ({"issuers-en": LONG_ENGLISH, "issuers-zh": LONG_CHINESE}, True, [LONG_ENGLISH, LONG_CHINESE]),
    ],
    ids=["english", "chinese", "both"],
)
def test_a_very_long_issuing_organisation_wraps_whole_inside_the_page(app, workshop, issuers, bilingual, printed):
    event, li, _bob = workshop
    organiser = as_user(app, event.organisers[0])
    settings = {**issuers, **({"bilingual": "y"} if bilingual else {})}
    assert submit(organiser, MANAGE.format(slug=event.slug) + "/settings", settings).status_code == 302

    data = certificate_pdf(organiser, services.issue(event.organisers[0], event, li.id, before_the_end=True))

    text = squeezed(text_of(data))
    for issuer in printed:
        assert squeezed(issuer) in text
    assert "…" not in text
    assert words_outside(data, 12.5 * 72 / 25.4, (297 - 12.5) * 72 / 25.4) == []
