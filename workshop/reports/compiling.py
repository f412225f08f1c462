"""Compiling the report in the worker: the organiser gets an answer at once, the worker draws the
PDF from the data as it is then and keeps it in the upload storage; the latest one is what
"Open" and "Download" give, with the moment it was compiled."""

from __future__ import annotations

import io

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from .. import security
from ..accounts.models import User
from ..errors import DomainError, Forbidden
from ..events.models import Event
from ..extensions import db
from ..jobs import services as jobs
from ..jobs.models import Job, JobState
from ..storage import NotStored, upload_storage
from .pdf import render_report


def start_compiling(actor, event: Event) -> jobs.Started:
    if not security.can_edit_report(actor, event):
        raise Forbidden(_l("Only the event's organisers compile its report."))
    return jobs.start(compile_report, event, actor)


def _the_event(job: Job) -> list[int]:
    return [job.event_id]


@jobs.kind(_l("Compiling the workshop report"), _the_event, page="reports.manage", result="reports.compiled")
def compile_report(job: Job, event_id: int) -> None:
    """Draw the report in the language of the organiser who asked for it, and keep it."""
    event = db.session.get(Event, event_id)
    organiser = db.session.get(User, job.created_by_id) if job.created_by_id else None
    with force_locale((organiser.locale if organiser else None) or "en"):
        data = render_report(event)
    try:
        job.result_file = upload_storage().save(io.BytesIO(data))
    except NotStored as error:
        raise DomainError(_l("The compiled report could not be stored; tell the site's administrator.")) from error
    for older in db.session.scalars(
        db.select(Job).where(
            Job.kind == compile_report.name, Job.event_id == event_id, Job.id != job.id, Job.result_file != ""
        )
    ):
        upload_storage().delete(older.result_file)  # only the latest is offered
        older.result_file = ""


def latest_compiled(event: Event) -> Job | None:
    """The latest report compiled for ``event``, or None."""
    return db.session.scalar(
        db.select(Job)
        .where(
            Job.kind == compile_report.name, Job.event_id == event.id, Job.state == JobState.DONE, Job.result_file != ""
        )
        .order_by(Job.id.desc())
        .limit(1)
    )


def compiling_now(event: Event) -> Job | None:
    return jobs.unfinished(compile_report, event)
