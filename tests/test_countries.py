"""Country names and their order: UN names, English without regard to accents, Chinese by pinyin."""

from workshop.countries import NOT_COUNTRIES, _by_name, country_names
from workshop.country_pinyin import PINYIN


def names_in_order(locale: str) -> list[str]:
    return [name for _, name in _by_name(locale)]


def test_chinese_countries_are_in_pinyin_order():
    names = names_in_order("zh")
    assert names[0] == "阿尔巴尼亚"  # A'ěrbāníyà, first with 阿拉伯…, 阿富汗…
    assert names.index("阿尔巴尼亚") < names.index("德国") < names.index("乍得") < names.index("中国")
    assert names.index("中非共和国") < names.index("中国")  # zhong1 fei1 before zhong1 guo2
    assert names != sorted(names)  # not code-point order


def test_every_chinese_country_name_has_its_pinyin():
    han = {char for name in country_names("zh").values() for char in name if "\u4e00" <= char <= "\u9fff"}
    assert han <= PINYIN.keys()


def test_names_follow_un_terminology():
    zh, en = country_names("zh"), country_names("en")
    assert (zh["KR"], zh["KP"], zh["RU"], zh["IR"], zh["SY"], zh["TZ"]) == (
        "大韩民国",
        "朝鲜民主主义人民共和国",
        "俄罗斯联邦",
        "伊朗伊斯兰共和国",
        "阿拉伯叙利亚共和国",
        "坦桑尼亚联合共和国",
    )
    assert (zh["LA"], zh["BO"], zh["VE"], zh["MD"], zh["TR"], zh["VN"]) == (
        "老挝人民民主共和国",
        "多民族玻利维亚国",
        "委内瑞拉玻利瓦尔共和国",
        "摩尔多瓦共和国",
        "土耳其",
        "越南",
    )
    assert (en["VN"], en["TR"], en["KR"], en["RU"], en["IR"], en["BO"]) == (
        "Viet Nam",
        "Türkiye",
        "Republic of Korea",
        "Russian Federation",
        "Iran (Islamic Republic of)",
        "Bolivia (Plurinational State of)",
    )
    assert (en["TZ"], en["MD"], en["LA"], en["SY"], en["VE"], en["CZ"], en["GB"]) == (
        "United Republic of Tanzania",
        "Republic of Moldova",
        "Lao People's Democratic Republic",
        "Syrian Arab Republic",
        "Venezuela (Bolivarian Republic of)",
        "Czechia",
        "United Kingdom",
    )


def test_english_countries_sort_without_regard_to_accents():
    names = names_in_order("en")
    assert names.index("Costa Rica") + 1 == names.index("Côte d'Ivoire") < names.index("Croatia")
    assert names.index("Tunisia") < names.index("Türkiye") < names.index("Turkmenistan")
    assert names.index("Åland Islands") < names.index("Albania")


def test_both_languages_name_the_same_countries():
    assert country_names("zh").keys() == country_names("en").keys()
    assert not NOT_COUNTRIES & country_names("en").keys()
