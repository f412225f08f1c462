"""Forms for speakers: the profile (as the organisers and as the speaker see it) and a role in a session."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length

from .. import uploads
from ..bounds import id_choice
from ..formtools import EMAIL_MAX, optional_text, texts
from ..translated_fields import translated_line, translated_text
from .speakers import BIOGRAPHY_MAX, NAME_MAX, ROLE_LABELS, PhotoUpload, SpeakerData


class SpeakerProfileForm(FlaskForm):
    """What a speaker keeps up to date themself."""

    full_name = StringField(
        _l("Full name"),
        validators=[Length(max=NAME_MAX)],
        description=_l("As written in Latin letters, e.g. Wang Fang."),
    )
    native_name = optional_text(_l("Name in own script"), NAME_MAX, _l("E.g. in Chinese characters: 王芳. Optional."))
    title = translated_line(_l("Title or position"), NAME_MAX)
    affiliation = translated_line(_l("Affiliation"), NAME_MAX, _l("Organisation or institution."))
    biography = translated_text(
        _l("Biography"), BIOGRAPHY_MAX, _l("A few sentences. Markdown works: **bold**, *italic*, lists and links.")
    )
    photo = FileField(_l("Photo"), render_kw={"accept": "image/png,image/jpeg,image/webp"})
    remove_photo = BooleanField(_l("Remove the photo"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = uploads.size_label(int(current_app.config["PHOTO_MAX_BYTES"]))
        self.photo.description = _l(
            "PNG, JPEG or WebP, at most %(limit)s. A new photo replaces the old one.", limit=limit
        )

    def data_for_service(self) -> SpeakerData:
        return SpeakerData(
            **texts(self, "full_name", "native_name"),
            title=self.title.data,
            affiliation=self.affiliation.data,
            biography=self.biography.data,
        )

    def photo_upload(self) -> PhotoUpload | None:
        file = self.photo.data
        if file is None or not getattr(file, "filename", ""):
            return None
        return PhotoUpload(stream=file.stream, filename=file.filename)


class SpeakerForm(SpeakerProfileForm):
    """The organisers' form: the profile and the address the invitation goes to."""

    email = optional_text(
        _l("E-mail"),
        EMAIL_MAX,
        _l("Where the invitation goes; never shown on public pages."),
        render_kw={"type": "email", "autocomplete": "off"},
    )

    def data_for_service(self) -> SpeakerData:
        data = super().data_for_service()
        data.email = self.email.data or ""
        return data


def fill_from_speaker(form: SpeakerProfileForm, speaker) -> None:
    form.process(obj=speaker)


class SessionRoleForm(FlaskForm):
    """Add the speaker to a session as ... ; the sessions are the event's, set by the view."""

    session_id = SelectField(_l("Session"), coerce=id_choice, validate_choice=False)
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validate_choice=False,
    )
    submit = SubmitField(_l("Add to the session"))
