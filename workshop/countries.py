"""Countries by ISO 3166-1 alpha-2 code, named in the reader's language."""

from functools import cache
from types import MappingProxyType

from babel import Locale
from flask_babel import get_locale
from wtforms import SelectChoice

NOT_COUNTRIES = {"ZZ", "XA", "XB", "EU", "EZ", "UN", "QO"}


def country_names(locale: str | None = None) -> MappingProxyType[str, str]:
    return _country_names(locale or str(get_locale()))


# Babel's territory names are fixed data of the installed Babel: one table per language for the
# life of the process, read-only so that no caller can change it for the next.
@cache
def _country_names(locale: str) -> MappingProxyType[str, str]:
    territories = Locale.parse(locale).territories
    return MappingProxyType(
        {
            code: name
            for code, name in territories.items()
            if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
        }
    )


def is_country(code: str) -> bool:
    return code in country_names("en")


def country_choices(blank: str = "—") -> list[SelectChoice]:
    # New choices every time: WTForms' choices are mutable objects a form may change.
    return [SelectChoice("", blank), *(SelectChoice(code, name) for code, name in _by_name(str(get_locale())))]


@cache
def _by_name(locale: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(country_names(locale).items(), key=lambda item: item[1]))
