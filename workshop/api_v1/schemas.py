"""What the JSON API reads and answers, as marshmallow schemas: they check what a client sends
(types, ranges, unknown fields) and describe every answer in the OpenAPI document."""

from __future__ import annotations

from typing import ClassVar

from flask import url_for
from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, fields, validate

from ..agenda.models import SessionKind, SpeakerRole
from ..bounds import DATABASE_INT_MAX
from ..events.models import EventKind
from ..publishing.models import PublicationKind
from ..publishing.services import slug_of
from ..registration.exports import FORMATS
from ..registration.states import State
from ..translated import LANGUAGES

PER_PAGE_MAX = 100
PER_PAGE_DEFAULT = 20
PAGE_MAX = DATABASE_INT_MAX // PER_PAGE_MAX  # the offset of the last row of any page fits the database

MESSAGES = {
    "unknown": _l("Unknown field."),
    "required": _l("Missing data for a required field."),
    "null": _l("This field may not be null."),
    "invalid_integer": _l("Not a valid whole number."),
    "invalid_date": _l("Not a valid date (YYYY-MM-DD)."),
    "invalid_string": _l("Not a valid string."),
    "invalid_boolean": _l("Not a valid boolean."),
    "range": _l("Must be between {min} and {max}."),
    "one_of": _l("Must be one of: {choices}."),
    "too_long": _l("Longer than {max} characters."),
}


def _messages(*, invalid: str) -> dict:
    return {"required": MESSAGES["required"], "null": MESSAGES["null"], "invalid": MESSAGES[invalid]}


def integer(minimum: int = 1, maximum: int = DATABASE_INT_MAX, **kwargs) -> fields.Integer:
    """A whole number the database can hold (an id by default): a larger one is the field's error,
    not an overflow in a query."""
    check = validate.Range(min=minimum, max=maximum, error=MESSAGES["range"])
    return fields.Integer(strict=True, validate=check, error_messages=_messages(invalid="invalid_integer"), **kwargs)


def query_integer(minimum: int = 1, maximum: int = DATABASE_INT_MAX, **kwargs) -> fields.Integer:
    """A whole number in the query string, where every value arrives as text."""
    field = integer(minimum, maximum, **kwargs)
    field.strict = False
    return field


def choice(values, metadata: dict | None = None, **kwargs) -> fields.String:
    values = list(values)
    return fields.String(
        validate=validate.OneOf(values, error=MESSAGES["one_of"]),
        error_messages=_messages(invalid="invalid_string"),
        metadata={**(metadata or {}), "enum": values},
        **kwargs,
    )


def day(**kwargs) -> fields.Date:
    return fields.Date(error_messages=_messages(invalid="invalid_date"), **kwargs)


def text(maximum: int, **kwargs) -> fields.String:
    return fields.String(
        validate=validate.Length(max=maximum, error=MESSAGES["too_long"]),
        error_messages=_messages(invalid="invalid_string"),
        **kwargs,
    )


class Strict(Schema):
    """Anything the client sends that the API does not know is an error, not silently ignored."""

    class Meta:
        unknown = RAISE

    error_messages: ClassVar[dict] = {"unknown": MESSAGES["unknown"], "type": _l("Send a JSON object.")}


# --- what clients send -----------------------------------------------------------------------


class PageQuery(Strict):
    page = query_integer(1, PAGE_MAX, load_default=1, metadata={"description": _l("The page, from 1.")})
    per_page = query_integer(
        1,
        PER_PAGE_MAX,
        load_default=PER_PAGE_DEFAULT,
        metadata={"description": _l("At most %(max)d.", max=PER_PAGE_MAX)},
    )


class EventsQuery(PageQuery):
    from_ = day(data_key="from", metadata={"description": _l("Events that end on or after this day (UTC).")})
    to = day(metadata={"description": _l("Events that start on or before this day (UTC).")})
    series = query_integer(metadata={"description": _l("The id of a series.")})
    kind = choice(kind.value for kind in EventKind)
    language = choice(LANGUAGES, metadata={"description": _l("Events whose title is written in this language.")})


class ResourcesQuery(PageQuery):
    event = query_integer(metadata={"description": _l("The id of an event.")})
    series = query_integer()
    kind = choice(kind.value for kind in PublicationKind)
    language = choice(LANGUAGES)
    year = query_integer(1900, 9999)
    q = text(200, metadata={"description": _l("Words of the title.")})


class RegistrationsQuery(PageQuery):
    state = choice(state.value for state in State)
    country = text(2, metadata={"description": _l("A country's ISO 3166 code, e.g. CN.")})
    q = text(200, metadata={"description": _l("Words of the name, organisation or e-mail.")})


class AttendanceQuery(PageQuery):
    session = query_integer(0, metadata={"description": _l("A session's id; 0 for arrivals at the event.")})


class ExportQuery(Strict):
    format = choice(FORMATS, load_default="csv")
    state = choice(state.value for state in State)
    columns = text(
        2000,
        metadata={
            "description": _l("Column keys separated by commas; by default name, e-mail, organisation, country, state.")
        },
    )


DECISIONS = ("approve", "reject", "cancel", "promote")


class RegistrationDecision(Strict):
    action = choice(DECISIONS, required=True)
    reason = text(1000, load_default="", metadata={"description": _l("Required to reject; the participant reads it.")})


class AttendanceMark(Strict):
    registration_id = integer(required=True)
    session_id = integer(
        allow_none=True, load_default=None, metadata={"description": _l("null: arrival at the event.")}
    )


