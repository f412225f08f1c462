"""Countries by ISO 3166-1 alpha-2 code, named in the reader's language.

The names are Babel's (CLDR), except where the UN terminology that the ILO uses names a member State
or territory otherwise (``UN_NAMES``; docs/zh-terminology.md says why each one). Lists are sorted as a
reader looks for a name: English alphabetically without regard to accents (Côte d'Ivoire after Costa
Rica), Chinese by pinyin (乍得 Zhàdé before 中国 Zhōngguó), not by code point.
"""

import unicodedata
from collections.abc import Callable
from functools import cache
from types import MappingProxyType

from babel import Locale
from flask_babel import get_locale
from wtforms import SelectChoice

from .country_pinyin import PINYIN

NOT_COUNTRIES = {"ZZ", "XA", "XB", "EU", "EZ", "UN", "QO"}

# The UN short names where CLDR's differ (UNTERM; for Hong Kong, Macao and Taiwan the ILO's usage).
UN_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "BN": "Brunei Darussalam",
        "BO": "Bolivia (Plurinational State of)",
        "CD": "Democratic Republic of the Congo",
        "CG": "Congo",
        "CI": "Côte d'Ivoire",
        "CV": "Cabo Verde",
        "FM": "Micronesia (Federated States of)",
        "HK": "Hong Kong, China",
        "IR": "Iran (Islamic Republic of)",
        "KP": "Democratic People's Republic of Korea",
        "KR": "Republic of Korea",
        "LA": "Lao People's Democratic Republic",
        "MD": "Republic of Moldova",
        "MO": "Macao, China",
        "RU": "Russian Federation",
        "SY": "Syrian Arab Republic",
        "TW": "Taiwan, China",
        "TZ": "United Republic of Tanzania",
        "US": "United States of America",
        "VA": "Holy See",
        "VE": "Venezuela (Bolivarian Republic of)",
        "VN": "Viet Nam",
    },
    "zh": {
        "BN": "文莱达鲁萨兰国",
        "BO": "多民族玻利维亚国",
        "CD": "刚果民主共和国",
        "CG": "刚果",
        "FM": "密克罗尼西亚联邦",
        "IR": "伊朗伊斯兰共和国",
        "KP": "朝鲜民主主义人民共和国",
        "KR": "大韩民国",
        "LA": "老挝人民民主共和国",
        "MD": "摩尔多瓦共和国",
        "RU": "俄罗斯联邦",
        "SY": "阿拉伯叙利亚共和国",
        "TW": "中国台湾",
        "TZ": "坦桑尼亚联合共和国",
        "VA": "教廷",
        "VE": "委内瑞拉玻利瓦尔共和国",
    },
}


def country_names(locale: str | None = None) -> MappingProxyType[str, str]:
    return _country_names(locale or str(get_locale()))


# Babel's territory names are fixed data of the installed Babel: one table per language for the
# life of the process, read-only so that no caller can change it for the next.
@cache
def _country_names(locale: str) -> MappingProxyType[str, str]:
    territories = Locale.parse(locale).territories
    names = {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }
    names.update(UN_NAMES.get(Locale.parse(locale).language, {}))
    return MappingProxyType(names)


def is_country(code: str) -> bool:
    return code in country_names("en")


def country_choices(blank: str = "—") -> list[SelectChoice]:
    # New choices every time: WTForms' choices are mutable objects a form may change.
    return [SelectChoice("", blank), *(SelectChoice(code, name) for code, name in _by_name(str(get_locale())))]


def alphabetical_key(name: str) -> str:
    """The name without accents and case: Côte d'Ivoire sorts as cote d'ivoire."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def pinyin_key(name: str) -> tuple[tuple[str, int], ...]:
    """The name as a dictionary orders it: syllable by syllable, letters first and then the tone."""
    return tuple(_syllable(char) for char in name)


def _syllable(char: str) -> tuple[str, int]:
    reading = PINYIN.get(char)
    if reading is None:  # not a Han character of the table: punctuation, Latin letters
        return (alphabetical_key(char), 0)
    return (reading.rstrip("012345"), int(reading[-1]) if reading[-1].isdigit() else 5)


def sort_key(locale: str) -> Callable[[str], object]:
    return pinyin_key if Locale.parse(locale).language == "zh" else alphabetical_key


@cache
def _by_name(locale: str) -> tuple[tuple[str, str], ...]:
    key = sort_key(locale)
    return tuple(sorted(country_names(locale).items(), key=lambda item: key(item[1])))
