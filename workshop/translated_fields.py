"""The form field for a text written in every language: one box per language, side by side (one
above the other on a phone), each with its own ``lang``. A language left empty falls back to
another where the text is read; ``required`` asks for at least one.

A plain value posted under the field's own name (a form written before there were translations)
is taken as one language's text, told by its script."""

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from .translated import LANGUAGE_LABELS, LANGUAGES, Translated, too_long


class TranslatedField(Field):
    def __init__(
        self, label=None, validators=None, *, max_length: int, required: bool = False, multiline: bool = False, **kw
    ):
        super().__init__(label, validators, **kw)
        self.max_length = max_length
        self.required = required
        self.multiline = multiline
        if required:
            self.flags.required = True

    def input_name(self, language: str) -> str:
        return f"{self.name}-{language}"

    def input_id(self, language: str) -> str:
        return f"{self.id}-{language}"

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = Translated.of(data)
        self.raw_data = None
        if formdata is None:
            return
        names = [self.input_name(language) for language in LANGUAGES]
        if any(name in formdata for name in names):
            self.raw_data = [formdata.get(name, "") for name in names]
            self.data = Translated(dict(zip(LANGUAGES, self.raw_data, strict=True))).strip()
        elif self.name in formdata:
            self.raw_data = [formdata.get(self.name, "")]
            self.data = Translated(self.raw_data[0]).strip()
        else:
            self.data = Translated()

    def pre_validate(self, form):
        if self.required and not self.data:
            raise StopValidation(_l("Write this in at least one language."))
        if message := too_long(self.data, self.max_length):
            raise StopValidation(message)

    def text_in(self, language: str) -> str:
        return self.data.get(language) if isinstance(self.data, Translated) else ""

    def __call__(self, **attributes) -> Markup:
        """The boxes, each with its language's name as label; ``attributes`` go on every box."""
        boxes = []
        for language in LANGUAGES:
            box = dict(attributes, id=self.input_id(language), name=self.input_name(language), lang=language)
            if self.multiline:
                box.setdefault("rows", 4)
                control = Markup("<textarea %s>\r\n%s</textarea>") % (_attributes(box), self.text_in(language))
            else:
                control = Markup("<input %s>") % _attributes(dict(box, type="text", value=self.text_in(language)))
            label = Markup('<label class="form-text mt-0 mb-1" for="%s">%s</label>') % (
                self.input_id(language),
                LANGUAGE_LABELS[language],
            )
            boxes.append(Markup('<div class="translated-box">%s%s</div>') % (label, control))
        return Markup('<div class="translated-boxes">%s</div>') % Markup("").join(boxes)


def _attributes(attributes: dict) -> Markup:
    from wtforms.widgets import html_params

    return Markup(html_params(**attributes))


def translated_line(label, max_length: int, help_text="", required: bool = False) -> TranslatedField:
    return TranslatedField(label, max_length=max_length, required=required, description=help_text)


def translated_text(label, max_length: int, help_text="", required: bool = False) -> TranslatedField:
    return TranslatedField(label, max_length=max_length, required=required, multiline=True, description=help_text)