class CertificateRequest(Strict):
    registration_id = integer(required=True)
    reason = text(1000, load_default="", metadata={"description": _l("Why a person who is not eligible gets one.")})
    before_the_end = fields.Boolean(
        truthy={True}, falsy={False}, load_default=False, error_messages=_messages(invalid="invalid_boolean")
    )


# --- what the API answers --------------------------------------------------------------------


class TranslatedField(fields.Field):
    """A text written in several languages: ``{"en": "...", "zh": "..."}``, the languages it has."""

    def _serialize(self, value, attr, obj, **kwargs):
        return dict(value.texts) if value is not None else {}


class Enum(fields.Field):
    def _serialize(self, value, attr, obj, **kwargs):
        return value.value if value is not None else None


class PageLinks(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()
    next = fields.String(allow_none=True)
    prev = fields.String(allow_none=True)


class EventOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    kind = Enum(metadata={"enum": [kind.value for kind in EventKind]})
    status = Enum()
    title = TranslatedField()
    summary = TranslatedField()
    description = TranslatedField(metadata={"description": _l("Markdown.")})
    venue = TranslatedField()
    city = TranslatedField()
    country = fields.String()
    timezone = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    series_id = fields.Integer(allow_none=True)
    url = fields.Function(lambda event: url_for("events.show", slug=event.slug, _external=True))


class EventPageOut(PageLinks):
    items = fields.List(fields.Nested(EventOut))


class SpeakerOut(Schema):
    id = fields.Integer()
    full_name = fields.String()
    native_name = fields.String()
    title = TranslatedField()
    affiliation = TranslatedField()
    biography = TranslatedField(metadata={"description": _l("Markdown.")})


class SessionSpeakerOut(Schema):
    speaker_id = fields.Integer()
    full_name = fields.Function(lambda link: link.speaker.full_name)
    native_name = fields.Function(lambda link: link.speaker.native_name)
    role = Enum(metadata={"enum": [role.value for role in SpeakerRole]})


class SessionOut(Schema):
    id = fields.Integer()
    title = TranslatedField()
    kind = Enum(metadata={"enum": [kind.value for kind in SessionKind]})
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    room = fields.String()
    address = fields.String()
    city = fields.String()
    track = fields.String()
    description = TranslatedField(metadata={"description": _l("Markdown.")})
    counts_for_attendance = fields.Boolean()
    cancelled = fields.Boolean()
    speakers = fields.List(fields.Nested(SessionSpeakerOut))


class SessionListOut(Schema):
    items = fields.List(fields.Nested(SessionOut))


class SpeakerListOut(Schema):
    items = fields.List(fields.Nested(SpeakerOut))


def resource_url(publication) -> str:
    return url_for("publishing.resource", publication_id=publication.id, slug=slug_of(publication), _external=True)


def download_url(file) -> str:
    publication = file.publication
    return url_for(
        "publishing.download",
        publication_id=publication.id,
        slug=slug_of(publication),
        version=publication.version,
        language=file.language or "file",
        _external=True,
    )


class ResourceFileOut(Schema):
    language = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    download_url = fields.Function(download_url)


class ResourceOut(Schema):
    id = fields.Integer()
    event_id = fields.Integer()
    kind = Enum(metadata={"enum": [kind.value for kind in PublicationKind]})
    title = TranslatedField()
    dated = fields.Date()
    languages = fields.Function(lambda publication: publication.languages.split())
    url = fields.String(metadata={"description": _l("A resource that is a link.")})
    page_url = fields.Function(resource_url)
    version = fields.Integer()
    published_at = fields.DateTime()
    files = fields.List(fields.Nested(ResourceFileOut))


class ResourcePageOut(PageLinks):
    items = fields.List(fields.Nested(ResourceOut))


class RegistrationOut(Schema):
    id = fields.Integer()
    state = Enum(metadata={"enum": [state.value for state in State]})
    full_name = fields.String()
    native_name = fields.String()
    email = fields.Function(lambda registration: registration.user.email)
    organisation = fields.String()
    organisation_type = Enum()
    country = fields.String()
    job_title = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class RegistrationPageOut(PageLinks):
    items = fields.List(fields.Nested(RegistrationOut))


class DecisionOut(Schema):
    registration = fields.Nested(RegistrationOut)
    problems = fields.List(fields.String(), metadata={"description": _l("What could not be done, and why.")})


class AttendanceOut(Schema):
    id = fields.Integer()
    registration_id = fields.Integer()
    session_id = fields.Integer(allow_none=True)
    present = fields.Boolean()
    method = Enum()
    recorded_at = fields.DateTime()


class AttendancePageOut(PageLinks):
    items = fields.List(fields.Nested(AttendanceOut))


class MarkOut(Schema):
    status = fields.String(
        metadata={"description": _l("checked_in, already, not_confirmed, not_this_event or unknown.")}
    )
    attendance = fields.Nested(AttendanceOut, allow_none=True)


class CertificateOut(Schema):
    id = fields.Integer()
    registration_id = fields.Integer()
    code = fields.String()
    holder_name = fields.String()
    holder_native_name = fields.String()
    issued_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    valid = fields.Boolean()


class CertificateListOut(Schema):
    items = fields.List(fields.Nested(CertificateOut))


class ProblemOut(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()), metadata={"description": _l("Field: messages.")}
    )
