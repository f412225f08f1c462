"""What a returning participant's registration form starts with: the names from their profile,
the rest from their most recent registration. Never the answers to another event's own questions,
never what an event asks afresh (the visa letter, the participant list); the sex and the needs only
when the person agreed to it."""

from ..accounts.models import User
from ..extensions import db
from .models import Registration

STANDARD_FIELDS = ("native_name", "organisation", "job_title", "country")
PERSONAL_FIELDS = ("dietary_needs", "accessibility_needs")


def latest_registration(user: User) -> Registration | None:
    """The person's most recently made registration, at any event, in any state."""
    return db.session.scalar(
        db.select(Registration)
        .where(Registration.user_id == user.id)
        .order_by(Registration.created_at.desc(), Registration.id.desc())
        .limit(1)
    )


def starting_values(user: User) -> dict[str, object]:
    """The values a new registration form of ``user`` is filled in with, by field name."""
    values: dict[str, object] = {}
    previous = latest_registration(user)
    if previous is not None:
        values.update({name: getattr(previous, name) for name in STANDARD_FIELDS if getattr(previous, name)})
        values["organisation_type"] = previous.organisation_type.value
        if user.prefills_personal_details:
            values.update({name: getattr(previous, name) for name in PERSONAL_FIELDS})
            values["sex"] = previous.sex.value
            values["prefill_personal_details"] = True
    values["full_name"] = user.full_name
    if user.native_name:
        values["native_name"] = user.native_name
    return values
