"""The written parts of a past demo event's report: the organisers' sections and the summaries of
its sessions, so that the report page and the compiled PDF look as they will after a real event.

``seed_demo_report(event)`` adds rows to the session without committing: the demo loader commits
everything at once. A summary is written by the session's rapporteur when one is linked to a demo
account, otherwise by the event's first organiser.
"""

from __future__ import annotations

from ..agenda.models import AgendaSession, SpeakerRole
from ..events.models import Event
from ..extensions import db
from ..reports.models import ReportSection, SectionKind, SessionSummary
from ..reports.services import NOT_SUMMARISED
from ..reports.titles import STANDARD_SECTIONS
from ..timeutil import utcnow

SECTIONS: dict[SectionKind, str] = {
    SectionKind.EXECUTIVE_SUMMARY: """\
The conference brought together officials of Chinese ministries and of EU member states, researchers, \
employers' and workers' organisations and NGOs to compare **safe and legal channels** for migration \
between China and Europe.

Participants agreed that better information before departure is the most effective protection, and \
asked the project to pilot it in the main departure provinces.
""",
    SectionKind.BACKGROUND: """\
The conference opened the research and dialogue phase of the *Capacity Building for Migration \
Management in China* (CBMM) project, implemented by the ILO and the IOM with funding from the \
European Union.
""",
    SectionKind.OBJECTIVES: """\
- Share what is known about legal migration channels for work, study and family reunification
- Identify the information prospective migrants lack before they leave
- Agree on research questions for the country studies
""",
    SectionKind.CONCLUSIONS: """\
1. Legal channels exist but are little known outside the largest cities.
2. Unlicensed intermediaries fill the gap, often at a high cost to migrants.
3. Joint action against trafficking needs shared indicators and contacts on both sides.
""",
    SectionKind.RECOMMENDATIONS: """\
- Pilot pre-departure information in Fujian and Zhejiang, in Chinese, with returned migrants
- Publish a list of licensed recruitment agencies that migrants can check
- Hold a follow-up workshop on the survey findings in Nottingham
""",
}

OWN_SECTIONS: list[tuple[str, str]] = [
    ("Acknowledgements", "The organisers thank the interpreters, the rapporteurs and the staff of the Residence Palace."),
]

SUMMARY = """\
Speakers presented **{title}**. The discussion turned to what prospective migrants need to know \
before they leave, and to how Chinese and European agencies can share it.

- Participants asked for material in plain Chinese
- Several proposals are taken up in the recommendations
"""


def author_of(session: AgendaSession, fallback):
    """The session's first rapporteur with an account, or ``fallback``."""
    for link in session.speakers:
        if link.role is SpeakerRole.RAPPORTEUR and link.speaker.user is not None:
            return link.speaker.user
    return fallback


def seed_demo_report(event: Event) -> None:
    """Sections and session summaries for ``event``; its sessions must already be added."""
    db.session.flush()  # the event's and the sessions' ids
    organiser = event.organisers[0] if event.organisers else None
    now = utcnow()
    for position, kind in enumerate(STANDARD_SECTIONS):
        db.session.add(ReportSection(event_id=event.id, kind=kind, body=SECTIONS[kind], position=position, updated_by=organiser, updated_at=now))
    for offset, (title, body) in enumerate(OWN_SECTIONS):
        db.session.add(
            ReportSection(
                event_id=event.id, kind=SectionKind.OTHER, title=title, body=body, position=len(STANDARD_SECTIONS) + offset,
                updated_by=organiser, updated_at=now,
            )
        )
    sessions = db.session.scalars(db.select(AgendaSession).where(AgendaSession.event_id == event.id).order_by(AgendaSession.starts_at, AgendaSession.id))
    for session in sessions:
        if session.kind in NOT_SUMMARISED or session.cancelled:
            continue
        db.session.add(SessionSummary(session_id=session.id, body=SUMMARY.format(title=session.title), updated_by=author_of(session, organiser), updated_at=now))
