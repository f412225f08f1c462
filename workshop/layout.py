"""The parts of the layout every page shares (the menus, the footer), made once for each language
and kind of visitor. The few things in them that differ from request to request (the form token,
the address of the page, the person's name) are left as holes and filled in for each page."""

from flask import g, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from .fragments import kept_or_made
from .security import has_team_role

MARK = "\x00"  # never in a page: control characters are removed from everything typed


def hole(name: str) -> Markup:
    return Markup(f"{MARK}{name}{MARK}")


def visitor_kind() -> str:
    """What the menus differ by: a visitor, an admin, someone on some event's team (or who may
    create events: they see "Manage events"), or anybody else. Asked once a request, so that a
    person added to a team sees the entry on their next page, whichever server answers."""
    if "visitor_kind" not in g:
        g.visitor_kind = _kind_of(current_user)
    return g.visitor_kind


def _kind_of(user) -> str:
    if not user.is_authenticated:
        return "visitor"
    if user.is_admin:
        return "admin"
    return "team" if has_team_role(user) else "user"


def layout_part(template: str) -> Markup:
    kind = visitor_kind()
    key = (template, str(get_locale()), kind)
    part = kept_or_made(key, lambda: Markup(render_template(template, hole=hole, visitor_kind=kind)), store="layout")
    return filled(part)


def filled(part: Markup) -> Markup:
    if MARK not in part:
        return part
    for name, value in hole_values(part):
        part = Markup(part.replace(f"{MARK}{name}{MARK}", str(escape(value))))
    return part


def hole_values(part: str):
    if f"{MARK}csrf_token{MARK}" in part:
        yield "csrf_token", generate_csrf()
    if f"{MARK}this_page{MARK}" in part:
        yield "this_page", request.full_path if request.query_string else request.path
    if f"{MARK}login{MARK}" in part:
        yield "login", url_for("accounts.login", next=request.path)
    if f"{MARK}display_name{MARK}" in part:
        yield "display_name", current_user.display_name
