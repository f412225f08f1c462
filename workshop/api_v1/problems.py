"""Every error of the JSON API as a problem detail (RFC 9457, ``application/problem+json``):
``type``, ``title``, ``status``, ``detail``, and ``errors`` (field: messages) for bad input."""

from __future__ import annotations

from flask import Response, json, url_for
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_TYPE = "application/problem+json"


class Problem(Exception):
    def __init__(self, status: int, detail: str, errors: dict | None = None, headers: dict | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, str(detail), errors, headers or {}


def problem_response(status: int, detail: str = "", errors: dict | None = None, headers: dict | None = None):
    body = {
        "type": url_for("api_pages.docs", _anchor=f"status-{status}", _external=True),
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": str(detail or HTTP_STATUS_CODES.get(status, "")),
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE)
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    response.headers.update(headers or {})
    return response


def is_api_v1_path(path: str) -> bool:
    return path == "/api/v1" or path.startswith("/api/v1/")


def register_handlers(bp) -> None:
    from werkzeug.exceptions import HTTPException

    @bp.errorhandler(Problem)
    def problem(error: Problem):
        return problem_response(error.status, error.detail, error.errors, error.headers)

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        response = problem_response(error.code or 500, error.description or "")
        if error.code == 429 and error.response is not None:  # Retry-After and the limits, from Flask-Limiter
            response.headers.update(
                {k: v for k, v in error.response.headers.items() if k.lower().startswith(("retry", "x-ratelimit"))}
            )
        return response
