"""Starting long work, running it item by item, and picking it up again after a crash.

A kind of job names the items to work through (fixed when it first runs) and what to do with
one item. Each item's effect (a certificate, an e-mail in the outbox) is committed together with
the job's position, by a conditional update of that position: a second runner of the same job
(a resumed job whose first runner was only slow) finds the position moved and stops, so no item
is handled twice, and a runner that dies half-way leaves the job where its last commit put it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from huey import crontab
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from ..database import lock_for_update, write_transaction
from ..errors import DomainError
from ..extensions import db
from ..timeutil import utcnow
from .models import UNFINISHED, Job, JobState
from .queue import periodic, task

if TYPE_CHECKING:  # the domains' services import this module as they load
    from ..events.models import Event

log = logging.getLogger(__name__)
START_KEY = "workshop_jobs_started"
NOTES_KEPT = 50


@dataclass(frozen=True)
class JobKind:
    name: str
    label: object  # a lazy string: what the organiser reads, e.g. "Issuing certificates"
    items: Callable[[Job], list[int]]  # the ids to work through, in order
    process: Callable[[Job, int], None]  # one item; a DomainError is that item's failure
    page: str  # the endpoint (taking the event's slug) the organiser started the job from
    result: str | None = None  # the endpoint (taking the slug) of the file a finished job made, when it makes one


KINDS: dict[str, JobKind] = {}


def kind(label, items: Callable[[Job], list[int]], page: str, result: str | None = None):
    """Makes the decorated function, which processes one item, a kind of job named after it (the name is
    stored with each job: keep it when the code moves)."""

    def register(process: Callable[[Job, int], None]) -> JobKind:
        job_kind = JobKind(process.__name__, label, items, process, page, result)
        KINDS[job_kind.name] = job_kind
        return job_kind

    return register


@dataclass(frozen=True)
class Started:
    job: Job
    already_running: bool


def start(kind: JobKind, event: Event, actor, **params) -> Started:
    """Record a job of ``kind`` for ``event`` and commit; the worker runs it after the commit.

    While one of the same kind runs for the event, that one is returned instead (a second click)."""
    lock_for_update(type(event), event.id)
    running = unfinished(kind, event)
    if running is not None:
        db.session.rollback()
        return Started(running, already_running=True)
    job = add(kind, event, actor, **params)
    db.session.commit()
    return Started(job, already_running=False)


def add(kind: JobKind, event: Event, actor, **params) -> Job:
    """Record a job in the current transaction (the caller holds the event's lock and commits)."""
    job = Job(
        kind=kind.name, event_id=event.id, created_by_id=getattr(actor, "id", None), params_json=json.dumps(params)
    )
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(START_KEY, []).append(job.id)
    return job


def unfinished(kind: JobKind, event: Event) -> Job | None:
    return db.session.scalar(
        db.select(Job)
        .where(Job.kind == kind.name, Job.event_id == event.id, Job.state.in_(UNFINISHED))
        .order_by(Job.id)
        .limit(1)
    )


def latest(kind: JobKind, event: Event) -> Job | None:
    return db.session.scalar(
        db.select(Job).where(Job.kind == kind.name, Job.event_id == event.id).order_by(Job.id.desc()).limit(1)
    )


@sqlalchemy_event.listens_for(Session, "after_transaction_end")
def _queue_started(session: Session, transaction) -> None:
    if transaction.parent is not None:  # a savepoint, not the transaction: nothing is visible to others yet
        return
    for job_id in session.info.pop(START_KEY, []):
        try:
            run_job(job_id)  # queued for the worker
        except Exception:  # the queue is unreachable: the job is recorded, and resumed once it can be
            log.exception("could not queue job %s; it is taken up when the worker next looks for stalled jobs", job_id)


@sqlalchemy_event.listens_for(Session, "after_soft_rollback")
def _forget_started(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(START_KEY, None)


@task()
def run_job(job_id: int) -> None:
    run(job_id)


def run(job_id: int, now: datetime | None = None) -> None:
    """Work through the job from where it stands. Returns when it is done, or when another runner has it.
    What it changes is recorded in the activity log as done by the person who started it."""
    from ..audit.recording import acting_as

    job = take(job_id, now)
    if job is None:
        return
    with acting_as(starter_of(job)):
        work_through(job_id, job)


def starter_of(job: Job):
    from ..accounts.models import User
    from ..audit.recording import SYSTEM, Actor

    person = db.session.get(User, job.created_by_id) if job.created_by_id is not None else None
    return SYSTEM if person is None else Actor(person.id, person.email)


def work_through(job_id: int, job: Job) -> None:
    kind = KINDS[job.kind]
    try:
        if job.items_json is None:
            fix_items(job, kind)
        items = job.items
        while job.position < len(items):
            if not handle(job, kind, items[job.position]):
                return
    except Exception as error:
        db.session.rollback()
        with write_transaction():
            job = db.session.get(Job, job_id, populate_existing=True)
            job.state, job.error, job.finished_at = JobState.FAILED, f"{type(error).__name__}: {error}", utcnow()
        log.exception("job %s (%s) failed", job_id, job.kind)
        raise
    with write_transaction():
        job = db.session.get(Job, job_id, populate_existing=True)
        job.state, job.finished_at = JobState.DONE, utcnow()


def take(job_id: int, now: datetime | None) -> Job | None:
    """Mark the job running, unless it is finished or another runner showed signs of life lately."""
    now = now or utcnow()
    stalled_before = now - timedelta(seconds=int(current_app.config["JOB_STALL_SECONDS"]))
    taken = db.session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            or_(Job.state == JobState.QUEUED, (Job.state == JobState.RUNNING) & (Job.heartbeat_at < stalled_before)),
        )
        .values(state=JobState.RUNNING, heartbeat_at=now)
    ).rowcount
    db.session.commit()
    if not taken:
        return None
    with write_transaction():
        job = db.session.get(Job, job_id, populate_existing=True)
        job.started_at = job.started_at or now
    return job


