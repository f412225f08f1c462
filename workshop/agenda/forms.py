"""The organisers' forms for the agenda: a session, a quick move, and the labels of kinds and roles."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..bounds import BoundedDateTimeLocalField
from ..timeutil import utc_to_local
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
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class SessionForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(message=_l("Give the session a title.")), Length(max=TITLE_MAX)]
    )
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(kind.value, label) for kind, label in SESSION_KIND_LABELS.items()]
    )
    starts_at = BoundedDateTimeLocalField(
        _l("Starts"), format=DATETIME_FORMAT, validators=[DataRequired(message=_l("Enter a date and time."))]
    )
    ends_at = BoundedDateTimeLocalField(
        _l("Ends"), format=DATETIME_FORMAT, validators=[DataRequired(message=_l("Enter a date and time."))]
    )
    room = StringField(_l("Room"), validators=[Optional(), Length(max=ROOM_MAX)])
    track = StringField(
        _l("Track"),
        validators=[Optional(), Length(max=TRACK_MAX)],
        description=_l("For parallel sessions, e.g. “A” or “Labour inspection”; optional."),
    )
    address = StringField(
        _l("Address"),
        validators=[Optional(), Length(max=ADDRESS_MAX)],
        description=_l("For site visits and travel: where to go."),
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=CITY_MAX)])
    directions = TextAreaField(
        _l("How to get there"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l("E.g. the bus leaves from the hotel lobby at 08:15."),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l("Markdown: **bold**, *italic*, lists, links."),
    )
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
        title=form.title.data or "",
        kind=form.kind.data or "",
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        room=form.room.data or "",
        address=form.address.data or "",
        city=form.city.data or "",
        directions=form.directions.data or "",
        track=form.track.data or "",
        description=form.description.data or "",
        counts_for_attendance=bool(form.counts_for_attendance.data),
        cancelled=bool(form.cancelled.data),
    )


def fill_from_session(form: SessionForm, session, zone: str) -> None:
    """The stored UTC times as wall-clock times in the event's zone."""
    form.title.data = session.title
    form.kind.data = session.kind.value
    form.starts_at.data = utc_to_local(session.starts_at, zone).replace(tzinfo=None)
    form.ends_at.data = utc_to_local(session.ends_at, zone).replace(tzinfo=None)
    form.room.data = session.room
    form.address.data = session.address
    form.city.data = session.city
    form.directions.data = session.directions
    form.track.data = session.track
    form.description.data = session.description
    form.counts_for_attendance.data = session.counts_for_attendance
    form.cancelled.data = session.cancelled
