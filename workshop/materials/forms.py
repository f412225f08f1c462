"""Forms for adding and changing materials. The rules themselves are checked in services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField, SubmitField, URLField
from wtforms.validators import Length, Optional

from ..bounds import database_id
from ..translated_fields import translated_line, translated_text
from .models import Visibility
from .services import DESCRIPTION_MAX, TITLE_MAX, URL_MAX, MaterialData

VISIBILITY_LABELS = {
    Visibility.PUBLIC: _l("Everyone"),
    Visibility.PARTICIPANTS: _l("Confirmed participants, speakers and organisers"),
    Visibility.ORGANISERS: _l("Organisers only"),
}
EVENT_TARGET = ""  # the value of "for the whole event" in the list of sessions


class MaterialFields(FlaskForm):
    """What every material has, new or changed: its title, description and who may see it."""

    title = translated_line(_l("Title"), TITLE_MAX)  # required by the service, which says so by the field
    description = translated_text(_l("Description"), DESCRIPTION_MAX, _l("Optional."))
    visibility = SelectField(
        _l("Who may see it"),
        choices=[SelectChoice(v.value, label) for v, label in VISIBILITY_LABELS.items()],
        default=Visibility.PARTICIPANTS.value,
        validate_choice=False,
    )

    def material_data(self, session_id: int | None = None) -> MaterialData:
        return MaterialData(
            title=self.title.data,
            description=self.description.data,
            visibility=self.visibility.data or "",
            session_id=session_id,
            url=self.url.data or "",
        )


class MaterialForm(MaterialFields):
    """A new material for one session (the session is in the address)."""

    file = FileField(_l("File"))
    url = URLField(
        _l("Or a link"),
        validators=[Optional(), Length(max=URL_MAX)],
        description=_l(
            "Instead of a file: the address of a web page, a video or a shared folder, starting with https://."
        ),
    )
    submit = SubmitField(_l("Add the material"))


class EventMaterialForm(MaterialForm):
    """A new material on the organisers' page: for the whole event or one of its sessions."""

    session_id = SelectField(_l("For"), choices=[], validate_choice=False)

    def target_session_id(self) -> int | None:
        value = self.session_id.data or EVENT_TARGET
        return database_id(value)

    def target_is_valid(self) -> bool:
        value = self.session_id.data or EVENT_TARGET
        return value == EVENT_TARGET or database_id(value) is not None


class EditMaterialForm(MaterialFields):
    url = URLField(_l("Link"), validators=[Optional(), Length(max=URL_MAX)])
    submit = SubmitField(_l("Save"))

    def fill(self, material) -> None:
        self.title.data = material.title
        self.description.data = material.description
        self.visibility.data = material.visibility.value
        self.url.data = material.url


class VersionForm(FlaskForm):
    file = FileField(_l("New version"))
    submit = SubmitField(_l("Upload the new version"))