def fix_items(job: Job, kind: JobKind) -> None:
    with write_transaction():
        job = lock_for_update(Job, job.id)
        if job.items_json is None:
            items = kind.items(job)
            job.items_json, job.total = json.dumps(items), len(items)


def handle(job: Job, kind: JobKind, item: int) -> bool:
    """One item and the job's progress in one transaction, under the job's row lock; False when
    another runner moved the job on meanwhile."""
    position = job.position
    job = lock_for_update(Job, job.id)
    if job.position != position or job.state is not JobState.RUNNING:
        db.session.rollback()
        return False
    try:
        with db.session.begin_nested():
            kind.process(job, item)
    except DomainError as error:
        job.failures += 1
        if job.failures <= NOTES_KEPT:
            job.failure_notes += f"{error}\n"
    job.position, job.heartbeat_at = position + 1, utcnow()
    db.session.commit()
    return True


@periodic(crontab(minute="*"))
def resume_stalled_jobs() -> int:
    return resume_stalled()


def resume_stalled(now: datetime | None = None) -> int:
    """Queue again the jobs nobody is working on: queued or running without a sign of life for a while
    (the worker was stopped or killed half-way)."""
    now = now or utcnow()
    stalled_before = now - timedelta(seconds=int(current_app.config["JOB_STALL_SECONDS"]))
    stalled = db.session.scalars(
        db.select(Job.id).where(
            or_(
                (Job.state == JobState.QUEUED) & (Job.created_at < stalled_before),
                (Job.state == JobState.RUNNING) & (Job.heartbeat_at < stalled_before),
            )
        )
    ).all()
    db.session.commit()
    for job_id in stalled:
        log.warning("job %s resumed", job_id)
        run_job(job_id)  # queued for the worker
    return len(stalled)


def failure_lines(job: Job) -> list[str]:
    return [line for line in job.failure_notes.splitlines() if line]
