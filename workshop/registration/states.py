"""The states of a registration and the one table of allowed changes."""

import enum


class State(enum.Enum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


ALLOWED: dict[State, set[State]] = {
    State.PENDING: {State.CONFIRMED, State.WAITLISTED, State.REJECTED, State.CANCELLED},
    State.WAITLISTED: {State.CONFIRMED, State.REJECTED, State.CANCELLED},
    State.CONFIRMED: {State.REJECTED, State.CANCELLED},
    State.REJECTED: set(),
    # A person who cancelled may register again.
    State.CANCELLED: {State.PENDING, State.CONFIRMED, State.WAITLISTED},
}

ACTIVE = (State.PENDING, State.CONFIRMED, State.WAITLISTED)


def is_allowed(current: State | None, new: State) -> bool:
    """``current`` is None for a registration that does not exist yet."""
    if current is None:
        return new in ACTIVE
    return new in ALLOWED[current]
