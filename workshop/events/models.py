import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..columns import enum_column, event_people
from ..extensions import db
from ..timeutil import UTCDateTime, utcnow
from ..translated import Translated, TranslatedText


class EventKind(enum.Enum):
    WORKSHOP = "workshop"
    TRAINING = "training"
    STUDY_TOUR = "study_tour"
    CONFERENCE = "conference"


class EventStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    ARCHIVED = "archived"


PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED, EventStatus.ARCHIVED)
VISITOR_CONFIRMATION_HOURS = 24  # how long a visitor's place is held before their address is confirmed
VISITOR_CONFIRMATION_HOURS_MAX = 30 * 24

event_organiser = event_people("event_organiser")


class Series(db.Model):
    """Events that belong together, e.g. the trainings on labour inspection, with a public page of its own."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[Translated] = mapped_column(TranslatedText)
    description: Mapped[Translated] = mapped_column(TranslatedText, default="")  # Markdown
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Series {self.slug}>"


class Event(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[EventKind] = enum_column(EventKind)
    status: Mapped[EventStatus] = enum_column(EventStatus, default=EventStatus.DRAFT, index=True)
    title: Mapped[Translated] = mapped_column(TranslatedText)
    summary: Mapped[Translated] = mapped_column(TranslatedText, default="")
    description: Mapped[Translated] = mapped_column(TranslatedText, default="")  # Markdown
    venue: Mapped[Translated] = mapped_column(TranslatedText, default="")
    city: Mapped[Translated] = mapped_column(TranslatedText, default="")
    country: Mapped[str] = mapped_column(String(2), default="")  # ISO 3166-1 alpha-2
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    capacity: Mapped[int | None] = mapped_column()
    approval_required: Mapped[bool] = mapped_column(default=False)
    # How long a visitor's registration holds its place before their e-mail address is confirmed
    visitor_confirmation_hours: Mapped[int] = mapped_column(
        default=VISITOR_CONFIRMATION_HOURS, server_default=str(VISITOR_CONFIRMATION_HOURS)
    )
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Raised by every change to the event, its sessions or its speakers (workshop/agenda/revision.py):
    # what calendar files and the programme are validated against.
    agenda_revision: Mapped[int] = mapped_column(server_default="0")
    # Raised by every change to the event's registrations, its registration questions or what their list
    # shows of the people's accounts (workshop/registration/revision.py): what the organisers' list is kept under.
    registrations_revision: Mapped[int] = mapped_column(server_default="0")
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="SET NULL"), index=True)
    # A draft kept to start new events from (``cloning``); it is never published
    is_template: Mapped[bool] = mapped_column(default=False, server_default=false())

    organisers: Mapped[list[User]] = relationship(secondary=event_organiser, order_by=User.full_name)
    # (user id, whether they organise it), when read with the event for the person asking (lookups.event_or_404)
    organiser_known = None
    check_in_staff_known = None  # the same for its check-in staff
    partners: Mapped[list["EventPartner"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventPartner.position"
    )
    series: Mapped[Series | None] = relationship()

    @property
    def ends_in_completion(self) -> bool:
        """Whether its certificates are of completion (a training course's, 结业证书) rather than of attendance."""
        return self.kind is EventKind.TRAINING

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventPartner(db.Model):
    """A partner organisation of an event (organiser, co-organiser, funder...)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[Translated] = mapped_column(TranslatedText)  # in every language
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="partners")


@sqlalchemy_event.listens_for(Event.organisers, "append")
@sqlalchemy_event.listens_for(Event.organisers, "remove")
def _forget_who_organises(event: Event, *_) -> None:
    """What was read with the event of who organises it no longer holds once they change..."""
    event.organiser_known = None


@sqlalchemy_event.listens_for(Event, "expire", raw=True)
def _forget_who_organised(state, _attributes) -> None:
    """... nor once the event is read again (a commit or a rollback expires it)."""
    event = state.obj()
    if event is not None:
        event.organiser_known = event.check_in_staff_known = None
