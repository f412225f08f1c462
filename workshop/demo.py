"""Demo data for ``flask seed-demo``: the accounts and events a visitor sees on a fresh install.

Everything is loaded once. The marker is the demo administrator's e-mail address: when
that account exists, ``load_demo`` changes nothing. Dates follow today, so the upcoming
events stay upcoming whenever the demo is loaded. The people are fictional.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.exc import IntegrityError

from .accounts.models import User
from .events.models import Event, EventKind, EventPartner, EventStatus
from .demo_programme import PROGRAMMES, add_past_attendance, add_programme, add_registrations
from .events.services import unique_slug
from .extensions import db
from .timeutil import local_to_utc, utcnow

ADMIN_EMAIL = "admin@example.org"
ORGANISER_EMAIL = "organiser@example.org"
PARTICIPANT_EMAIL = "zhang.min@example.org"

# (role, e-mail, password): printed by ``flask seed-demo``.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("admin", ADMIN_EMAIL, "lace-market-admin-2718"),
    ("organiser", ORGANISER_EMAIL, "jubilee-campus-organiser"),
    ("participant", PARTICIPANT_EMAIL, "pearl-river-participant"),
]
PASSWORDS = {email: password for _, email, password in DEMO_LOGINS}


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    native_name: str = ""
    locale: str = "en"
    is_admin: bool = False
    can_create_events: bool = False


PEOPLE = [
    DemoPerson(ADMIN_EMAIL, "Ruth Ellison", is_admin=True, can_create_events=True),
    DemoPerson(ORGANISER_EMAIL, "Catherine Shaw", can_create_events=True),
    DemoPerson(PARTICIPANT_EMAIL, "Zhang Min", "张敏", "zh"),
    # Participants and speakers of the demo events (see demo_programme.py).
    DemoPerson("li.wei@example.org", "Li Wei", "李伟", "zh"),
    DemoPerson("wang.fang@example.org", "Wang Fang", "王芳", "zh"),
    DemoPerson("chen.jing@example.org", "Chen Jing", "陈静", "zh"),
    DemoPerson("liu.yang@example.org", "Liu Yang", "刘洋", "en"),
    DemoPerson("zhao.lei@example.org", "Zhao Lei", "赵磊", "zh"),
    DemoPerson("sun.li@example.org", "Sun Li", "孙丽", "zh"),
    DemoPerson("zhou.hui@example.org", "Zhou Hui", "周慧", "zh"),
    DemoPerson("sarah.whitfield@example.org", "Sarah Whitfield"),
    DemoPerson("marco.bellini@example.org", "Marco Bellini"),
    DemoPerson("claire.dubois@example.org", "Claire Dubois"),
    DemoPerson("anna.kowalska@example.org", "Anna Kowalska"),
    DemoPerson("jan.devries@example.org", "Jan de Vries"),
]

CPI = "China Policy Institute, University of Nottingham"
ILO = "International Labour Organization (ILO)"
IOM = "International Organization for Migration (IOM)"
EU = "European Union"
MOHRSS = "Ministry of Human Resources and Social Security of China (MOHRSS)"

MONDAY, TUESDAY, WEDNESDAY, THURSDAY = range(4)
LONDON, SHANGHAI, BRUSSELS = "Europe/London", "Asia/Shanghai", "Europe/Brussels"


def on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def wall_clock(day: date, hour: int, minute: int, zone: str) -> datetime:
    """``hour:minute`` on ``day`` in ``zone``, as an aware UTC datetime."""
    return local_to_utc(datetime.combine(day, time(hour, minute)), zone)


def load_demo() -> bool:
    """Create the demo accounts and events; False (and nothing changed) when they are already there."""
    if db.session.scalar(db.select(User.id).where(User.email == ADMIN_EMAIL)) is not None:
        return False
    accounts = {person.email: account_for(person) for person in PEOPLE}
    organiser = accounts[ORGANISER_EMAIL]
    today = utcnow().date()
    events = {}
    for build in (migration_workshop, uk_study_tour, beijing_training, brussels_conference, fujian_draft):
        fields = build(today)
        partners = fields.pop("partners")
        slug_words = fields.pop("slug_words")
        event = Event(slug=unique_slug(slug_words, fields.pop("year")), **fields)
        event.partners = [EventPartner(name=name, position=i) for i, name in enumerate(partners)]
        event.organisers = [organiser]
        db.session.add(event)
        events[build.__name__] = event
        if build.__name__ in PROGRAMMES:
            add_programme(event, PROGRAMMES[build.__name__])
    add_registrations(events, organiser)
    add_past_attendance(events["brussels_conference"], organiser)
    add_written_work(events)
    try:
        db.session.commit()
    except IntegrityError:  # another process loaded the demo at the same moment
        db.session.rollback()
        return False
    return True


def add_written_work(events: dict[str, Event]) -> None:
    """Visa letters for the coming workshop; the evaluation and the report of the past conference."""
    from .feedback.demo import seed_demo_evaluation
    from .letters.demo import seed_demo_letters
    from .reports.demo import seed_demo_report

    seed_demo_letters(events["migration_workshop"])
    seed_demo_evaluation(events["brussels_conference"])
    seed_demo_report(events["brussels_conference"])


def account_for(person: DemoPerson) -> User:
    """The person's account; one that already exists (someone signed up with it) is left as it is."""
    user = db.session.scalar(db.select(User).where(User.email == person.email))
    if user is not None:
        return user
    user = User(
        email=person.email,
        full_name=person.full_name,
        native_name=person.native_name,
        locale=person.locale,
        is_admin=person.is_admin,
        can_create_events=person.can_create_events,
        email_verified_at=utcnow(),
    )
    # Accounts without a printed log-in get a password nobody knows.
    user.set_password(PASSWORDS.get(person.email) or secrets.token_urlsafe(24))
    db.session.add(user)
    return user


