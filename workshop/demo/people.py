"""The demo accounts: who can log in with a printed password, and the fictional people who register
for the demo events and speak at them."""

import secrets
from dataclasses import asdict, dataclass

from ..accounts.models import User
from ..extensions import db
from ..timeutil import utcnow

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
    # Participants and speakers of the demo events (see programme.toml and participants.toml).
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


def demo_loaded() -> bool:
    """The demo administrator's account marks a database that has the demo already."""
    return db.session.scalar(db.select(User.id).where(User.email == ADMIN_EMAIL)) is not None


def demo_accounts() -> dict[str, User]:
    """Every demo person's account by e-mail address."""
    return {person.email: account_for(person) for person in PEOPLE}


def account_for(person: DemoPerson) -> User:
    """The person's account; one that already exists (someone signed up with it) is left as it is."""
    user = db.session.scalar(db.select(User).where(User.email == person.email))
    if user is not None:
        return user
    user = User(**asdict(person), email_verified_at=utcnow())
    # Accounts without a printed log-in get a password nobody knows.
    user.set_password(PASSWORDS.get(person.email) or secrets.token_urlsafe(24))
    db.session.add(user)
    return user
