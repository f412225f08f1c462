"""The report's written parts: the organisers' sections and the rapporteurs' session summaries.

The five standard sections are always there for the reader, in their fixed order; a row is
written the first time one is saved. The organisers' own sections follow, in the order they
choose. Every change to an event's sections takes the event's row lock first, so two organisers
saving a standard section for the first time at the same moment make one row, not two (and for
the same text, the last one wins). A session's summary takes the session's row lock; the unique
``session_id`` backs it up. Nothing here reads the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import security
from ..agenda.models import AgendaSession, SessionKind, SpeakerRole
from ..agenda.services import agenda_sessions
from ..database import lock_for_update
from ..errors import DomainError, Forbidden, NotFound
from ..events.models import Event
from ..extensions import db
from ..timeutil import utcnow
from ..translated import LANGUAGE_LABELS, Translated
from .models import ReportSection, SectionKind, SessionSummary
from .titles import SECTION_TITLES, STANDARD_SECTIONS, section_title

TITLE_MAX = 200

# Sessions nobody writes a summary of.
NOT_SUMMARISED = (SessionKind.BREAK, SessionKind.MEAL)


@dataclass(frozen=True)
class SectionData:
    title: Translated | str = ""  # each language's text, or a plain one in the language of its script
    body: Translated | str = ""


@dataclass(frozen=True)
class SectionEntry:
    """One section as the report page lists it; ``section`` is None for a standard section not saved yet."""

    kind: SectionKind
    section: ReportSection | None

    @property
    def standard(self) -> bool:
        return self.kind is not SectionKind.OTHER

    @property
    def title(self) -> str:
        return section_title(self.section) if self.section is not None else str(SECTION_TITLES[self.kind])

    @property
    def body(self) -> Translated:
        return Translated.of(self.section.body) if self.section is not None else Translated()


def text_limit() -> int:
    return int(current_app.config["REPORT_TEXT_MAX_CHARS"])


def check_text(body: Translated | str, field: str = "body") -> Translated:
    """A text of the report over the length limit, in any language, is refused with a message the
    writer can act on; the text as it is kept."""
    body = Translated.of(body)
    limit = text_limit()
    for language, text in body.texts.items():
        if len(text) > limit:
            raise DomainError(
                _l(
                    "The text is too long: %(length)s characters, at most %(limit)s. Shorten it, or split it into "
                    "sections.",
                    length=f"{len(text):,}",
                    limit=f"{limit:,}",
                )
                if len(body.texts) == 1
                else _l(
                    "The %(language)s text is too long: %(length)s characters, at most %(limit)s. Shorten it, or "
                    "split it into sections.",
                    language=LANGUAGE_LABELS.get(language, language),
                    length=f"{len(text):,}",
                    limit=f"{limit:,}",
                ),
                field=field,
            )
    return body


def _check_title(title: Translated | str, required: bool) -> Translated:
    title = Translated.of(title).strip()
    if required and not title:
        raise DomainError(_l("Give the section a title."), field="title")
    if any(len(text) > TITLE_MAX for text in title.texts.values()):
        raise DomainError(_l("The title is too long: at most %(limit)d characters.", limit=TITLE_MAX), field="title")
    return title


def _require_editor(actor, event: Event) -> None:
    if not security.can_edit_report(actor, event):
        raise Forbidden(_l("Only the event's organisers write the report."))


def _lock_event(event: Event) -> Event:
    locked = lock_for_update(Event, event.id)
    if locked is None:  # deleted meanwhile
        raise DomainError(_l("This event no longer exists."))
    return locked


# --- sections ---------------------------------------------------------------------------------


def _saved_sections(event: Event) -> list[ReportSection]:
    return list(
        db.session.scalars(
            db.select(ReportSection)
            .where(ReportSection.event_id == event.id)
            .order_by(ReportSection.position, ReportSection.id)
        )
    )


def sections_of(event: Event) -> list[SectionEntry]:
    """The standard sections in their order (saved or not), then the organisers' own in theirs."""
    saved = _saved_sections(event)
    standard = {}
    for section in saved:
        if section.kind is not SectionKind.OTHER:
            standard.setdefault(section.kind, section)
    entries = [SectionEntry(kind, standard.get(kind)) for kind in STANDARD_SECTIONS]
    entries += [SectionEntry(SectionKind.OTHER, section) for section in saved if section.kind is SectionKind.OTHER]
    return entries


def standard_kind(value: str) -> SectionKind | None:
    """The standard section named in a URL, or None."""
    try:
        kind = SectionKind(value)
    except ValueError:
        return None
    return kind if kind in STANDARD_SECTIONS else None


def standard_section(event: Event, kind: SectionKind) -> ReportSection | None:
    return db.session.scalars(
        db.select(ReportSection)
        .where(ReportSection.event_id == event.id, ReportSection.kind == kind)
        .order_by(ReportSection.id)
    ).first()


def added_section(event: Event, section_id: int) -> ReportSection | None:
    """One of the organisers' own sections of ``event``; None for any other id."""
    section = db.session.get(ReportSection, section_id)
    if section is None or section.event_id != event.id or section.kind is not SectionKind.OTHER:
        return None
    return section


