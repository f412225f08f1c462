"""Countries by ISO 3166-1 alpha-2 code, named in the reader's language."""

from babel import Locale
from flask_babel import get_locale
from wtforms import SelectChoice

NOT_COUNTRIES = {"ZZ", "XA", "XB", "EU", "EZ", "UN", "QO"}


def country_names(locale: str | None = None) -> dict[str, str]:
    territories = Locale.parse(locale or str(get_locale())).territories
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }


def is_country(code: str) -> bool:
    return code in country_names("en")


def country_choices(blank: str = "—") -> list[SelectChoice]:
    countries = sorted(country_names().items(), key=lambda item: item[1])
    return [SelectChoice("", blank), *(SelectChoice(code, name) for code, name in countries)]
