"""The progress of a job: done / total, failures, and the result when it ends."""

from flask import abort, render_template, url_for

from ..lookups import managed_event, of_event_or_404
from . import bp, services
from .models import Job


@bp.get("/manage/events/<slug>/jobs/<int:job_id>", endpoint="show")
@managed_event
def show(event, job_id):
    job = of_event_or_404(Job, job_id, event)
    if job.kind not in services.KINDS:
        abort(404)
    kind = services.KINDS[job.kind]
    return render_template(
        "jobs/show.html",
        event=event,
        job=job,
        label=kind.label,
        back=url_for(kind.page, slug=event.slug),
        failures=services.failure_lines(job),
        result=url_for(kind.result, slug=event.slug) if kind.result and job.result_file else None,
    )
