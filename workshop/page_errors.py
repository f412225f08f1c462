"""What a page says about a submission that failed, so that a person who hears the page learns
it as soon as a person who sees it: one list of the errors at the top of the main content (the
fields' messages, those of the services and the flashed ones), each linked to its field, and the
attributes that tie a field to its message.

Every form of every page goes through here: the list is made from the forms the view gave the
template, whatever their name, and from the flashed messages of the "danger" category.
"""

from dataclasses import dataclass, field

from flask import get_flashed_messages
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from wtforms.form import BaseForm

from .translated import LANGUAGES

# Fields shown as a group of options (a fieldset): the list links to their first option.
GROUPS = frozenset({"RadioField", "CheckboxesField", "RatingField"})
CSRF_EXPIRED = _l(
    "This form was open for a long time, so for your safety it was not saved. Please check it and send it again."
)


@dataclass(frozen=True)
class Problem:
    message: str
    target: str | None = None  # the id of the element to go to, when there is one
    plain: str = ""  # the message without its field's label


@dataclass
class PageMessages:
    """The errors to list at the top of the page, and the other flashed messages (category, text)."""

    errors: list[Problem] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)


def is_group(f) -> bool:
    return f.type in GROUPS


def error_id(f) -> str:
    """The id of the element holding the messages of field ``f``."""
    return f"{f.id}-error"


def target_of(f) -> str | None:
    if f.type == "HiddenField":
        return None
    if f.type == "TranslatedField":
        return f.input_id(LANGUAGES[0])
    if is_group(f):
        options = list(f)
        return options[0].id if options else None
    return f.id


def has_own_label(form: BaseForm, f) -> bool:
    """Whether the form gives field ``f`` a label (else WTForms makes one from its name, in
    English, which is no use to a reader)."""
    unbound = dict(getattr(form, "_unbound_fields", None) or []).get(f.short_name)
    return unbound is None or bool(unbound.args) or unbound.kwargs.get("label") is not None


def worded(f, message) -> str:
    """The message as the list at the top says it: after its field's label, since "This field is
    required." alone does not say which field."""
    label = str(f.label.text or "")
    return _("%(field)s: %(message)s", field=label, message=message) if label else str(message)


def field_aria(f, help_id: str | None = None) -> dict[str, str]:
    """``aria-invalid`` and ``aria-describedby`` of a field: its help text (``help_id``) and, when
    it has errors, its messages."""
    described = [help_id] if help_id else []
    attributes = {}
    if f.errors:
        described.append(error_id(f))
        attributes["aria-invalid"] = "true"
    if described:
        attributes["aria-describedby"] = " ".join(described)
    return attributes


def forms_among(values) -> list[BaseForm]:
    """The forms among the template's variables, and among the values of their lists and dicts."""
    forms: list[BaseForm] = []
    for value in values:
        if type(value) is dict:
            candidates = value.values()
        elif isinstance(value, list | tuple):
            candidates = value
        else:
            candidates = (value,)
        for candidate in candidates:
            if isinstance(candidate, BaseForm) and all(candidate is not known for known in forms):
                forms.append(candidate)
    return forms


def problems_of(form: BaseForm) -> list[Problem]:
    """The form's errors as listed at the top of the page. A field without a label of its own is
    laid out by hand (the buttons and tick boxes of a list) and has nowhere to link to: its view
    says what is wrong in a flashed message, which the list shows."""
    problems = [Problem(str(message)) for message in getattr(form, "form_errors", [])]
    for f in form:
        if not f.errors:
            continue
        if f.type == "CSRFTokenField":
            problems.append(Problem(str(CSRF_EXPIRED)))
        elif has_own_label(form, f):
            problems.extend(Problem(worded(f, message), target_of(f), str(message)) for message in f.errors)
    return problems


@pass_context
def page_messages(context) -> PageMessages:
    """The errors of the forms in the template's ``context`` and the flashed errors, once each,
    and the other flashed messages."""
    found = PageMessages()
    for form in forms_among(context.get_all().values()):
        for problem in problems_of(form):
            if problem not in found.errors:
                found.errors.append(problem)
    for category, message in get_flashed_messages(with_categories=True):
        if category == "danger":
            if all(message not in (problem.message, problem.plain) for problem in found.errors):
                found.errors.append(Problem(message))
        else:
            found.notices.append(("info" if category == "message" else category, message))
    return found
