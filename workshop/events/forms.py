from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from ..countries import country_choices, is_country
from ..formatting import zone_choices
from ..formtools import email_address, texts, wall_clock_time
from ..timeutil import is_known_timezone, utc_to_local
from ..translated_fields import translated_line, translated_text
from ..translated_lines import translated_lines
from .models import VISITOR_CONFIRMATION_HOURS, VISITOR_CONFIRMATION_HOURS_MAX, EventKind, EventStatus
from .services import EventData

KIND_LABELS = {
    EventKind.WORKSHOP: _l("Workshop"),
    EventKind.TRAINING: _l("Training course"),
    EventKind.STUDY_TOUR: _l("Study tour"),
    EventKind.CONFERENCE: _l("Conference"),
}
STATUS_LABELS = {
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.PUBLISHED: _l("Published"),
    EventStatus.CLOSED: _l("Closed"),
    EventStatus.ARCHIVED: _l("Archived"),
}


def known_timezone(form, field) -> None:
    if not is_known_timezone(field.data or ""):
        raise ValidationError(_l("Unknown time zone. Choose one from the list, e.g. Europe/London or Asia/Shanghai."))


def known_country(form, field) -> None:
    if field.data and not is_country(field.data):
        raise ValidationError(_l("Choose a country from the list."))


class EventForm(FlaskForm):
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()],
        validators=[DataRequired()],
    )
    title = translated_line(_l("Title"), 200, required=True)
    summary = translated_text(_l("Summary"), 500, _l("One or two sentences for the list of events."))
    description = translated_text(_l("Description"), 50000, _l("Markdown: **bold**, *italic*, lists, links."))
    venue = translated_line(_l("Venue"), 200)
    city = translated_line(_l("City"), 100)
    country = SelectField(_l("Country"), choices=country_choices, validate_choice=False, validators=[known_country])
    timezone = SelectField(
        _l("Time zone"),
        choices=zone_choices,
        validate_choice=False,
        validators=[DataRequired(), known_timezone],
        description=_l("Times below are in this time zone."),
    )
    starts_at = wall_clock_time(_l("Starts"))
    ends_at = wall_clock_time(_l("Ends"))
    registration_opens_at = wall_clock_time(_l("Registration opens"), required=False)
    registration_closes_at = wall_clock_time(_l("Registration closes"), required=False)
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional(), NumberRange(min=1, max=100000)],
        description=_l("Number of places; leave empty for no limit."),
    )
    approval_required = BooleanField(_l("Registrations need an organiser's approval"))
    visitor_confirmation_hours = IntegerField(
        _l("Hours to confirm the e-mail address"),
        validators=[Optional(), NumberRange(min=1, max=VISITOR_CONFIRMATION_HOURS_MAX)],
        default=VISITOR_CONFIRMATION_HOURS,
        description=_l(
            "Someone who registers without an account keeps their place only if they confirm their e-mail address "
            "within this many hours; then it goes to the waiting list."
        ),
    )
    status = SelectField(_l("Status"), choices=[SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()])
    partners = translated_lines(
        _l("Partner organisations"),
        5000,
        _l("One per line, in the order they should appear; the same ones in the same order in each language."),
    )
    contact_email = email_address(_l("Contact e-mail"), required=False)
    series_id = SelectField(
        _l("Series"), choices=[], validate_choice=False, description=_l("The series this event belongs to, if any.")
    )
    submit = SubmitField(_l("Save"))

    def validate_ends_at(self, field) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The event must end after it starts."))

    def validate_registration_closes_at(self, field) -> None:
        opens = self.registration_opens_at.data
        if opens and field.data and field.data <= opens:
            raise ValidationError(_l("Registration must close after it opens."))


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()])
    submit = SubmitField(_l("Change status"))


def event_data_from_form(form: EventForm) -> EventData:
    return EventData(
        kind=EventKind(form.kind.data),
        title=form.title.data,
        summary=form.summary.data,
        description=form.description.data,
        venue=form.venue.data,
        city=form.city.data,
        **texts(form, "country", "contact_email"),
        timezone=form.timezone.data,
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        registration_opens_at=form.registration_opens_at.data,
        registration_closes_at=form.registration_closes_at.data,
        capacity=form.capacity.data,
        approval_required=form.approval_required.data,
        visitor_confirmation_hours=form.visitor_confirmation_hours.data or VISITOR_CONFIRMATION_HOURS,
        status=EventStatus(form.status.data),
        partners=form.partners.items(),
        series_id=int(form.series_id.data) if (form.series_id.data or "").isdigit() else None,
    )


def fill_form_from_event(form: EventForm, event) -> None:
    """The event's values, with the stored UTC times as wall-clock times in the event's zone."""

    def local(moment):
        return utc_to_local(moment, event.timezone).replace(tzinfo=None) if moment else None

    form.process(obj=event)
    form.kind.data = event.kind.value
    form.starts_at.data = local(event.starts_at)
    form.ends_at.data = local(event.ends_at)
    form.registration_opens_at.data = local(event.registration_opens_at)
    form.registration_closes_at.data = local(event.registration_closes_at)
    form.status.data = event.status.value
    form.series_id.data = str(event.series_id) if event.series_id else ""


def offer_series(form: EventForm, series) -> None:
    """The series ``form`` offers to choose from (``series``: id and title of each)."""
    form.series_id.choices = [SelectChoice("", _l("None"))] + [SelectChoice(str(s.id), str(s.title)) for s in series]