def migration_workshop(today: date) -> dict:
    first = on_or_after(today + timedelta(days=21), TUESDAY)
    return dict(
        kind=EventKind.WORKSHOP,
        status=EventStatus.PUBLISHED,
        slug_words="chinese migration to europe workshop",
        year=first.year,
        title="Chinese Migration to Europe: Working Conditions, Forced Labour Risks and Policy Dialogue",
        summary=(
            "Two days in Nottingham on new survey evidence about Chinese migrant workers in the East Midlands: "
            "how they find work, what their jobs are like, when exploitation becomes trafficking for forced labour, "
            "and what Chinese and European authorities can do about it together."
        ),
        description="""\
**中文标题：** 中国人移民欧洲：劳动条件、强迫劳动风险与政策对话

## About the workshop

Migration from China to Europe has grown and changed over the last two decades. Alongside students, \
professionals and investors, many Chinese migrants work in restaurants, garment workshops, construction, \
care and agriculture, often for small employers within their own community, and some arrive or stay \
without a regular status. Where recruitment debts, withheld documents and isolation come together, \
exploitation can amount to **trafficking for forced labour**.

The workshop brings together researchers, labour and migration authorities from China and Europe, \
employers' and workers' organisations and NGOs to discuss new evidence and what to do with it. It is part \
of **Capacity Building for Migration Management in China (CBMM)**, a project funded by the European Union \
and carried out by the ILO and the IOM, and is hosted by the China Policy Institute of the University of \
Nottingham.

## Programme at a glance

**Day one: the evidence**

- Findings of a survey of Chinese migrants in the East Midlands: who came, by which route, and how the \
route shaped the work they found
- Working conditions: hours, pay, housing tied to the job, access to health care and advice
- Indicators of forced labour: recruitment debts, deception, retained passports, threats
- Discussion with community associations and trade unions

**Day two: the policy dialogue**

- How China and EU member states manage migration: legal channels, pre-departure information, \
recruitment agencies
- Labour inspection and the identification of victims: what works, and where cooperation breaks down
- Round table of Chinese and European authorities on practical next steps
- Conclusions and recommendations for the workshop report

## Who should attend

Officials of labour, public security and foreign affairs authorities, labour inspectors, researchers, and \
representatives of employers' and workers' organisations and of migrant community groups. Places are \
limited to 60; the organisers confirm each registration to keep a balance between countries and sectors.

## Languages

The workshop is held in **English and Chinese** with simultaneous interpretation. Papers and slides are \
shared with confirmed participants before the workshop.
""",
        venue="Jubilee Conference Centre, Jubilee Campus, University of Nottingham",
        city="Nottingham",
        country="GB",
        timezone=LONDON,
        starts_at=wall_clock(first, 9, 0, LONDON),
        ends_at=wall_clock(first + timedelta(days=1), 17, 30, LONDON),
        registration_opens_at=wall_clock(today - timedelta(days=14), 9, 0, LONDON),
        registration_closes_at=wall_clock(first - timedelta(days=4), 23, 59, LONDON),
        capacity=60,
        approval_required=True,
        contact_email="migration-workshop@example.org",
        partners=[CPI, ILO, IOM, EU],
    )


