"""Forms: publishing the report, a press release and a material; the buttons that withdraw and
publish again; and the resource library's search, sent by GET."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from ..bounds import BoundedDateField
from ..translated import LANGUAGE_LABELS
from ..translated_fields import translated_line, translated_text
from .library import SEARCH_MAX
from .models import Audience, PublicationKind
from .services import BODY_MAX, TITLE_MAX

AUDIENCE_LABELS = {
    Audience.PUBLIC: _l("Everyone: on the event's page and in the resource library"),
    Audience.PARTICIPANTS: _l("Participants only: confirmed participants and speakers"),
}
AUDIENCE_SHORT_LABELS = {Audience.PUBLIC: _l("Public"), Audience.PARTICIPANTS: _l("Participants only")}
KIND_LABELS = {
    PublicationKind.REPORT: _l("Workshop report"),
    PublicationKind.PRESS_RELEASE: _l("Press release"),
    PublicationKind.MATERIAL: _l("Material"),
}
MARKDOWN_HELP = _l(
    "Markdown: **bold**, *italics*, lists starting with “-”, headings starting with “##”, links as [text](https://…)."
)


def audience_field(default: Audience = Audience.PUBLIC) -> RadioField:
    return RadioField(
        _l("Who may read it"),
        choices=[SelectChoice(a.value, label) for a, label in AUDIENCE_LABELS.items()],
        default=default.value,
    )


class ReportForm(FlaskForm):
    audience = audience_field()
    confirm_early = BooleanField(_l("The event has not ended yet: publish the report as final all the same"))
    submit = SubmitField(_l("Publish the report"))


class PressReleaseForm(FlaskForm):
    title = translated_line(_l("Title"), TITLE_MAX, required=True)
    body = translated_text(_l("Text"), BODY_MAX, MARKDOWN_HELP, required=True)
    dated = BoundedDateField(
        _l("Date"), validators=[Optional()], description=_l("Leave empty for today."), format="%Y-%m-%d"
    )
    audience = audience_field()
    submit = SubmitField(_l("Publish"))


class MaterialForm(FlaskForm):
    """``material`` is "<id>" for a material's current version, "<id>:<number>" for one version."""

    material = SelectField(_l("Material"), choices=[])
    audience = audience_field()
    submit = SubmitField(_l("Publish the material"))


class ActionForm(FlaskForm):
    submit = SubmitField(_l("Go"))


class LibraryForm(FlaskForm):
    """The library's search and filters, read from the address; each select lists what exists, so
    any other value is the field's error."""

    class Meta:
        csrf = False

    q = StringField(_l("Search titles"), validators=[Length(max=SEARCH_MAX)])
    event = SelectField(_l("Event"), choices=[], default="")
    series = SelectField(_l("Series"), choices=[], default="")
    kind = SelectField(_l("Kind"), choices=[], default="")
    language = SelectField(_l("Language"), choices=[], default="")
    year = SelectField(_l("Year"), choices=[], default="")

    def offer(self, events, series, years) -> None:
        everything = SelectChoice("", _l("All"))
        self.event.choices = [everything] + [SelectChoice(str(e.id), e.title) for e in events]
        self.series.choices = [everything] + [SelectChoice(str(s.id), s.title) for s in series]
        self.kind.choices = [everything] + [SelectChoice(k.value, label) for k, label in KIND_LABELS.items()]
        self.language.choices = [everything] + [SelectChoice(code, label) for code, label in LANGUAGE_LABELS.items()]
        self.year.choices = [everything] + [SelectChoice(str(year), str(year)) for year in years]
