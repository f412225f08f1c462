"""A large, plausible data set: published events spread over past and upcoming dates, each with
partner organisations and organisers, and a pool of user accounts."""

from datetime import UTC, datetime, time, timedelta

from werkzeug.security import generate_password_hash

from workshop.accounts.models import User
from workshop.events.models import Event, EventKind, EventPartner, EventStatus
from workshop.events.services import slugify
from workshop.extensions import db

USER_COUNT = 60
ORGANISER_COUNT = 12
DAYS_BETWEEN_EVENTS = 5

THEMES = [
    "Labour migration governance",
    "Social dialogue and tripartism",
    "Occupational safety and health",
    "Recognition of migrant workers' skills",
    "Labour inspection in small enterprises",
    "Extending social protection",
    "Public employment services",
    "Collective bargaining in the digital economy",
    "Fair recruitment",
    "Green jobs and a just transition",
]
PLACES = [
    ("Beijing", "CN", "Asia/Shanghai", "China National Convention Center"),
    ("Shanghai", "CN", "Asia/Shanghai", "Shanghai International Conference Center"),
    ("Guangzhou", "CN", "Asia/Shanghai", "Sun Yat-sen University, South Campus"),
    ("Nottingham", "GB", "Europe/London", "Jubilee Campus, University of Nottingham"),
    ("Geneva", "CH", "Europe/Zurich", "ILO headquarters"),
    ("Brussels", "BE", "Europe/Brussels", "Residence Palace"),
    ("Turin", "IT", "Europe/Rome", "ITCILO campus"),
]
PARTNERS = [
    "International Labour Organization (ILO)",
    "International Organization for Migration (IOM)",
    "China Policy Institute, University of Nottingham",
    "European Union",
    "Ministry of Human Resources and Social Security of China (MOHRSS)",
    "All-China Federation of Trade Unions (ACFTU)",
    "China Enterprise Confederation (CEC)",
]
NAMES = [
    ("Zhang Min", "张敏"),
    ("Li Wei", "李伟"),
    ("Wang Fang", "王芳"),
    ("Chen Jing", "陈静"),
    ("Liu Yang", "刘洋"),
    ("Zhao Lei", "赵磊"),
    ("Sarah Whitfield", ""),
    ("Marco Bellini", ""),
    ("Claire Dubois", ""),
    ("Anna Kowalska", ""),
    ("Jan de Vries", ""),
    ("Ruth Ellison", ""),
]
KINDS = list(EventKind)


def seed(event_count: int) -> list[Event]:
    """Adds the users and events to the (empty) database inside the current app context."""
    users = make_users(USER_COUNT)
    organisers = users[:ORGANISER_COUNT]
    events = [make_event(i, organisers) for i in range(event_count)]
    db.session.add_all(users + events)
    db.session.commit()
    return events


def make_users(count: int) -> list[User]:
    # One hash for everyone: hashing 60 passwords would only slow the seeding down.
    password_hash = generate_password_hash("bench accounts cannot log in by guessing this")
    users = []
    for i in range(count):
        full_name, native_name = NAMES[i % len(NAMES)]
        users.append(
            User(
                email=f"bench.user{i}@example.org",
                password_hash=password_hash,
                full_name=full_name,
                native_name=native_name,
                locale="zh" if native_name else "en",
                can_create_events=i < ORGANISER_COUNT,
                email_verified_at=datetime.now(UTC),
            )
        )
    return users


def event_start(i: int) -> datetime:
    """Even-numbered events lie in the past, odd-numbered ones ahead, DAYS_BETWEEN_EVENTS apart."""
    today = datetime.combine(datetime.now(UTC).date(), time(8, 0), tzinfo=UTC)
    step = (i // 2 + 1) * DAYS_BETWEEN_EVENTS
    return today + timedelta(days=step if i % 2 else -step)


def make_event(i: int, organisers: list[User]) -> Event:
    kind = KINDS[i % len(KINDS)]
    city, country, zone, venue = PLACES[i % len(PLACES)]
    theme = THEMES[i % len(THEMES)]
    title = f"{theme}: {kind.value.replace('_', ' ')} in {city}"
    starts = event_start(i)
    event = Event(
        slug=f"{slugify(title)}-{i + 1}",
        kind=kind,
        status=EventStatus.PUBLISHED,
        title=title,
        summary=f"Officials, employers, workers' organisations and researchers compare practice on {theme.lower()}.",
        description=description(theme, city),
        venue=venue,
        city=city,
        country=country,
        timezone=zone,
        starts_at=starts,
        ends_at=starts + timedelta(days=1 + i % 3),
        registration_opens_at=starts - timedelta(days=60),
        registration_closes_at=starts - timedelta(days=7),
        capacity=30 + 10 * (i % 5),
        approval_required=i % 2 == 0,
        contact_email="events@example.org",
    )
    event.partners = [EventPartner(name=PARTNERS[(i + n) % len(PARTNERS)], position=n) for n in range(1 + i % 3)]
    event.organisers = [organisers[i % len(organisers)], organisers[(i + 5) % len(organisers)]][: 1 + i % 2]
    return event


def description(theme: str, city: str) -> str:
    return (
        f"## {theme}\n\n"
        f"A meeting in **{city}** for government officials, employers' and workers' organisations "
        "and researchers from China and Europe.\n\n"
        "### Programme\n\n"
        "1. Opening plenary and keynote\n"
        "2. Panel: what the evidence says\n"
        "3. Working groups and a site visit\n"
        "4. Conclusions and next steps\n\n"
        "| Day | Morning | Afternoon |\n"
        "| --- | --- | --- |\n"
        "| 1 | Plenary | Panels |\n"
        "| 2 | Site visit | Working groups |\n\n"
        "Interpretation between Chinese and English is provided. "
        "See the [ILO](https://www.ilo.org) for background documents."
    )
