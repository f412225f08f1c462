"""The organisers' forms for the agenda: a session, a quick move, and the labels of kinds and roles."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, SubmitField
from wtforms.validators import NumberRange, Optional, ValidationError

from ..formtools import optional_long_text, optional_text, texts, wall_clock_time
from ..timeutil import utc_to_local
from ..translated_fields import translated_line, translated_text
from .models import SessionKind
from .services import ADDRESS_MAX, CITY_MAX, MOVE_MAX_MINUTES, ROOM_MAX, TEXT_MAX, TITLE_MAX, TRACK_MAX, SessionData

SESSION_KIND_LABELS = {
    SessionKind.PLENARY: _l("Plenary"),
    SessionKind.PANEL: _l("Panel"),
    SessionKind.TRAINING: _l("Training session"),
    SessionKind.BREAK: _l("Break"),
    SessionKind.MEAL: _l("Meal"),
    SessionKind.SITE_VISIT: _l("Site visit"),
    SessionKind.TRAVEL: _l("Travel"),
    SessionKind.OTHER: _l("Other"),
}


class SessionForm(FlaskForm):
    title = translated_line(_l("Title"), TITLE_MAX, required=True)
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(kind.value, label) for kind, label in SESSION_KIND_LABELS.items()]
    )
    starts_at = wall_clock_time(_l("Starts"))
    ends_at = wall_clock_time(_l("Ends"))
    room = optional_text(_l("Room"), ROOM_MAX)
    track = optional_text(
        _l("Track"), TRACK_MAX, _l("For parallel sessions, e.g. “A” or “Labour inspection”; optional.")
    )
    address = optional_text(_l("Address"), ADDRESS_MAX, _l("For site visits and travel: where to go."))
    city = optional_text(_l("City"), CITY_MAX)
    directions = optional_long_text(
        _l("How to get there"), TEXT_MAX, _l("E.g. the bus leaves from the hotel lobby at 08:15.")
    )
    description = translated_text(_l("Description"), TEXT_MAX, _l("Markdown: **bold**, *italic*, lists, links."))
    counts_for_attendance = BooleanField(_l("Counts for attendance"), default=True)
    cancelled = BooleanField(
        _l("Cancelled"), description=_l("Stays on the agenda, struck through, so participants see the change.")
    )
    submit = SubmitField(_l("Save"))

    def validate_ends_at(self, field) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The session must end after it starts."))


class MoveForm(FlaskForm):
    """A quick move: by some minutes, or by some days at the same time of day."""

    minutes = IntegerField(
        _l("Minutes"), validators=[Optional(), NumberRange(min=-MOVE_MAX_MINUTES, max=MOVE_MAX_MINUTES)], default=0
    )
    days = IntegerField(_l("Days"), validators=[Optional(), NumberRange(min=-366, max=366)], default=0)
    submit = SubmitField(_l("Move"))


def session_data(form: SessionForm) -> SessionData:
    return SessionData(
        title=form.title.data,
        description=form.description.data,
        **texts(form, "kind", "room", "address", "city", "directions", "track"),
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        counts_for_attendance=bool(form.counts_for_attendance.data),
        cancelled=bool(form.cancelled.data),
    )


def fill_from_session(form: SessionForm, session, zone: str) -> None:
    """The session's values, with the stored UTC times as wall-clock times in the event's zone."""
    form.process(obj=session)
    form.kind.data = session.kind.value
    form.starts_at.data = utc_to_local(session.starts_at, zone).replace(tzinfo=None)
    form.ends_at.data = utc_to_local(session.ends_at, zone).replace(tzinfo=None)