def uk_study_tour(today: date) -> dict:
    first = on_or_after(today + timedelta(days=49), MONDAY)
    return dict(
        kind=EventKind.STUDY_TOUR,
        status=EventStatus.PUBLISHED,
        slug_words="uk study tour labour inspection employment services",
        year=first.year,
        title="Study Tour: Labour Inspection and Employment Services in the United Kingdom",
        summary=(
            "Five days in London, Birmingham, Nottingham and Manchester for officials of the Ministry of Human "
            "Resources and Social Security: visits to the labour inspectorate, a job centre, an employers' "
            "association and a trade union, with time for questions at every stop."
        ),
        description="""\
**中文标题：** 英国劳动监察与公共就业服务考察

## Purpose

A five-day visit for officials of China's **Ministry of Human Resources and Social Security (MOHRSS)** and \
of provincial labour bureaus, to see how the United Kingdom regulates recruitment, inspects workplaces and \
helps jobseekers, and to meet the people who do this work every day. The tour belongs to the EU-funded CBMM \
project and follows up the Nottingham workshop on Chinese migration to Europe.

## Itinerary

| Day | City | Visits |
| --- | --- | --- |
| 1 | London | Briefing by the ILO and the IOM; the labour inspectorate on enforcement against labour exploitation |
| 2 | London | A job centre: job matching, benefits and support for migrant jobseekers |
| 3 | Birmingham | A regional employers' association: recruitment through agencies and fair supply chains |
| 4 | Nottingham | The China Policy Institute: survey findings; licensing of labour providers in food and farming |
| 5 | Manchester | A trade union regional office: organising migrant workers; closing session and evaluation |

## Practical information

- Participants are **nominated by MOHRSS**; the organisers confirm each nomination.
- Travel between cities is by train; hotels are booked by the organisers.
- Interpretation between Chinese and English is provided at every visit.
- Nominations close four weeks before the tour so that **visa letters** can be issued in time.
""",
        venue="Arrival briefing in central London (address sent to confirmed participants)",
        city="London",
        country="GB",
        timezone=LONDON,
        starts_at=wall_clock(first, 9, 30, LONDON),
        ends_at=wall_clock(first + timedelta(days=4), 16, 0, LONDON),
        registration_opens_at=wall_clock(today - timedelta(days=7), 9, 0, LONDON),
        registration_closes_at=wall_clock(first - timedelta(days=28), 23, 59, LONDON),
        capacity=20,
        approval_required=True,
        contact_email="study-tour@example.org",
        partners=[ILO, IOM, MOHRSS, CPI],
    )


def beijing_training(today: date) -> dict:
    first = on_or_after(today + timedelta(days=70), TUESDAY)
    return dict(
        kind=EventKind.TRAINING,
        status=EventStatus.PUBLISHED,
        slug_words="labour inspection against forced labour training beijing",
        year=first.year,
        title="Training Course: Labour Inspection against Forced Labour and Trafficking",
        summary=(
            "A three-day practical course in Beijing for labour inspectors: recognising the indicators of forced "
            "labour, inspecting higher-risk workplaces, interviewing workers safely and referring victims."
        ),
        description="""\
**中文标题：** 劳动保障监察与消除强迫劳动培训班

## About the course

Forced labour is rarely visible from the street. It hides behind debts, withheld identity papers, \
unpaid wages and threats that workers do not dare to report. Labour inspectors are often the first \
officials to enter such a workplace, and what they notice decides whether a worker is helped.

This three-day course gives inspectors the knowledge and the practical tools to recognise forced labour \
and to act on it. It is organised by the ILO with the **Ministry of Human Resources and Social Security** \
under the EU-funded CBMM project.

## What you will learn

1. The international standards: the Forced Labour Convention, 1930 (No. 29), its 2014 Protocol, and the \
ILO indicators of forced labour
2. Planning inspections in higher-risk sectors such as construction, manufacturing, fishing and domestic work
3. Interviewing workers safely and in confidence, with an interpreter where needed
4. Referring victims, and working with the police, prosecutors and support organisations
5. Protecting workers who go abroad: supervising recruitment and labour dispatch agencies

## Method

Short presentations, **case studies from China and Europe**, a simulated inspection and group work. \
Participants who attend every session receive a certificate.

## Who should attend

Labour inspectors and officials of labour security supervision bureaus, especially from provinces with \
large outward labour migration. The course is taught in Chinese; contributions of international trainers \
are interpreted.
""",
        venue="ILO Office for China and Mongolia, Tayuan Diplomatic Office Building",
        city="Beijing",
        country="CN",
        timezone=SHANGHAI,
        starts_at=wall_clock(first, 9, 0, SHANGHAI),
        ends_at=wall_clock(first + timedelta(days=2), 17, 0, SHANGHAI),
        registration_opens_at=wall_clock(today - timedelta(days=2), 9, 0, SHANGHAI),
        registration_closes_at=wall_clock(first - timedelta(days=14), 18, 0, SHANGHAI),
        capacity=35,
        approval_required=False,
        contact_email="beijing-training@example.org",
        partners=[ILO, MOHRSS, EU],
    )


