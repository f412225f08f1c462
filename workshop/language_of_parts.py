"""The language of a name or title, from its script, so that a page can mark the words that are
not in its own language (``lang``) and a screen reader reads them with the right voice: 李伟 on
an English page, "Maria Rossi" or an English event title on a Chinese page.

The product does not store the language of what people type, so the script tells: Chinese
characters (without kana) are Chinese; Latin letters are English, or Vietnamese when they carry
its letters; a few scripts belong to one language each. Text mixing scripts, or in a script
several languages share (Cyrillic, Arabic), is left in the page's language.
"""

import re
from functools import lru_cache

from flask_babel import get_locale
from markupsafe import Markup, escape

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
SCRIPTS = (  # (language, letters of its script), in the order they are recognised
    ("ja", re.compile(r"[\u3040-\u30ff]")),  # kana: Japanese, even with Chinese characters
    ("ko", re.compile(r"[\u1100-\u11ff\uac00-\ud7af]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("bn", re.compile(r"[\u0980-\u09ff]")),
    ("zh", HAN),
)
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")


def language_of(text: str | None) -> str | None:
    """The language ``text`` is written in, judged by its script; None when it cannot be told."""
    return _language_of(str(text or ""))


@lru_cache(maxsize=4096)  # the same names and titles come back on every page
def _language_of(text: str) -> str | None:
    letters = [character for character in text if character.isalpha()]
    if not letters:
        return None
    written = "".join(letters)
    for language, script in SCRIPTS:
        if script.search(written):
            others = script.sub("", written)
            if language == "ja":
                others = HAN.sub("", others)
            return None if others else language
    if LATIN.sub("", written):
        return None  # another script, or several
    return "vi" if VIETNAMESE.search(written) else "en"


def page_language() -> str:
    return str(get_locale() or "en").split("_")[0]


def lang_attribute(text: str | None) -> Markup:
    """`` lang="zh"`` for an element holding ``text`` when its language is not the page's; else nothing."""
    language = language_of(text)
    if language is None or language == page_language():
        return Markup("")
    return Markup(' lang="%s"') % language


def with_lang(text) -> Markup:
    """``text``, in a span that says its language when it is not the page's; a text written in
    several languages (``translated.Translated``) in the reader's, or with the mark that says it is
    not translated yet."""
    mark = Markup("")
    if hasattr(text, "fallback_mark"):
        mark, text = text.fallback_mark(), str(text)
    text = text or ""
    attribute = lang_attribute(text)
    if not attribute:
        return escape(text) + mark
    return Markup("<span%s>%s</span>%s") % (attribute, text, mark)


def name_with_lang(person) -> Markup:
    """A person's name in Latin letters, then in their own script in brackets (as their
    ``display_name``), each part marked with its language when it is not the page's."""
    full, native = person.full_name, person.native_name
    if native and native != full:
        return Markup("%s (%s)") % (with_lang(full), with_lang(native))
    return with_lang(full)


def greeting_name(person) -> str:
    """The name an e-mail greets ``person`` by: both their names where they have both, the one in
    the reader's script first (尊敬的王芳（Wang Fang）：, Dear Wang Fang (王芳),)."""
    full, native = person.full_name, person.native_name or ""
    if native and native != full and page_language() == "zh" and language_of(native) == "zh":
        return f"{native}（{full}）"
    return person.display_name
