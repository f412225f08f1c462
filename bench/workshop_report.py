"""The compiled workshop report of a large event: PARTICIPANTS confirmed participants (mixed countries,
sexes and types of organisation, some with Chinese names, 70% listed), SESSIONS sessions with
speakers, rapporteurs and summaries, the written sections, attendance, and an evaluation with
RESPONSES answers. ``render_report`` is timed in this process on one core: the first run, then the
best of three; the target is under TARGET seconds. ``python -m bench.workshop_report`` runs this part
alone on its own temporary database."""

from __future__ import annotations

import json
import re
import secrets
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlalchemy import insert
from werkzeug.security import generate_password_hash

from workshop.accounts.models import User
from workshop.agenda.models import AgendaSession, SessionKind, SessionSpeaker, Speaker, SpeakerRole
from workshop.attendance.models import Attendance, Method
from workshop.events.models import Event, EventKind, EventPartner, EventStatus
from workshop.extensions import db
from workshop.feedback.models import (
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationQuestionKind,
    EvaluationResponse,
)
from workshop.materials.models import Material, MaterialVersion, Visibility
from workshop.registration.models import OrganisationType, Registration, Sex
from workshop.registration.states import State
from workshop.reports.models import ReportSection, SectionKind, SessionSummary

from .seed import NAMES, PARTNERS

PARTICIPANTS = 500
SESSIONS = 60
SPEAKERS = 40
RESPONSES = 300
SLUG = "bench-workshop-report"
TARGET = 0.4  # seconds for one report
TARGET_RATIO = 2.0  # at most twice the time of the same pages laid out by a bare platypus script
RUNS = 3
PAGE = re.compile(rb"/Type /Page\b")
COUNTRIES = ("CN", "CN", "CN", "GB", "DE", "FR", "IT", "NL", "BE", "CH", "PL", "ES", "SE", "VN", "TH", "ID", "PH", "IN")
SUMMARY = (
    "The panel compared how **recruitment fees** are regulated in sending and receiving countries.\n\n"
    "- Governments reported on licensing of agencies\n- Employers described codes of conduct\n"
    "- Workers' organisations asked for complaint mechanisms\n\n"
    "> Fair recruitment is a shared responsibility.\n\n"
    "Participants agreed to exchange inspection data before the next meeting. 与会者同意在下次会议前交换劳动监察数据。"
)
SECTION = (
    "The workshop brought together {n} officials, employers, workers' organisations and researchers.\n\n"
    "## Main points\n\n1. Labour migration governance\n2. Skills recognition\n3. Social protection\n\n"
    "| Theme | Sessions |\n| --- | --- |\n| Migration | 20 |\n| Skills | 20 |\n| Protection | 20 |\n\n"
    "The organisers thank the [ILO](https://www.ilo.org) and all partners."
)


@dataclass
class Result:
    first_seconds: float = 0.0
    best_seconds: float = 0.0
    pages: int = 0
    size: int = 0
    bare_seconds: float = 0.0
    bare_pages: int = 0
    problems: list[str] = field(default_factory=list)


