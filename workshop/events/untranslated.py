"""What an event's organisers still have to translate: every text written for its readers (the
event's own, its sessions', speakers', questions', materials', privacy notice's and report's) that has a language
and lacks another, with where to fill it in. A few queries, whatever the size of the event."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..agenda.models import AgendaSession, Speaker
from ..extensions import db
from ..feedback.models import Evaluation, EvaluationQuestion
from ..materials.models import Material
from ..privacy_notice.services import current_notice
from ..registration.models import Question
from ..reports.models import ReportSection, SessionSummary
from ..reports.titles import section_title
from ..translated import LANGUAGES, Translated
from .models import Event


@dataclass(frozen=True)
class Untranslated:
    part: str  # what it belongs to: "Agenda", "Registration form"...
    name: str  # which one: the session's title, the question's label...
    field: str  # which of its texts: "Title", "Description"...
    missing: tuple[str, ...]  # the languages it lacks
    url: str  # where it is edited


@dataclass(frozen=True)
class Source:
    part: object  # a lazy label
    rows: Callable[[Event], Iterable]
    fields: dict[str, object]  # attribute: its lazy label
    name: Callable[[object], object]
    url: Callable[[Event, object], str]


def _rows(model, *conditions) -> Callable[[Event], Iterable]:
    return lambda event: db.session.scalars(
        db.select(model).where(model.event_id == event.id, *conditions).order_by(model.id)
    )


SOURCES = (
    Source(
        _l("Event"),
        lambda event: [event],
        {
            "title": _l("Title"),
            "summary": _l("Summary"),
            "description": _l("Description"),
            "venue": _l("Venue"),
            "city": _l("City"),
        },
        lambda event: event.title,
        lambda event, _row: url_for("events.edit", slug=event.slug),
    ),
    Source(
        _l("Agenda"),
        _rows(AgendaSession),
        {"title": _l("Title"), "description": _l("Description")},
        lambda session: session.title,
        lambda event, session: url_for("agenda.edit_session", slug=event.slug, session_id=session.id),
    ),
    Source(
        _l("Speakers"),
        _rows(Speaker),
        {"title": _l("Position"), "affiliation": _l("Organisation"), "biography": _l("Biography")},
        lambda speaker: speaker.display_name,
        lambda event, speaker: url_for("agenda.edit_speaker", slug=event.slug, speaker_id=speaker.id),
    ),
    Source(
        _l("Registration form"),
        _rows(Question, Question.archived.is_(False)),
        {"label": _l("Question"), "help_text": _l("Help text"), "options": _l("Options")},
        lambda question: question.label,
        lambda event, question: url_for("registration.edit_question", slug=event.slug, question_id=question.id),
    ),
    Source(
        _l("Evaluation"),
        _rows(Evaluation),
        {"introduction": _l("Introduction")},
        lambda _evaluation: _l("Evaluation"),
        lambda event, _evaluation: url_for("feedback.manage", slug=event.slug),
    ),
    Source(
        _l("Evaluation"),
        _rows(EvaluationQuestion),
        {"label": _l("Question"), "help_text": _l("Help text"), "options": _l("Options")},
        lambda question: question.label,
        lambda event, question: url_for("feedback.edit_question", slug=event.slug, question_id=question.id),
    ),
    Source(
        _l("Materials"),
        _rows(Material),
        {"title": _l("Title"), "description": _l("Description")},
        lambda material: material.title,
        lambda event, material: url_for("materials.edit", slug=event.slug, material_id=material.id),
    ),
    Source(
        _l("Privacy notice"),
        lambda event: [notice for notice in [current_notice(event.id)] if notice is not None],
        {
            "controller": _l("Who is responsible for the data"),
            "purposes": _l("What the data is used for"),
            "recipients": _l("Who receives the data"),
            "retention": _l("How long the data is kept"),
            "rights": _l("The participants' rights"),
        },
        lambda notice: _l("Version %(number)d", number=notice.number),
        lambda event, _notice: url_for("privacy_notice.edit", slug=event.slug),
    ),
    Source(
        _l("Workshop report"),
        _rows(ReportSection),
        {"title": _l("Title"), "body": _l("Text")},
        section_title,
        lambda event, section: url_for("reports.edit_section", slug=event.slug, section_id=section.id),
    ),
)


def summaries_of(event: Event) -> Iterable[tuple[SessionSummary, AgendaSession]]:
    return db.session.execute(
        db.select(SessionSummary, AgendaSession)
        .join(AgendaSession, SessionSummary.session_id == AgendaSession.id)
        .where(AgendaSession.event_id == event.id)
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    )


def missing_in(value, languages: tuple[str, ...]) -> list[str]:
    """The languages ``value`` lacks; for a list (a question's options), those any of its items lacks."""
    if isinstance(value, list):
        lacking = {language for item in value for language in Translated.of(item).missing(languages)}
        return [language for language in languages if language in lacking]
    return Translated.of(value).missing(languages)


def untranslated_texts(event: Event, languages: Iterable[str] = LANGUAGES) -> list[Untranslated]:
    """Every text of ``event`` written in some of ``languages`` but not all, in the order of the
    event's own pages."""
    languages = tuple(languages)
    found = []
    for source in SOURCES:
        for row in source.rows(event):
            for attribute, label in source.fields.items():
                missing = missing_in(getattr(row, attribute), languages)
                if missing:
                    found.append(
                        Untranslated(
                            str(source.part), str(source.name(row)), str(label), tuple(missing), source.url(event, row)
                        )
                    )
    for summary, session in summaries_of(event):
        missing = Translated.of(summary.body).missing(languages)
        if missing:
            url = url_for("reports.edit_summary", slug=event.slug, session_id=summary.session_id)
            found.append(
                Untranslated(str(_l("Workshop report")), str(session.title), str(_l("Summary")), tuple(missing), url)
            )
    return found
