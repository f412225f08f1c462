"""The letterhead's fields, shared by the certificate settings and the visa letters' settings: each
adds its own fields to this form."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SubmitField

from .. import uploads
from ..formtools import optional_long_text, optional_text
from ..translated_fields import translated_line
from ..translated_lines import translated_lines
from .models import IMAGE_SLOTS
from .services import ADDRESS_MAX, ISSUERS_MAX, PLACE_MAX, ImageUpload, LetterheadData, Signatory

IMAGE_ACCEPT = {"accept": "image/png,image/jpeg,image/webp"}


class LetterheadForm(FlaskForm):
    issuers = translated_lines(
        _l("Issuing organisations"),
        ISSUERS_MAX,
        _l(
            "One a line, as they should appear, the same ones in the same order in each language; the first heads "
            "the visa letters (in English). Empty: the event's partners."
        ),
    )
    address = optional_long_text(
        _l("Address"),
        ADDRESS_MAX,
        _l("One line each, as under the organisation's name: street, city, country, telephone, web site."),
    )
    place_of_signature = optional_text(
        _l("Place of signature"),
        PLACE_MAX,
        _l("Where the visa letters are signed, printed before their date, e.g. Geneva. Empty: the event's city."),
    )
    logo_1 = FileField(_l("First logo"), render_kw=IMAGE_ACCEPT)
    remove_logo_1 = BooleanField(_l("Remove the first logo"))
    logo_2 = FileField(_l("Second logo"), render_kw=IMAGE_ACCEPT)
    remove_logo_2 = BooleanField(_l("Remove the second logo"))
    logo_3 = FileField(_l("Third logo"), render_kw=IMAGE_ACCEPT)
    remove_logo_3 = BooleanField(_l("Remove the third logo"))
    signatory_1_name = optional_text(_l("First signatory: name"), 200)
    signatory_1_title = translated_line(_l("First signatory: title"), 200)
    signature_1 = FileField(_l("First signatory: signature image"), render_kw=IMAGE_ACCEPT)
    remove_signature_1 = BooleanField(_l("Remove the first signature"))
    signatory_2_name = optional_text(_l("Second signatory: name"), 200, _l("Optional."))
    signatory_2_title = translated_line(_l("Second signatory: title"), 200)
    signature_2 = FileField(_l("Second signatory: signature image"), render_kw=IMAGE_ACCEPT)
    remove_signature_2 = BooleanField(_l("Remove the second signature"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = uploads.size_label(int(current_app.config["PHOTO_MAX_BYTES"]))
        for slot in IMAGE_SLOTS:
            self[slot].description = _l(
                "PNG, JPEG or WebP, at most %(limit)s. A new file replaces the old one.", limit=limit
            )

    def letterhead(self) -> LetterheadData:
        return LetterheadData(
            issuers=self.issuers.data,
            address=self.address.data or "",
            place_of_signature=self.place_of_signature.data or "",
            signatories=(
                Signatory(self.signatory_1_name.data or "", self.signatory_1_title.data),
                Signatory(self.signatory_2_name.data or "", self.signatory_2_title.data),
            ),
        )

    def images(self) -> dict[str, ImageUpload | None]:
        result = {}
        for slot in IMAGE_SLOTS:
            upload = self[slot].data
            result[slot] = (
                ImageUpload(upload.stream, upload.filename) if upload and getattr(upload, "filename", "") else None
            )
        return result

    def removed(self) -> set[str]:
        return {slot for slot in IMAGE_SLOTS if self[f"remove_{slot}"].data}
