"""The API's description: one table of its operations, from which apispec writes the OpenAPI
document (``/api/v1/openapi.json``) and our own page shows it to people, in their language."""

from __future__ import annotations

from dataclasses import dataclass

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, render_template, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import Schema

from . import pages, schemas
from .answers import answer, plain
from .public import public_route


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: object  # a lazy translation
    response: type[Schema] | None
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    token: str = ""  # "", "read" or "write"
    paged: bool = False
    status: int = 200

    @property
    def anchor(self) -> str:
        return f"{self.method}-{self.path}".lower().replace("/", "-").replace("{", "").replace("}", "").strip("-")


EVENT = "/api/v1/events/{event_id}"
OPERATIONS = (
    Operation(
        "get",
        "/api/v1/events",
        _l("Published events, soonest first."),
        schemas.EventPageOut,
        schemas.EventsQuery,
        paged=True,
    ),
    Operation("get", EVENT, _l("One published event."), schemas.EventOut),
    Operation(
        "get", f"{EVENT}/sessions", _l("The agenda: every session with its speakers and room."), schemas.SessionListOut
    ),
    Operation("get", f"{EVENT}/speakers", _l("The event's speakers."), schemas.SpeakerListOut),
    Operation(
        "get",
        "/api/v1/resources",
        _l("The resource library: public publications of published events."),
        schemas.ResourcePageOut,
        schemas.ResourcesQuery,
        paged=True,
    ),
    Operation(
        "get",
        f"{EVENT}/registrations",
        _l("The event's registrations."),
        schemas.RegistrationPageOut,
        schemas.RegistrationsQuery,
        token="read",
        paged=True,
    ),
    Operation(
        "get",
        f"{EVENT}/registrations/{{registration_id}}",
        _l("One registration."),
        schemas.RegistrationOut,
        token="read",
    ),
    Operation(
        "post",
        f"{EVENT}/registrations/{{registration_id}}/decision",
        _l(
            "Approve, reject, cancel or promote a registration, by the rules of the organisers' page: "
            "approved into a full event, it goes to the waiting list."
        ),
        schemas.DecisionOut,
        body=schemas.RegistrationDecision,
        token="write",
    ),
    Operation(
        "get",
        f"{EVENT}/registrations/export",
        _l("The registrations as a CSV or XLSX file; every download is recorded."),
        None,
        schemas.ExportQuery,
        token="read",
    ),
    Operation(
        "get",
        f"{EVENT}/attendance",
        _l("The marks of presence, at arrival and at sessions."),
        schemas.AttendancePageOut,
        schemas.AttendanceQuery,
        token="read",
        paged=True,
    ),
    Operation(
        "post",
        f"{EVENT}/attendance",
        _l("Mark a confirmed registration present at arrival or at a session; twice records once."),
        schemas.MarkOut,
        body=schemas.AttendanceMark,
        token="write",
        status=201,
    ),
    Operation(
        "get",
        f"{EVENT}/certificates",
        _l("The event's certificates, revoked ones too."),
        schemas.CertificateListOut,
        token="read",
    ),
    Operation(
        "post",
        f"{EVENT}/certificates",
        _l("Issue a certificate to a confirmed registration, by the rules of the certificates page."),
        schemas.CertificateOut,
        body=schemas.CertificateRequest,
        token="write",
        status=201,
    ),
)

STATUSES = (
    (304, _l("Not modified: the ETag sent in If-None-Match is still the answer's.")),
    (
        400,
        _l(
            "A query, header or body that cannot be read: an unknown parameter, a wrong type, a page size over "
            "100, a malformed If-None-Match."
        ),
    ),
    (401, _l("No valid token: missing, unknown, revoked or expired.")),
    (403, _l("The token is not for this event, or may only read.")),
    (404, _l("No such event, registration or address.")),
    (405, _l("This address does not take this method.")),
    (409, _l("The rules refuse the change, e.g. approving a registration that is not pending.")),
    (412, _l("A precondition of the request failed.")),
    (422, _l("The body is JSON but some of its fields are not valid; errors lists them.")),
    (429, _l("Too many requests: wait for the time Retry-After gives.")),
)


def openapi_document() -> dict:
    marshmallow = MarshmallowPlugin()
    spec = APISpec(
        title="Workshop manager API",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[marshmallow],
        info={
            "description": str(
                _l(
                    "Published events, their agenda, speakers and resources for everyone; "
                    "registrations, attendance, certificates and exports for organisers."
                )
            )
        },
        servers=[{"url": url_for("events.index", _external=True).rstrip("/")}],
    )
    marshmallow.map_to_openapi_type(schemas.TranslatedField, "object", None)
    marshmallow.map_to_openapi_type(schemas.Enum, "string", None)
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", schema=schemas.ProblemOut)
    problem = {"content": {"application/problem+json": {"schema": "Problem"}}}
    for path in dict.fromkeys(operation.path for operation in OPERATIONS):
        operations = {}
        for operation in (o for o in OPERATIONS if o.path == path):
            responses = {str(code): {"description": str(text), **problem} for code, text in STATUSES if code != 304}
            if operation.response is not None:
                content = {"application/json": {"schema": operation.response}}
            else:
                content = {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}
            responses[str(operation.status)] = {"description": str(operation.summary), "content": content}
            if operation.method == "get":
                responses["304"] = {"description": str(STATUSES[0][1])}
            entry = {
                "summary": str(operation.summary),
                "operationId": operation.anchor,
                "responses": responses,
                "tags": ["organisers" if operation.token else "public"],
            }
            parameters = [
                {"in": "path", "name": name, "required": True, "schema": {"type": "integer"}}
                for name in ("event_id", "registration_id")
                if f"{{{name}}}" in path
            ]
            if operation.query is not None:
                parameters.append({"in": "query", "schema": operation.query})
            if parameters:
                entry["parameters"] = parameters
            if operation.body is not None:
                entry["requestBody"] = {"required": True, "content": {"application/json": {"schema": operation.body}}}
            if operation.token:
                entry["security"] = [{"token": []}]
            operations[operation.method] = entry
        spec.path(path=path, operations=operations)
    return plain(spec.to_dict())


@public_route("/openapi.json")
def openapi():
    return answer(openapi_document())


def fields_of(schema: type[Schema] | None) -> list[tuple[str, str, str]]:
    """(name, type, description) of each field, for the page."""
    if schema is None:
        return []
    rows = []
    for name, field in schema().fields.items():
        kind = type(field).__name__.lower().replace("translatedfield", "object {en, zh}")
        choices = field.metadata.get("enum")
        described = field.metadata.get("description", "")
        if choices:
            described = f"{described} {', '.join(map(str, choices))}".strip()
        rows.append((field.data_key or name, kind, described))
    return rows


@pages.get("/developers/api")
def docs():
    return render_template(
        "api_v1/docs.html",
        operations=OPERATIONS,
        statuses=STATUSES,
        fields_of=fields_of,
        per_page_max=schemas.PER_PAGE_MAX,
        public_limit=current_app.config["API_PUBLIC_RATE_LIMIT"],
        token_limit=current_app.config["API_TOKEN_RATE_LIMIT"],
    )
