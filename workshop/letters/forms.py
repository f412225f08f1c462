"""Forms: a participant's passport details, the organisers' letterhead, and their decisions."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from .. import uploads
from ..countries import country_choices
from .services import DETAIL_FIELDS, IMAGE_SLOTS, REASON_MAX, ImageUpload, LetterheadData, PassportDetails

IMAGE_ACCEPT = {"accept": "image/png,image/jpeg,image/webp"}
NOT_A_DATE = _l("Give a date, e.g. 2031-05-20.")
DATE_FIELDS = ("date_of_birth", "passport_issued_on", "passport_expires_on")


class PassportForm(FlaskForm):
    """Every field is checked by the service (``services.problems_with``), which names what is missing."""

    passport_name = StringField(_l("Name as in your passport"), validators=[Optional(), Length(max=200)], description=_l("Exactly as printed on the passport's photo page, e.g. LI WEI."))
    passport_number = StringField(_l("Passport number"), validators=[Optional(), Length(max=40)], description=_l("Letters and digits only, e.g. E12345678."))
    nationality = SelectField(_l("Nationality"), choices=country_choices, validate_choice=False)
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    passport_issued_on = DateField(_l("Date of issue"), validators=[Optional()])
    passport_expires_on = DateField(_l("Date of expiry"), validators=[Optional()], description=_l("It must not expire before the event ends; many consulates ask for six months more."))
    issuing_authority = StringField(_l("Issuing authority"), validators=[Optional(), Length(max=200)], description=_l("As printed in the passport, e.g. National Immigration Administration, PRC."))
    consulate = StringField(_l("Embassy or consulate where you apply"), validators=[Optional(), Length(max=200)], description=_l("e.g. British Embassy Beijing, Visa Section. The letter is addressed to it."))
    submit = SubmitField(_l("Save and send to the organisers"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name in DATE_FIELDS:
            if self[name].errors:
                self[name].errors = [NOT_A_DATE]
        return valid

    def details(self) -> PassportDetails:
        return PassportDetails(**{name: self[name].data if name in DATE_FIELDS else (self[name].data or "") for name in DETAIL_FIELDS})


class LetterheadForm(FlaskForm):
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)], description=_l("The organisation that invites, at the head of the letter. Empty: the event's first partner."))
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=1000)], description=_l("One line each, as under the organisation's name: street, city, country, telephone, web site."))
    logo = FileField(_l("Logo"), render_kw=IMAGE_ACCEPT)
    remove_logo = BooleanField(_l("Remove the logo"))
    purpose = TextAreaField(_l("Purpose of the visit"), validators=[Optional(), Length(max=3000)], description=_l("What the participant comes to do, in one or two sentences. Empty: the event's summary."))
    signatory_name = StringField(_l("Signatory: name"), validators=[Optional(), Length(max=200)])
    signatory_title = StringField(_l("Signatory: title"), validators=[Optional(), Length(max=200)])
    signature = FileField(_l("Signature image"), render_kw=IMAGE_ACCEPT)
    remove_signature = BooleanField(_l("Remove the signature"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = uploads.size_label(int(current_app.config["PHOTO_MAX_BYTES"]))
        for slot in IMAGE_SLOTS:
            self[slot].description = _l("PNG, JPEG or WebP, at most %(limit)s. A new file replaces the old one.", limit=limit)

    def data_for_service(self) -> LetterheadData:
        return LetterheadData(
            organisation=self.organisation.data or "", address=self.address.data or "", purpose=self.purpose.data or "",
            signatory_name=self.signatory_name.data or "", signatory_title=self.signatory_title.data or "",
        )

    def images(self) -> dict[str, ImageUpload | None]:
        result = {}
        for slot in IMAGE_SLOTS:
            upload = self[slot].data
            result[slot] = ImageUpload(upload.stream, upload.filename) if upload and getattr(upload, "filename", "") else None
        return result

    def removed(self) -> set[str]:
        return {slot for slot in IMAGE_SLOTS if self[f"remove_{slot}"].data}


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Why is the letter refused?"), validators=[Optional(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("Refuse"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

    submit = SubmitField(_l("Go"))
