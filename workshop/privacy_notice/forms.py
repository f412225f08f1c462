"""The form organisers write the notice in: each part in every language."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField

from ..translated_fields import translated_text
from .models import PARTS
from .services import PART_MAX


class NoticeForm(FlaskForm):
    # Every part is required; the service checks it (and records a refusal), so the form only marks it.
    controller = translated_text(
        _l("Who is responsible for the data"),
        PART_MAX,
        _l("The controller: who decides how the data is used, and how to reach them."),
    )
    purposes = translated_text(_l("What the data is used for"), PART_MAX)
    recipients = translated_text(
        _l("Who receives the data"), PART_MAX, _l("For example the partner ministries or the host institution.")
    )
    retention = translated_text(_l("How long the data is kept"), PART_MAX)
    rights = translated_text(
        _l("The participants' rights"), PART_MAX, _l("How participants get a copy of their data or have it deleted.")
    )
    submit = SubmitField(_l("Save the notice"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for part in PARTS:
            self[part].flags.required = True

    def parts(self) -> dict:
        return {part: self[part].data for part in PARTS}

    def fill(self, parts: dict) -> None:
        for part in PARTS:
            self[part].process(None, parts[part])
