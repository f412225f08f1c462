"""The parts of the layout every page shares (the menus, the footer), made once for each language
and kind of visitor. The few things in them that differ from request to request (the form token,
the address of the page, the person's name) are left as holes and filled in for each page."""

from flask import render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from .fragments import kept_or_made

MARK = "\x00"  # never in a page: control characters are removed from everything typed


def hole(name: str) -> Markup:
    return Markup(f"{MARK}{name}{MARK}")


def visitor_kind() -> str:
    if not current_user.is_authenticated:
        return "visitor"
    return "admin" if current_user.is_admin else "user"


def layout_part(template: str) -> Markup:
    key = (template, str(get_locale()), visitor_kind())
    part = kept_or_made(key, lambda: Markup(render_template(template, hole=hole)), store="layout")
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
