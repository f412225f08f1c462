"""The forms of duplicating an event and of series."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.validators import ValidationError

from ..formtools import optional_text, required_text, wall_clock_time
from ..translated_fields import translated_line, translated_text
from .cloning import CloneData
from .series import SeriesData


class CloneForm(FlaskForm):
    starts_at = wall_clock_time(_l("New start"))
    ends_at = wall_clock_time(_l("New end"), required=False)
    registration_closes_at = wall_clock_time(_l("Registration closes"), required=False)
    title = translated_line(_l("New title"), 200, _l("Leave empty to keep the title."))
    slug = optional_text(
        _l("Web address"), 120, _l("The last part of the event's address; leave empty to make one from the title.")
    )
    submit = SubmitField(_l("Duplicate"))

    def validate_ends_at(self, field) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The event must end after it starts."))


def clone_data_from_form(form: CloneForm) -> CloneData:
    return CloneData(
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        registration_closes_at=form.registration_closes_at.data,
        title=form.title.data,
        slug=form.slug.data or "",
    )


class SeriesForm(FlaskForm):
    title = translated_line(_l("Title"), 200, required=True)
    slug = required_text(
        _l("Web address"), 120, _l("Lower-case letters, digits and hyphens, e.g. labour-inspection-trainings.")
    )
    description = translated_text(_l("Description"), 20000, _l("Markdown: **bold**, *italic*, lists, links."))
    submit = SubmitField(_l("Save"))


def series_data_from_form(form: SeriesForm) -> SeriesData:
    return SeriesData(slug=form.slug.data or "", title=form.title.data, description=form.description.data)
