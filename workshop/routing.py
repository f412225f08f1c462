"""What the segments of the site's addresses may hold: an ``<int:…>`` segment only a number the
database can store (so a larger one is a 404, not an error of the database), and a text segment no
control characters (PostgreSQL refuses a NUL in a query)."""

from flask import Flask
from werkzeug.routing import IntegerConverter, UnicodeConverter

from .bounds import DATABASE_INT_MAX


class DatabaseInteger(IntegerConverter):
    """``int``, at most ``DATABASE_INT_MAX`` unless the route says ``max``."""

    def __init__(self, map, fixed_digits=0, min=None, max=DATABASE_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class PlainText(UnicodeConverter):
    """The default segment, without control characters."""

    def __init__(self, map, minlength=1, maxlength=None, length=None):
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f]")


def init_app(app: Flask) -> None:
    """Before any route is added: a route takes its converters when it is added."""
    app.url_map.converters.update(int=DatabaseInteger, default=PlainText, string=PlainText)
