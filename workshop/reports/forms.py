"""Forms: a section of the report, a session's summary, and the buttons that move and delete."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import AnyOf

from ..formtools import optional_text
from .services import TITLE_MAX, SectionData

MARKDOWN_HELP = _l(
    "Markdown: **bold**, *italics*, lists starting with “-”, headings starting with “##”, links as [text](https://…)."
)


class SectionForm(FlaskForm):
    """A section: "Preview" shows the text as it will read, without saving; "Save" saves."""

    title = optional_text(_l("Title"), TITLE_MAX)
    body = TextAreaField(_l("Text"), description=MARKDOWN_HELP)
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save"))

    def data_for_service(self) -> SectionData:
        return SectionData(title=self.title.data or "", body=self.body.data or "")


class StandardSectionForm(SectionForm):
    title = optional_text(
        _l("Title"),
        TITLE_MAX,
        _l("Leave empty for the standard title, which is translated for readers in other languages."),
    )


class SummaryForm(FlaskForm):
    body = TextAreaField(_l("Summary"), description=MARKDOWN_HELP)
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

    submit = SubmitField(_l("Go"))


class MoveForm(FlaskForm):
    """The "Up" and "Down" buttons of one of the organisers' own sections."""

    direction = HiddenField(validators=[AnyOf(("up", "down"))])
