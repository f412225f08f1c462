"""What every route of the API shares: reading the query and the body, refusing bad input (recorded),
pages of results with their links, and answers with an ETag that a client revalidates."""

from __future__ import annotations

import hashlib
import re
from typing import NoReturn

from flask import Response, json, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError

from ..audit import record_attempt
from ..extensions import db
from .problems import Problem

# A list of entity tags as RFC 9110 writes them, or "*"
ENTITY_TAGS = re.compile(r'^\s*(\*|(W/)?"[\x21\x23-\x7e]*"(\s*,\s*(W/)?"[\x21\x23-\x7e]*")*)\s*$')


def plain(value):
    """``value`` with its lazy translations (marshmallow's messages, the schemas' descriptions) as text."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def refuse(
    status: int, detail: str, errors: dict | None = None, *, event_id: int | None = None, action: str, target=None
) -> NoReturn:
    """Answer ``status`` with a problem detail; nothing the request did is kept but the record of the attempt."""
    errors = plain(errors) if errors else None
    record_attempt(
        action,
        event_id=event_id,
        target=target,
        summary=f"{request.method} {request.path}: {detail}",
        changes={"errors": errors} if errors else None,
    )
    raise Problem(status, detail, errors)


def query_of(schema: type[Schema], *, event_id: int | None = None) -> dict:
    """The query string as ``schema`` reads it; 400 with each field's problem otherwise."""
    try:
        return schema().load(request.args.to_dict())
    except ValidationError as error:
        refuse(400, _("The query is not valid."), error.messages, event_id=event_id, action="api.query_refused")


def body_of(schema: type[Schema], *, event_id: int | None = None) -> dict:
    """The JSON body as ``schema`` reads it: 400 when it is not a JSON object, 422 with each field's problem."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        refuse(
            400,
            _("Send a JSON object with the content type application/json."),
            event_id=event_id,
            action="api.body_refused",
        )
    try:
        return schema().load(body)
    except ValidationError as error:
        refuse(422, _("Some fields are not valid."), error.messages, event_id=event_id, action="api.body_refused")


class Page:
    """One page of a list, with the links to its neighbours."""

    def __init__(self, items: list, page: int, per_page: int, total: int):
        self.items, self.page, self.per_page, self.total = items, page, per_page, total
        self.pages = max(-(-total // per_page), 1)

    def link(self, page: int) -> str:
        args = {**request.view_args, **request.args.to_dict(), "page": page, "per_page": self.per_page}
        return url_for(request.endpoint, **args, _external=True)

    def body(self, dumped_items: list) -> dict:
        return {
            "items": dumped_items,
            "page": self.page,
            "per_page": self.per_page,
            "total": self.total,
            "pages": self.pages,
            "next": self.link(self.page + 1) if self.page < self.pages else None,
            "prev": self.link(self.page - 1) if self.page > 1 else None,
        }

    def link_header(self) -> str:
        links = [f'<{self.link(1)}>; rel="first"', f'<{self.link(self.pages)}>; rel="last"']
        if self.page < self.pages:
            links.append(f'<{self.link(self.page + 1)}>; rel="next"')
        if self.page > 1:
            links.append(f'<{self.link(self.page - 1)}>; rel="prev"')
        return ", ".join(links)


def paged(select, page: int, per_page: int) -> list:
    return list(db.session.scalars(select.limit(per_page).offset((page - 1) * per_page)).unique())


def if_none_match(*, event_id: int | None = None) -> str | None:
    """The If-None-Match header when it is well formed; 400 when it is not (a client's bug, better told)."""
    value = request.headers.get("If-None-Match")
    if value is None:
        return None
    if not ENTITY_TAGS.match(value):
        refuse(
            400,
            _('The header If-None-Match is not a list of entity tags such as "abc123".'),
            {"If-None-Match": [_("Not a valid entity tag.")]},
            event_id=event_id,
            action="api.header_refused",
        )
    return value


def answer(body: dict, *, page: Page | None = None, cache: str = "public, max-age=60", event_id=None) -> Response:
    """The JSON answer to a reading, with a strong ETag of its content; 304 when the client already holds it."""
    payload = _json(body)
    tag = hashlib.sha256(payload).hexdigest()[:32]
    wanted = if_none_match(event_id=event_id)
    if wanted is not None and (wanted.strip() == "*" or tag in _tags(wanted)):
        response = Response(status=304)
    else:
        response = Response(payload, mimetype="application/json")
    response.set_etag(tag)
    response.headers["Cache-Control"] = cache
    response.vary.add("Authorization")
    if page is not None:
        response.headers["Link"] = page.link_header()
    return response


def changed(body: dict, status: int = 200) -> Response:
    """The JSON answer to a change: never kept, never revalidated."""
    response = Response(_json(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _json(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()


def _tags(header: str) -> set[str]:
    """The opaque tags of the header; weak comparison, as RFC 9110 asks for If-None-Match."""
    return {part.strip().removeprefix("W/").strip('"') for part in header.split(",")}
