"""The organisers' list of registrations: filters, search and pages.

The filters come from the query string and go back into links unchanged, so a page of the
list, an action on it and an export all see the same registrations.
"""

from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..extensions import db
from .models import OrganisationType, Registration, Sex
from .states import State

PER_PAGE = 50
SEARCH_MAX = 200


def _member(enum_class, value):
    return next((member for member in enum_class if member.value == value), None)


@dataclass(frozen=True)
class Filters:
    state: State | None = None
    country: str = ""
    organisation_type: OrganisationType | None = None
    sex: Sex | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args) -> "Filters":
        """Read the query string; a value that is not one of ours is ignored, not an error."""
        country = (args.get("country") or "").strip().upper()
        return cls(
            state=_member(State, args.get("state")),
            country=country if len(country) == 2 and country.isalpha() else "",
            organisation_type=_member(OrganisationType, args.get("organisation_type")),
            sex=_member(Sex, args.get("sex")),
            q=(args.get("q") or "").strip()[:SEARCH_MAX],
        )

    def query_args(self, **overrides) -> dict[str, str]:
        """The filters as query-string parameters, leaving out the empty ones."""
        values = {
            "state": self.state.value if self.state else "",
            "country": self.country,
            "organisation_type": self.organisation_type.value if self.organisation_type else "",
            "sex": self.sex.value if self.sex else "",
            "q": self.q,
        }
        values.update(overrides)
        return {key: value for key, value in values.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.query_args())


def registrations_query(event_id: int, filters: Filters):
    """The event's registrations that pass ``filters``, oldest first, with their users loaded."""
    query = (
        db.select(Registration)
        .join(User, User.id == Registration.user_id)
        .where(Registration.event_id == event_id)
        .options(selectinload(Registration.user))
        .order_by(Registration.created_at, Registration.id)
    )
    if filters.state:
        query = query.where(Registration.state == filters.state)
    if filters.country:
        query = query.where(Registration.country == filters.country)
    if filters.organisation_type:
        query = query.where(Registration.organisation_type == filters.organisation_type)
    if filters.sex:
        query = query.where(Registration.sex == filters.sex)
    if filters.q:
        query = query.where(
            or_(
                Registration.full_name.icontains(filters.q, autoescape=True),
                Registration.native_name.icontains(filters.q, autoescape=True),
                Registration.organisation.icontains(filters.q, autoescape=True),
                User.email.icontains(filters.q, autoescape=True),
            )
        )
    return query


def registrations_page(event_id: int, filters: Filters, page: int, per_page: int = PER_PAGE):
    return db.paginate(registrations_query(event_id, filters), page=max(page, 1), per_page=per_page, error_out=False)


def matching_registrations(event_id: int, filters: Filters) -> list[Registration]:
    """All of them, for an export; answers and users loaded in two queries."""
    query = registrations_query(event_id, filters).options(selectinload(Registration.answers))
    return list(db.session.scalars(query))


def countries_in_use(event_id: int) -> list[str]:
    return list(db.session.scalars(db.select(Registration.country).where(Registration.event_id == event_id).distinct()))