def seed(app: Flask) -> int:
    now = datetime.now(UTC).replace(microsecond=0)
    starts = now - timedelta(days=5)
    password_hash = generate_password_hash("bench report participants cannot log in by guessing this")
    with app.app_context():
        organiser = User(
            email="bench.report.organiser@example.org",
            password_hash=password_hash,
            full_name="Report Organiser",
            can_create_events=True,
            email_verified_at=now,
        )
        event = Event(
            slug=SLUG,
            kind=EventKind.WORKSHOP,
            status=EventStatus.CLOSED,
            title="Labour Migration Governance in China and Europe",
            summary="A five-day workshop for officials, social partners and researchers.",
            venue="China National Convention Center",
            city="Beijing",
            country="CN",
            timezone="Asia/Shanghai",
            starts_at=starts,
            ends_at=starts + timedelta(days=5),
        )
        event.organisers = [organiser]
        event.partners = [EventPartner(name=name, position=n) for n, name in enumerate(PARTNERS[:4])]
        speakers = [
            Speaker(
                event=event,
                full_name=f"{NAMES[i % len(NAMES)][0]} {i + 1}",
                native_name=NAMES[i % len(NAMES)][1],
                title="Senior Specialist",
                affiliation="International Labour Organization (ILO)",
                biography="Works on **labour migration** and social dialogue; previously at the Ministry of Labour.",
            )
            for i in range(SPEAKERS)
        ]
        sessions = []
        for i in range(SESSIONS):
            day, slot = divmod(i, SESSIONS // 5)
            begins = starts + timedelta(days=day, minutes=45 * slot)
            session = AgendaSession(
                event=event,
                title=f"Session {i + 1}: labour migration in practice",
                kind=SessionKind.PANEL,
                starts_at=begins,
                ends_at=begins + timedelta(minutes=45),
                room=f"Room {i % 3 + 1}",
            )
            session.speakers = [
                SessionSpeaker(speaker=speakers[(2 * i + n) % SPEAKERS], role=role, position=n)
                for n, role in enumerate((SpeakerRole.CHAIR, SpeakerRole.SPEAKER, SpeakerRole.RAPPORTEUR))
            ]
            sessions.append(session)
        db.session.add_all([event, *sessions])
        db.session.flush()
        db.session.add_all([SessionSummary(session_id=s.id, body=SUMMARY) for s in sessions])
        db.session.add_all(
            [
                ReportSection(event_id=event.id, kind=kind, body=SECTION.format(n=PARTICIPANTS), position=n)
                for n, kind in enumerate(
                    (
                        SectionKind.EXECUTIVE_SUMMARY,
                        SectionKind.BACKGROUND,
                        SectionKind.OBJECTIVES,
                        SectionKind.CONCLUSIONS,
                        SectionKind.RECOMMENDATIONS,
                    )
                )
            ]
        )
        for n, session in enumerate(sessions[:20]):
            material = Material(
                event_id=event.id,
                session_id=session.id,
                title=f"Slides of session {n + 1}",
                visibility=Visibility.PARTICIPANTS,
            )
            material.versions = [
                MaterialVersion(
                    number=1,
                    storage_key=secrets.token_hex(16),
                    filename=f"session-{n + 1}.pdf",
                    content_type="application/pdf",
                    size=1_500_000 + n,
                    sha256="0" * 64,
                )
            ]
            db.session.add(material)
        registration_ids = seed_participants(event.id, password_hash, now)
        session_ids = [s.id for s in sessions]
        db.session.execute(
            insert(Attendance),
            [
                {
                    "registration_id": r,
                    "event_id": event.id,
                    "session_id": s,
                    "slot": s,
                    "present": True,
                    "method": Method.ROSTER,
                    "recorded_at": now,
                }
                for n, r in enumerate(registration_ids)
                for k, s in enumerate(session_ids)
                if (n + k) % 10 < 7
            ],
        )
        seed_evaluation(event.id)
        db.session.commit()
        return event.id


def seed_participants(event_id: int, password_hash: str, now: datetime) -> list[int]:
    user_ids = db.session.scalars(
        insert(User).returning(User.id, sort_by_parameter_order=True),
        [
            {
                "email": f"bench.report{i}@example.org",
                "password_hash": password_hash,
                "full_name": f"{NAMES[i % len(NAMES)][0]} {i}",
                "native_name": NAMES[i % len(NAMES)][1],
                "locale": "en",
                "email_verified_at": now,
                "created_at": now,
            }
            for i in range(PARTICIPANTS)
        ],
    ).all()
    kinds, sexes = list(OrganisationType), list(Sex)
    return db.session.scalars(
        insert(Registration).returning(Registration.id, sort_by_parameter_order=True),
        [
            {
                "event_id": event_id,
                "user_id": user_id,
                "state": State.CONFIRMED,
                "full_name": f"{NAMES[i % len(NAMES)][0]} {i}",
                "native_name": NAMES[i % len(NAMES)][1],
                "organisation": "Ministry of Human Resources and Social Security",
                "organisation_type": kinds[i % len(kinds)],
                "country": COUNTRIES[i % len(COUNTRIES)],
                "sex": sexes[i % len(sexes)],
                "listed_publicly": i % 10 < 7,
                "privacy_accepted_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for i, user_id in enumerate(user_ids)
        ],
    ).all()


def seed_evaluation(event_id: int) -> None:
    db.session.add(Evaluation(event_id=event_id, anonymous=True))
    questions = [
        EvaluationQuestion(event_id=event_id, kind=EvaluationQuestionKind.RATING, label=label, position=n)
        for n, label in enumerate(
            (
                "Overall, how useful was the workshop?",
                "How relevant were the sessions to your work?",
                "How good was the interpretation?",
                "How well was the workshop organised?",
            )
        )
    ]
    questions.append(
        EvaluationQuestion(
            event_id=event_id,
            kind=EvaluationQuestionKind.CHOICE,
            label="Which theme mattered most to you?",
            options_json=json.dumps(["Migration", "Skills", "Social protection", "Inspection"]),
            position=4,
        )
    )
    questions.append(
        EvaluationQuestion(
            event_id=event_id, kind=EvaluationQuestionKind.TEXT, label="What should we change next time?", position=5
        )
    )
    db.session.add_all(questions)
    db.session.flush()
    options = ["Migration", "Skills", "Social protection", "Inspection"]
    response_ids = db.session.scalars(
        insert(EvaluationResponse).returning(EvaluationResponse.id, sort_by_parameter_order=True),
        [{"event_id": event_id, "submitted_on": date.today()} for _ in range(RESPONSES)],
    ).all()
    answers = []
    for n, response_id in enumerate(response_ids):
        answers += [
            {"response_id": response_id, "question_id": q.id, "rating": 1 + (n + k) % 5, "value_json": ""}
            for k, q in enumerate(questions[:4])
        ]
        answers.append(
            {
                "response_id": response_id,
                "question_id": questions[4].id,
                "rating": None,
                "value_json": json.dumps([options[n % 4]]),
            }
        )
        if n % 3 == 0:
            answers.append(
                {
                    "response_id": response_id,
                    "question_id": questions[5].id,
                    "rating": None,
                    "value_json": json.dumps(
                        f"More time for discussion in the working groups ({n}). 希望有更多讨论时间。"
                    ),
                }
            )
    db.session.execute(insert(EvaluationAnswer), answers)


def run(app: Flask) -> Result:
    from workshop.reports.compile import compile_report
    from workshop.reports.pdf import render_report

    from . import bare_report

    result = Result()
    event_id = seed(app)
    timings, bare_timings = [], []
    data = bare = b""
    for _ in range(1 + RUNS):
        with app.test_request_context("/"):
            event = db.session.get(Event, event_id)
            started = time.perf_counter()
            data = render_report(event)
            timings.append(time.perf_counter() - started)
            compiled = compile_report(event)
            started = time.perf_counter()
            bare = bare_report.render(compiled)
            bare_timings.append(time.perf_counter() - started)
            db.session.remove()
    result.first_seconds, result.best_seconds = timings[0], min(timings[1:])
    result.bare_seconds = min(bare_timings[1:])
    result.pages, result.size = len(PAGE.findall(data)), len(data)
    result.bare_pages = len(PAGE.findall(bare))
    if result.pages < 10:
        result.problems.append(f"the report has {result.pages} pages only")
    return result


def report(result: Result) -> str:
    ratio = result.best_seconds / result.bare_seconds
    lines = [
        f"workshop report: {PARTICIPANTS} confirmed participants, {SESSIONS} sessions with summaries, {SPEAKERS} "
        "speakers,"
        f" {RESPONSES} evaluation answers; render_report in this process on one core",
        f"  first run {result.first_seconds:.2f} s, best of {RUNS} {result.best_seconds:.2f} s;"
        f" {result.pages} pages, {result.size / 1_000_000:.1f} MB",
        f"  bare platypus script, the same data laid out: best of {RUNS} {result.bare_seconds:.2f} s,"
        f" {result.bare_pages} pages; app/bare {ratio:.2f}",
    ]
    if result.best_seconds > TARGET:
        lines.append(f"  ABOVE the target of {TARGET:g} s per report")
    if ratio > TARGET_RATIO:
        lines.append(f"  ABOVE {TARGET_RATIO:g} times the bare script")
    lines += [f"FAILED (workshop report): {problem}" for problem in result.problems]
    return "\n".join(lines)


def main() -> int:
    from .standalone import run_alone

    return run_alone("workshop-bench-report-", run, report)


if __name__ == "__main__":
    sys.exit(main())
