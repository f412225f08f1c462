"""The notice an event's organisers start from: each part in every language, naming the event, its
contact address and its partners, for them to correct and complete."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from ..events.models import Event
from ..translated import LANGUAGES, Translated, text_in
from .models import PARTS

LIST_SEPARATORS = {"zh": "、"}


def default_notice(event: Event) -> dict[str, Translated]:
    """Each part of the notice (``PARTS``), in every language."""
    by_language = {language: _written_in(language, event) for language in LANGUAGES}
    return {part: Translated({language: texts[part] for language, texts in by_language.items()}) for part in PARTS}


def _written_in(language: str, event: Event) -> dict[str, str]:
    title = text_in(event.title, language)
    partners = LIST_SEPARATORS.get(language, ", ").join(text_in(p.name, language) for p in event.partners)
    with force_locale(language):
        if event.contact_email:
            controller = _(
                "The organisers of “%(event)s” decide how your data is used. Write to them at %(email)s.",
                event=title,
                email=event.contact_email,
            )
        else:
            controller = _(
                "The organisers of “%(event)s” decide how your data is used. Write to them through the event's page.",
                event=title,
            )
        if partners:
            recipients = _(
                "The organisers and their check-in staff. The event's partners (%(partners)s) receive the list of "
                "participants and the statistics of the workshop report. Nobody else, unless the law requires it.",
                partners=partners,
            )
        else:
            recipients = _("The organisers and their check-in staff. Nobody else, unless the law requires it.")
        return {
            "controller": controller,
            "purposes": _(
                "To handle your registration; to prepare badges, the list of participants, certificates and visa "
                "invitation letters; to write to you about the event; and to report on it with totals by country, "
                "sex and type of organisation, never by person."
            ),
            "recipients": recipients,
            "retention": _(
                "Your registration is kept for as long as the organisers need it to report on the event and to "
                "verify certificates, then deleted. Passport details given for a visa letter are deleted after the "
                "event."
            ),
            "rights": _(
                "You can see and correct your registration at any time under “My registrations”. To get a copy of "
                "your data, or to have it deleted, write to the organisers."
            ),
        }
