"""Certificates in bulk: an event of PARTICIPANTS confirmed participants, all eligible; the time to
issue them all in one run (the job behind "issue to all eligible", e-mails composed and written to the outbox), to
draw them all as one combined PDF and as a ZIP of one PDF each, in this process on one core; and the
same page drawn PARTICIPANTS times by a bare ReportLab script (``bench/bare_certificate.py``, with the
same QR encoder and streams)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import insert
from werkzeug.security import generate_password_hash

from workshop.accounts.models import User
from workshop.agenda.models import AgendaSession, SessionKind
from workshop.attendance.models import ARRIVAL, Attendance, CertificateRule, Method  # noqa: F401
from workshop.events.models import Event, EventKind, EventPartner, EventStatus
from workshop.extensions import db
from workshop.registration.models import OrganisationType, Registration, Sex
from workshop.registration.states import State

from . import bare_certificate
from .seed import NAMES

PARTICIPANTS = 1000
SLUG = "bench-certificates"
TARGET = 500  # certificates per second, with QR codes
PAGE = re.compile(rb"/Type /Page\b")


@dataclass
class Result:
    answer_seconds: float = 0.0  # what the organiser waits for: the job recorded
    issue_seconds: float = 0.0
    issued: int = 0
    message_answer_seconds: float = 0.0
    message_seconds: float = 0.0
    messaged: int = 0
    pdf_seconds: float = 0.0
    pdf_pages: int = 0
    pdf_bytes: int = 0
    zip_seconds: float = 0.0
    zip_bytes: int = 0
    bare_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def rate(self, seconds: float) -> float:
        return PARTICIPANTS / seconds if seconds else 0.0


def seed(app: Flask) -> int:
    now = datetime.now(UTC).replace(microsecond=0)
    password_hash = generate_password_hash("bench certificate holders cannot log in by guessing this")
    with app.app_context():
        organiser = User(
            email="bench.certificates.organiser@example.org",
            password_hash=password_hash,
            full_name="Certificate Organiser",
            can_create_events=True,
            email_verified_at=now,
        )
        event = Event(
            slug=SLUG,
            kind=EventKind.WORKSHOP,
            status=EventStatus.CLOSED,
            title="Social Dialogue and Labour Relations Workshop",
            venue="Friendship Hotel",
            city="Beijing",
            country="CN",
            timezone="Asia/Shanghai",
            starts_at=now - timedelta(days=3),
            ends_at=now - timedelta(days=1),
        )
        event.organisers = [organiser]
        event.partners = [
            EventPartner(name="International Labour Organization", position=0),
            EventPartner(name="Tsinghua University", position=1),
        ]
        session = AgendaSession(
            event=event,
            title="Opening plenary",
            kind=SessionKind.PLENARY,
            starts_at=event.starts_at,
            ends_at=event.starts_at + timedelta(hours=3),
        )
        db.session.add_all([event, session])
        db.session.flush()
        db.session.add(CertificateRule(event_id=event.id, min_percent=50))
        user_ids = db.session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": f"bench.certificate{i}@example.org",
                    "password_hash": password_hash,
                    "full_name": f"{NAMES[i % len(NAMES)][0]} {i}",
                    "native_name": NAMES[i % len(NAMES)][1],
                    "locale": "zh" if i % 2 else "en",
                    "email_verified_at": now,
                    "created_at": now,
                }
                for i in range(PARTICIPANTS)
            ],
        ).all()
        registration_ids = db.session.scalars(
            insert(Registration).returning(Registration.id, sort_by_parameter_order=True),
            [
                {
                    "event_id": event.id,
                    "user_id": user_id,
                    "state": State.CONFIRMED,
                    "full_name": f"{NAMES[i % len(NAMES)][0]} {i}",
                    "native_name": NAMES[i % len(NAMES)][1],
                    "organisation": "Ministry of Human Resources and Social Security",
                    "organisation_type": OrganisationType.GOVERNMENT,
                    "country": "CN",
                    "sex": Sex.UNDISCLOSED,
                    "privacy_accepted_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for i, user_id in enumerate(user_ids)
            ],
        ).all()
        db.session.execute(
            insert(Attendance),
            [
                {
                    "registration_id": r,
                    "event_id": event.id,
                    "session_id": session.id,
                    "slot": session.id,
                    "present": True,
                    "method": Method.ROSTER,
                    "recorded_at": now,
                }
                for r in registration_ids
            ],
        )
        db.session.commit()
        return event.id


def run(app: Flask) -> Result:
    from workshop.certificates import pdf, services
    from workshop.jobs import services as jobs
    from workshop.jobs.models import Job
    from workshop.registration.services import start_message

    result = Result()
    event_id = seed(app)
    with app.test_request_context("/"):
        event = db.session.get(Event, event_id)
        organiser = event.organisers[0]
        started = time.perf_counter()
        job = services.start_issuing_to_all_eligible(organiser, event, before_the_end=True).job
        result.answer_seconds = time.perf_counter() - started
        jobs.run(job.id)  # what the worker does
        result.issued = db.session.get(Job, job.id).succeeded
        result.issue_seconds = time.perf_counter() - started

        db.session.remove()
        event = db.session.get(Event, event_id)
        everyone = list(db.session.scalars(db.select(Registration.id).where(Registration.event_id == event_id)))
        started = time.perf_counter()
        job = start_message(event.organisers[0], event_id, everyone, "Programme update", "The opening moves to 9:30.")
        result.message_answer_seconds = time.perf_counter() - started
        jobs.run(job.id)
        result.messaged = db.session.get(Job, job.id).succeeded
        result.message_seconds = time.perf_counter() - started

        db.session.remove()
        event = db.session.get(Event, event_id)
        started = time.perf_counter()
        sheets = pdf.sheets_for(services.valid_certificates(event.organisers[0], event))
        combined = pdf.render_certificates(sheets)
        result.pdf_seconds = time.perf_counter() - started
        result.pdf_pages, result.pdf_bytes = len(PAGE.findall(combined)), len(combined)

        db.session.remove()
        event = db.session.get(Event, event_id)
        started = time.perf_counter()
        archive = pdf.zip_of(pdf.sheets_for(services.valid_certificates(event.organisers[0], event)))
        result.zip_seconds = time.perf_counter() - started
        result.zip_bytes = len(archive)
        people = [(sheet.holder_name, sheet.holder_native_name, sheet.code) for sheet in sheets]
        db.session.remove()

    started = time.perf_counter()
    bare = bare_certificate.render(people)
    result.bare_seconds = time.perf_counter() - started
    if result.answer_seconds > 2:
        result.problems.append(
            f"the organiser waited {result.answer_seconds:.2f} s for “issue to all eligible” to answer"
        )
    if result.message_answer_seconds > 2:
        result.problems.append(
            f"the organiser waited {result.message_answer_seconds:.2f} s for a message to {PARTICIPANTS} to answer"
        )
    if result.messaged != PARTICIPANTS:
        result.problems.append(f"{result.messaged} messages written, expected {PARTICIPANTS}")
    if result.issued != PARTICIPANTS:
        result.problems.append(f"{result.issued} certificates issued, expected {PARTICIPANTS}")
    if result.pdf_pages != PARTICIPANTS:
        result.problems.append(f"the combined PDF has {result.pdf_pages} pages, expected {PARTICIPANTS}")
    if len(PAGE.findall(bare)) != PARTICIPANTS:
        result.problems.append("the bare script's PDF has the wrong number of pages")
    return result


def report(result: Result) -> str:
    bare_rate = result.rate(result.bare_seconds)
    lines = [
        f"certificates: {PARTICIPANTS} eligible participants (half of them bilingual), A4 landscape with QR codes, in "
        "this process on one core",
        f"  issue all eligible: the organiser's answer in {result.answer_seconds * 1000:.0f} ms; the worker issued "
        f"{result.issued} in "
        f"{result.issue_seconds:.2f} s ({result.rate(result.issue_seconds):.0f}/s, e-mails written to the outbox)",
        f"  a message to all {PARTICIPANTS}: the organiser's answer in {result.message_answer_seconds * 1000:.0f} ms; "
        "the worker wrote "
        f"{result.messaged} e-mails in {result.message_seconds:.2f} s",
        f"  one combined PDF: {result.pdf_seconds:.2f} s, {result.rate(result.pdf_seconds):.0f} certificates/s;"
        f" {result.pdf_pages} pages, {result.pdf_bytes / 1_000_000:.1f} MB",
        f"  ZIP of {PARTICIPANTS} PDFs: {result.zip_seconds:.2f} s, {result.rate(result.zip_seconds):.0f} "
        f"certificates/s; {result.zip_bytes / 1_000_000:.1f} MB",
        f"  bare ReportLab script, same page: {result.bare_seconds:.2f} s, {bare_rate:.0f} certificates/s;"
        f" ratio app/bare (combined PDF): {result.rate(result.pdf_seconds) / bare_rate:.2f}"
        if bare_rate
        else "",
    ]
    rate = result.rate(result.pdf_seconds)
    if rate < TARGET:
        lines.append(f"  below the target of {TARGET} certificates/s (combined PDF)")
    lines += [f"FAILED (certificates): {problem}" for problem in result.problems]
    return "\n".join(line for line in lines if line)
