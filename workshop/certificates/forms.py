"""Forms: the event's certificate settings (the shared letterhead and their language), issuing and
revoking, and typing a code to verify."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField

from ..formtools import optional_long_text, optional_text
from ..letterhead.forms import LetterheadForm
from .services import REASON_MAX


class SettingsForm(LetterheadForm):
    bilingual = BooleanField(
        _l("English and Chinese on every certificate"),
        description=_l(
            "Otherwise in English, and in English and Chinese for participants who use the site in Chinese."
        ),
    )


BEFORE_THE_END = _l("Issue before the event ends")


class IssueForm(FlaskForm):
    reason = optional_long_text(
        _l("Reason"),
        REASON_MAX,
        _l("Needed only for a participant who is not eligible; it is recorded with the certificate."),
    )
    before_the_end = BooleanField(BEFORE_THE_END)
    submit = SubmitField(_l("Issue the certificate"))


class IssueAllForm(FlaskForm):
    before_the_end = BooleanField(BEFORE_THE_END)
    submit = SubmitField(_l("Issue to all eligible"))


class RevokeForm(FlaskForm):
    reason = optional_long_text(_l("Why is it revoked?"), REASON_MAX)
    submit = SubmitField(_l("Revoke"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

    submit = SubmitField(_l("Go"))


class VerifyForm(FlaskForm):
    """Typing a code: a GET form that changes nothing, so without a CSRF token."""

    class Meta:
        csrf = False

    code = optional_text(
        _l("Verification code"), 100, _l("As printed under the QR code, e.g. 3F9A-0C1B-77D2-E845-B0A6.")
    )
    submit = SubmitField(_l("Verify"))