def brussels_conference(today: date) -> dict:
    first = on_or_after(today - timedelta(days=124), THURSDAY)
    return dict(
        kind=EventKind.CONFERENCE,
        status=EventStatus.ARCHIVED,
        slug_words="eu china dialogue safe legal migration",
        year=first.year,
        title="EU–China Dialogue on Safe and Legal Migration",
        summary=(
            "Two days in Brussels where Chinese and European officials, researchers and social partners compared "
            "legal migration channels, pre-departure information and joint action against trafficking."
        ),
        description="""\
**中文标题：** 中欧安全合法移民对话会

## About the conference

The conference opened the research and dialogue phase of the **Capacity Building for Migration Management \
in China (CBMM)** project. Officials from Chinese ministries and from EU member states met researchers, \
employers' and workers' organisations and NGOs to compare how people move between China and Europe, and \
what makes that movement safe.

## Outcomes

- A shared picture of **legal migration channels** for work, study and family reunification
- Agreement to pilot pre-departure information for prospective migrants in the main departure provinces
- A list of research questions for country studies, starting with the survey in the East Midlands
- Contacts for a network of professionals on both sides, to be followed up at the Nottingham workshop

## Materials

The conference report, the presentations and the list of participants who agreed to appear on it are \
available to registered participants.
""",
        venue="Residence Palace, International Press Centre",
        city="Brussels",
        country="BE",
        timezone=BRUSSELS,
        starts_at=wall_clock(first, 9, 30, BRUSSELS),
        ends_at=wall_clock(first + timedelta(days=1), 16, 30, BRUSSELS),
        registration_opens_at=wall_clock(first - timedelta(days=70), 9, 0, BRUSSELS),
        registration_closes_at=wall_clock(first - timedelta(days=14), 23, 59, BRUSSELS),
        capacity=120,
        approval_required=True,
        contact_email="brussels-dialogue@example.org",
        partners=[ILO, IOM, EU],
    )


def fujian_draft(today: date) -> dict:
    first = on_or_after(today + timedelta(days=150), WEDNESDAY)
    return dict(
        kind=EventKind.WORKSHOP,
        status=EventStatus.DRAFT,
        slug_words="safe migration information campaign fujian",
        year=first.year,
        title="Safe Migration Information Campaign: Planning Workshop for Fujian Province",
        summary=(
            "Draft: a two-day workshop in Fuzhou to plan information for people thinking of working in Europe, "
            "with local labour bureaus, recruitment agencies, returned migrants and the media."
        ),
        description="""\
**中文标题：** 福建省安全移民宣传活动规划研讨会

## Draft: not yet announced

Many Chinese migrants in Europe come from Fujian. This workshop will plan an information campaign that \
tells prospective migrants, in plain language, how to **go abroad legally**, how to check a recruitment \
agency, and where to get help in the destination country.

## To settle before publishing

- Venue in Fuzhou and the exact dates
- Speakers from the provincial labour department and from returned migrants' associations
- Whether registration needs approval
""",
        venue="",
        city="Fuzhou",
        country="CN",
        timezone=SHANGHAI,
        starts_at=wall_clock(first, 9, 0, SHANGHAI),
        ends_at=wall_clock(first + timedelta(days=1), 17, 0, SHANGHAI),
        registration_opens_at=None,
        registration_closes_at=None,
        capacity=40,
        approval_required=False,
        contact_email="safe-migration@example.org",
        partners=[IOM, ILO],
    )
