"""Forms: a section of the report, a session's summary, and the buttons that move and delete."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField
from wtforms.validators import AnyOf

from ..translated_fields import translated_line, translated_text
from .services import TITLE_MAX, SectionData

# The length of a text is checked by the service against the site's limit (``REPORT_TEXT_MAX_CHARS``),
# with a message that says by how much; the form lets any length through to it.
ANY_LENGTH = 2**31

MARKDOWN_HELP = _l(
    "Markdown: **bold**, *italics*, lists starting with “-”, headings starting with “##”, links as [text](https://…)."
)


class SectionForm(FlaskForm):
    """A section: "Preview" shows the text as it will read, without saving; "Save" saves."""

    title = translated_line(_l("Title"), TITLE_MAX)
    body = translated_text(_l("Text"), ANY_LENGTH, MARKDOWN_HELP)
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save"))

    def data_for_service(self) -> SectionData:
        return SectionData(title=self.title.data, body=self.body.data)


class StandardSectionForm(SectionForm):
    title = translated_line(
        _l("Title"),
        TITLE_MAX,
        _l("Leave empty for the standard title, which is translated for readers in other languages."),
    )


class SummaryForm(FlaskForm):
    body = translated_text(_l("Summary"), ANY_LENGTH, MARKDOWN_HELP)
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

    submit = SubmitField(_l("Go"))


class MoveForm(FlaskForm):
    """The "Up" and "Down" buttons of one of the organisers' own sections."""

    direction = HiddenField(validators=[AnyOf(("up", "down"))])
