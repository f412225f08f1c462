"""Everything the compiled workshop report shows, gathered from the database into plain data.

``compile_report`` runs a fixed number of queries whatever the size of the event (the agenda with
its speakers, the speakers, the written sections, the summaries, the attendance figures, the
materials, the evaluation results): nothing is loaded per participant or per session. What it
returns holds no ORM objects and no translated text: the PDF (``pdf.py``) names things in the
reader's language.

Participation statistics and attendance count confirmed registrations only, the same rule as the
attendance statistics and certificates (``workshop.attendance.statistics``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import selectinload

from ..agenda.models import AgendaSession, SessionKind, SessionSpeaker, Speaker, SpeakerRole
from ..agenda.services import agenda_sessions
from ..attendance.models import Attendance
from ..attendance.statistics import counting_sessions
from ..events.models import Event
from ..extensions import db
from ..feedback.models import EvaluationQuestionKind
from ..feedback.results import evaluation_results
from ..materials.models import Material, Visibility
from ..registration.models import OrganisationType, Registration, Sex
from ..registration.states import State
from ..timeutil import utcnow
from ..translated import Translated
from .models import ReportSection, SessionSummary
from .titles import section_title

TOP_COUNTRIES = 10  # the chart shows these and puts the rest together as "other"


@dataclass(frozen=True)
class WrittenSection:
    title: str
    body: str  # Markdown


@dataclass(frozen=True)
class Role:
    name: str
    native_name: str
    role: SpeakerRole


@dataclass(frozen=True)
class AgendaItem:
    id: int
    title: str
    kind: SessionKind
    starts_at: datetime  # UTC
    ends_at: datetime
    place: str
    track: str
    cancelled: bool
    speakers: list[Role]


@dataclass(frozen=True)
class SpeakerRoleInSession:
    session_title: str
    role: SpeakerRole


@dataclass(frozen=True)
class SpeakerEntry:
    full_name: str
    native_name: str
    title: str
    affiliation: str
    biography: str  # Markdown
    roles: list[SpeakerRoleInSession]


@dataclass(frozen=True)
class SummaryEntry:
    session_title: str
    starts_at: datetime
    ends_at: datetime
    rapporteurs: list[Role]
    body: str  # Markdown


@dataclass(frozen=True)
class Participation:
    """Confirmed registrations counted by country (ISO code, most first), sex and organisation type
    (every value, in the enumeration's order, zeros included)."""

    confirmed: int
    by_country: list[tuple[str, int]]
    by_sex: list[tuple[Sex, int]]
    by_organisation_type: list[tuple[OrganisationType, int]]

    def top_countries(self, limit: int = TOP_COUNTRIES) -> tuple[list[tuple[str, int]], int]:
        """The ``limit`` countries with most participants, and how many come from all the others."""
        return self.by_country[:limit], sum(count for _code, count in self.by_country[limit:])


@dataclass(frozen=True)
class SessionAttendance:
    title: str
    starts_at: datetime
    ends_at: datetime
    present: int
    confirmed: int

    @property
    def rate(self) -> float | None:
        return self.present / self.confirmed if self.confirmed else None


@dataclass(frozen=True)
class QuestionFigures:
    label: str
    kind: EvaluationQuestionKind
    session_title: str  # empty: about the whole event
    answered: int
    rating_counts: list[int]  # for RATINGS
    average: float | None
    option_counts: list[tuple[str, int]]
    comments: list[str]  # anonymised: no name, no order of arrival


@dataclass(frozen=True)
class Evaluation:
    responses: int
    participants: int
    questions: list[QuestionFigures]

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.participants if self.participants else None


@dataclass(frozen=True)
class ListedParticipant:
    full_name: str
    native_name: str
    organisation: str
    country: str  # ISO code


@dataclass(frozen=True)
class MaterialEntry:
    title: str
    session_title: str  # empty: for the whole event
    is_link: bool
    url: str
    filename: str
    content_type: str
    size: int | None  # bytes, for a file


@dataclass
class ReportData:
    title: str
    summary: str
    venue: str
    city: str
    country: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    partners: list[str]
    generated_at: datetime
    sections: list[WrittenSection] = field(default_factory=list)
    agenda: list[AgendaItem] = field(default_factory=list)
    speakers: list[SpeakerEntry] = field(default_factory=list)
    summaries: list[SummaryEntry] = field(default_factory=list)
    participation: Participation | None = None
    attendance: list[SessionAttendance] = field(default_factory=list)
    evaluation: Evaluation | None = None
    listed: list[ListedParticipant] = field(default_factory=list)
    materials: list[MaterialEntry] = field(default_factory=list)


def compile_report(event: Event) -> ReportData:
    """The report of ``event`` from the current data; a fixed number of queries."""
    sessions = agenda_sessions(event.id)  # with their speakers
    titles = {session.id: str(session.title) for session in sessions}
    registrations = confirmed_people(event.id)
    return ReportData(
        title=str(event.title),  # in the language the report is compiled in
        summary=str(event.summary),
        venue=str(event.venue),
        city=str(event.city),
        country=event.country,
        timezone=event.timezone,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        partners=[str(partner.name) for partner in event.partners],
        generated_at=utcnow(),
        sections=written_sections(event),
        agenda=[agenda_item(session) for session in sessions],
        speakers=speaker_entries(event, sessions),
        summaries=summary_entries(sessions),
        participation=participation(registrations),
        attendance=session_attendance(event, len(registrations)),
        evaluation=evaluation(event, titles),
        listed=[
            ListedParticipant(r.full_name, r.native_name, r.organisation, r.country)
            for r in registrations  # by name already
            if r.listed_publicly
        ],
        materials=material_entries(event, sessions),
    )


def role_of(link: SessionSpeaker) -> Role:
    return Role(link.speaker.full_name, link.speaker.native_name, link.role)


def confirmed_people(event_id: int):
    """The confirmed registrations by name: only the columns the report reads (rows, not objects)."""
    return db.session.execute(
        db.select(
            Registration.full_name,
            Registration.native_name,
            Registration.organisation,
            Registration.country,
            Registration.sex,
            Registration.organisation_type,
            Registration.listed_publicly,
        )
        .where(Registration.event_id == event_id, Registration.state == State.CONFIRMED)
        .order_by(db.func.lower(Registration.full_name), Registration.id)
    ).all()


def written_sections(event: Event) -> list[WrittenSection]:
    """The sections with something written in them, in the organisers' order."""
    rows = db.session.scalars(
        db.select(ReportSection)
        .where(ReportSection.event_id == event.id)
        .order_by(ReportSection.position, ReportSection.id)
    )
    return [WrittenSection(section_title(row), str(row.body)) for row in rows if Translated.of(row.body).strip()]


def agenda_item(session: AgendaSession) -> AgendaItem:
    return AgendaItem(
        id=session.id,
        title=str(session.title),
        kind=session.kind,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        place=session.place,
        track=session.track,
        cancelled=session.cancelled,
        speakers=[role_of(link) for link in session.speakers if link.role is not SpeakerRole.RAPPORTEUR],
    )


def speaker_entries(event: Event, sessions: list[AgendaSession]) -> list[SpeakerEntry]:
    """Every speaker of the event by name, with their roles in the order of the agenda."""
    roles: dict[int, list[SpeakerRoleInSession]] = defaultdict(list)
    for session in sessions:
        for link in session.speakers:
            roles[link.speaker_id].append(SpeakerRoleInSession(str(session.title), link.role))
    speakers = db.session.scalars(
        db.select(Speaker).where(Speaker.event_id == event.id).order_by(db.func.lower(Speaker.full_name), Speaker.id)
    )
    return [
        SpeakerEntry(
            s.full_name, s.native_name, str(s.title), str(s.affiliation), str(s.biography), roles.get(s.id, [])
        )
        for s in speakers
    ]


def summary_entries(sessions: list[AgendaSession]) -> list[SummaryEntry]:
    """The written summaries, in the order of the agenda."""
    if not sessions:
        return []
    bodies = {  # in the language the report is compiled in, else the other
        session_id: str(body)
        for session_id, body in db.session.execute(
            db.select(SessionSummary.session_id, SessionSummary.body).where(
                SessionSummary.session_id.in_([s.id for s in sessions])
            )
        )
    }
    return [
        SummaryEntry(
            str(session.title),
            session.starts_at,
            session.ends_at,
            [role_of(link) for link in session.speakers if link.role is SpeakerRole.RAPPORTEUR],
            bodies[session.id],
        )
        for session in sessions
        if bodies.get(session.id, "").strip()
    ]


def participation(registrations) -> Participation:
    countries = Counter(r.country for r in registrations)
    sexes = Counter(r.sex for r in registrations)
    types = Counter(r.organisation_type for r in registrations)
    return Participation(
        confirmed=len(registrations),
        by_country=sorted(countries.items(), key=lambda item: (-item[1], item[0])),
        by_sex=[(sex, sexes[sex]) for sex in Sex],
        by_organisation_type=[(kind, types[kind]) for kind in OrganisationType],
    )


def session_attendance(event: Event, confirmed: int) -> list[SessionAttendance]:
    """Present of confirmed at each session that counts, by the rules of the attendance statistics
    (``workshop.attendance.statistics``), counted by the database: one row per session, not one per mark."""
    present = dict(
        db.session.execute(
            db.select(Attendance.slot, db.func.count(Attendance.id))
            .join(Registration, Registration.id == Attendance.registration_id)
            .where(Attendance.event_id == event.id, Attendance.present.is_(True), Registration.state == State.CONFIRMED)
            .group_by(Attendance.slot)
        ).all()
    )
    return [
        SessionAttendance(str(s.title), s.starts_at, s.ends_at, present.get(s.id, 0), confirmed)
        for s in counting_sessions(event.id)
    ]


def evaluation(event: Event, session_titles: dict[int, str]) -> Evaluation:
    results = evaluation_results(event)
    questions = [
        QuestionFigures(
            label=str(r.question.label),  # in the language of the report's reader, as every option
            kind=r.question.kind,
            session_title=session_titles.get(r.question.session_id, "") if r.question.session_id else "",
            answered=r.answered,
            rating_counts=list(r.rating_counts),
            average=r.average,
            option_counts=[(str(option), count) for option, count in r.option_counts],
            comments=list(r.comments),
        )
        for r in results.questions
    ]
    return Evaluation(results.responses, results.participants, questions)


def material_entries(event: Event, sessions: list[AgendaSession]) -> list[MaterialEntry]:
    """The materials shared with participants or the public (not the organisers' own), the event's
    first, then each session's in the order of the agenda."""
    order = {session.id: n for n, session in enumerate(sessions)}
    titles = {session.id: str(session.title) for session in sessions}
    materials = db.session.scalars(
        db.select(Material)
        .where(Material.event_id == event.id, Material.visibility != Visibility.ORGANISERS)
        .options(selectinload(Material.versions))
    ).all()
    materials = sorted(
        materials, key=lambda m: (m.session_id is not None, order.get(m.session_id, 0), str(m.title).casefold(), m.id)
    )
    entries = []
    for material in materials:
        current = material.current
        entries.append(
            MaterialEntry(
                title=str(material.title),
                session_title=titles.get(material.session_id, "") if material.session_id else "",
                is_link=material.is_link,
                url=material.url,
                filename=current.filename if current else "",
                content_type=current.content_type if current else "",
                size=current.size if current else None,
            )
        )
    return entries
