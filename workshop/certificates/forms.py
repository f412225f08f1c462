"""Forms: the event's certificate settings, issuing and revoking, and typing a code to verify."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from .. import uploads
from .models import LOGO_SLOTS, SIGNATURE_SLOTS
from .services import ISSUERS_MAX, REASON_MAX, ImageUpload, SettingsData, Signatory

IMAGE_ACCEPT = {"accept": "image/png,image/jpeg,image/webp"}


class SettingsForm(FlaskForm):
    issuers = TextAreaField(
        _l("Issuing organisations"), validators=[Optional(), Length(max=ISSUERS_MAX)],
        description=_l("One a line, as they should appear. Empty: the event's partners."),
    )
    bilingual = BooleanField(
        _l("English and Chinese on every certificate"),
        description=_l("Otherwise in English, and in English and Chinese for participants who use the site in Chinese."),
    )
    logo_1 = FileField(_l("First logo"), render_kw=IMAGE_ACCEPT)
    remove_logo_1 = BooleanField(_l("Remove the first logo"))
    logo_2 = FileField(_l("Second logo"), render_kw=IMAGE_ACCEPT)
    remove_logo_2 = BooleanField(_l("Remove the second logo"))
    logo_3 = FileField(_l("Third logo"), render_kw=IMAGE_ACCEPT)
    remove_logo_3 = BooleanField(_l("Remove the third logo"))
    signatory_1_name = StringField(_l("First signatory: name"), validators=[Optional(), Length(max=200)])
    signatory_1_title = StringField(_l("First signatory: title"), validators=[Optional(), Length(max=200)])
    signature_1 = FileField(_l("First signatory: signature image"), render_kw=IMAGE_ACCEPT)
    remove_signature_1 = BooleanField(_l("Remove the first signature"))
    signatory_2_name = StringField(_l("Second signatory: name"), validators=[Optional(), Length(max=200)], description=_l("Optional."))
    signatory_2_title = StringField(_l("Second signatory: title"), validators=[Optional(), Length(max=200)])
    signature_2 = FileField(_l("Second signatory: signature image"), render_kw=IMAGE_ACCEPT)
    remove_signature_2 = BooleanField(_l("Remove the second signature"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = uploads.size_label(int(current_app.config["PHOTO_MAX_BYTES"]))
        for slot in LOGO_SLOTS + SIGNATURE_SLOTS:
            getattr(self, slot).description = _l("PNG, JPEG or WebP, at most %(limit)s. A new file replaces the old one.", limit=limit)

    def data_for_service(self) -> SettingsData:
        return SettingsData(
            issuers=self.issuers.data or "",
            bilingual=bool(self.bilingual.data),
            signatories=(
                Signatory(self.signatory_1_name.data or "", self.signatory_1_title.data or ""),
                Signatory(self.signatory_2_name.data or "", self.signatory_2_title.data or ""),
            ),
        )

    def images(self) -> dict[str, ImageUpload | None]:
        result = {}
        for slot in LOGO_SLOTS + SIGNATURE_SLOTS:
            upload = getattr(self, slot).data
            result[slot] = ImageUpload(upload.stream, upload.filename) if upload and getattr(upload, "filename", "") else None
        return result

    def removed(self) -> set[str]:
        return {slot for slot in LOGO_SLOTS + SIGNATURE_SLOTS if getattr(self, f"remove_{slot}").data}


class IssueForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"), validators=[Optional(), Length(max=REASON_MAX)],
        description=_l("Needed only for a participant who is not eligible; it is recorded with the certificate."),
    )
    submit = SubmitField(_l("Issue the certificate"))


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Why is it revoked?"), validators=[Optional(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("Revoke"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

    submit = SubmitField(_l("Go"))


class VerifyForm(FlaskForm):
    """Typing a code: a GET form that changes nothing, so without a CSRF token."""

    class Meta:
        csrf = False

    code = StringField(_l("Verification code"), validators=[Optional(), Length(max=100)], description=_l("As printed under the QR code, e.g. 3F9A-0C1B-77D2-E845-B0A6."))
    submit = SubmitField(_l("Verify"))