def _others(event: Event) -> list[ReportSection]:
    return [section for section in _saved_sections(event) if section.kind is SectionKind.OTHER]


def _stamp(row, actor) -> None:
    row.updated_by_id = actor.id
    row.updated_at = utcnow()  # also when the text did not change: "saved by" says who looked last


def save_standard_section(actor, event: Event, kind: SectionKind, data: SectionData) -> ReportSection:
    """Write a standard section; its title is the standard one unless ``data.title`` renames it."""
    if kind not in STANDARD_SECTIONS:
        raise ValueError(kind)
    event, title, body = _checked_for_writing(actor, event, data, title_required=False)
    section = standard_section(event, kind)
    if section is None:
        section = ReportSection(event_id=event.id, kind=kind, position=STANDARD_SECTIONS.index(kind))
        db.session.add(section)
    return _write(actor, section, title, body)


def add_section(actor, event: Event, data: SectionData) -> ReportSection:
    """A section of the organisers' own, after the others."""
    event, title, body = _checked_for_writing(actor, event, data, title_required=True)
    others = _others(event)
    position = max((section.position for section in others), default=len(STANDARD_SECTIONS) - 1) + 1
    section = ReportSection(event_id=event.id, kind=SectionKind.OTHER, position=position)
    db.session.add(section)
    return _write(actor, section, title, body)


def update_section(actor, event: Event, section_id: int, data: SectionData) -> ReportSection:
    event, title, body = _checked_for_writing(actor, event, data, title_required=True)
    section = added_section(event, section_id)
    if section is None:
        raise NotFound(section_id)
    return _write(actor, section, title, body)


def _checked_for_writing(
    actor, event: Event, data: SectionData, title_required: bool
) -> tuple[Event, Translated, Translated]:
    """The event, locked so that two editors save one after the other, and the checked title and text."""
    _require_editor(actor, event)
    title = _check_title(data.title, required=title_required)
    body = check_text(data.body)
    return _lock_event(event), title, body


def _write(actor, section: ReportSection, title: Translated, body: Translated) -> ReportSection:
    section.title = title
    section.body = body
    _stamp(section, actor)
    db.session.commit()
    return section


def move_section(actor, event: Event, section_id: int, step: int) -> None:
    """One place earlier (``step`` -1) or later (+1) among the organisers' own sections."""
    _require_editor(actor, event)
    event = _lock_event(event)
    others = _others(event)
    index = next((i for i, section in enumerate(others) if section.id == section_id), None)
    if index is None:
        raise NotFound(section_id)
    target = index + step
    if 0 <= target < len(others):
        others[index], others[target] = others[target], others[index]
    for offset, section in enumerate(others):  # renumbered, so equal positions cannot pin two sections
        section.position = len(STANDARD_SECTIONS) + offset
    db.session.commit()


def delete_section(actor, event: Event, section_id: int) -> str:
    """Delete one of the organisers' own sections (the standard ones stay); returns its title."""
    _require_editor(actor, event)
    event = _lock_event(event)
    section = added_section(event, section_id)
    if section is None:
        raise NotFound(section_id)
    title = section_title(section)
    db.session.delete(section)
    db.session.commit()
    return title


# --- session summaries ------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    session: AgendaSession
    rapporteurs: list
    summary: SessionSummary | None

    @property
    def written(self) -> bool:
        return self.summary is not None and bool(Translated.of(self.summary.body).strip())


def rapporteurs_of(session: AgendaSession) -> list:
    return [link.speaker for link in session.speakers if link.role is SpeakerRole.RAPPORTEUR]


def summarised_sessions(event: Event) -> list[AgendaSession]:
    """The sessions of the agenda that get a summary, in agenda order (cancelled ones included)."""
    return [session for session in agenda_sessions(event.id) if session.kind not in NOT_SUMMARISED]


def summary_rows(event: Event) -> list[SummaryRow]:
    sessions = summarised_sessions(event)
    summaries = (
        {
            summary.session_id: summary
            for summary in db.session.scalars(
                db.select(SessionSummary).where(SessionSummary.session_id.in_([s.id for s in sessions]))
            )
        }
        if sessions
        else {}
    )
    return [SummaryRow(session, rapporteurs_of(session), summaries.get(session.id)) for session in sessions]


def session_of_event(event: Event, session_id: int) -> AgendaSession | None:
    session = db.session.get(AgendaSession, session_id)
    return session if session is not None and session.event_id == event.id else None


def summary_of(session: AgendaSession) -> SessionSummary | None:
    return db.session.scalar(db.select(SessionSummary).where(SessionSummary.session_id == session.id))


def save_summary(actor, session_id: int, body: Translated | str) -> SessionSummary:
    """Write a session's summary, in one language or several: its rapporteurs and the event's organisers."""
    body = check_text(body)
    session = lock_for_update(AgendaSession, session_id)  # one summary per session: no second row at the same moment
    if session is None:
        raise NotFound(session_id)
    if not security.can_write_summary(actor, session):
        raise Forbidden(_l("Only the session's rapporteurs and the event's organisers write its summary."))
    summary = summary_of(session)
    if summary is None:
        summary = SessionSummary(session_id=session.id)
        db.session.add(summary)
    summary.body = body
    _stamp(summary, actor)
    db.session.commit()
    return summary
