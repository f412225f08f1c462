"""Bulk work leaves the request: the organiser gets an answer at once, the worker does the work and
the page shows how far it got. A worker that dies half-way is replaced and nobody gets two
certificates or two e-mails; a second click while the work runs starts nothing new."""

import threading
from collections import Counter
from datetime import UTC, timedelta

import pytest

from workshop.attendance import recording
from workshop.attendance.models import CertificateRule, Method
from workshop.certificates import services as certificates
from workshop.certificates.models import Certificate
from workshop.extensions import db
from workshop.jobs import services as jobs
from workshop.jobs.models import Job, JobState
from workshop.mail.models import OutboxMessage
from workshop.timeutil import utcnow

from .conftest import login, make_registration, run_worker, submit

MANAGE = "/manage/events/{slug}/certificates"


@pytest.fixture
def eligible_event(make_event, make_user, make_session):
    """An event of one session that each of its 30 confirmed participants attended: all eligible."""
    event = make_event(title="Labour migration governance")
    session = make_session(event, "Opening", minutes=60)
    db.session.add(CertificateRule(event_id=event.id, min_percent=50))
    db.session.commit()
    for n in range(30):
        registration = make_registration(
            event, make_user(email=f"participant{n}@example.org", full_name=f"Participant {n}")
        )
        recording.mark_present(event, registration, session, Method.ROSTER, event.organisers[0])
    return event


def organiser_client(app, event):
    client = app.test_client()
    login(client, event.organisers[0])
    return client


def issue_all(client, event):
    url = MANAGE.format(slug=event.slug)
    return submit(client, url + "/issue-all", {"before_the_end": "y"}, form_url=url)


def certificates_per_holder() -> Counter:
    db.session.rollback()  # a fresh look: the worker wrote in its own transactions
    return Counter(db.session.scalars(db.select(Certificate.registration_id).where(Certificate.revoked_at.is_(None))))


def certificate_mails() -> Counter:
    return Counter(
        db.session.scalars(db.select(OutboxMessage.recipient).where(OutboxMessage.subject.like("Your certificate%")))
    )


def test_issuing_to_all_answers_at_once_and_the_page_follows_the_worker(app, eligible_event, worker_queue):
    client = organiser_client(app, eligible_event)

    response = issue_all(client, eligible_event)

    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    assert (
        certificates_per_holder() == Counter() and certificate_mails() == Counter()
    )  # the request did none of the work
    waiting = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Waiting to start." in waiting and '<meta http-equiv="refresh"' in waiting

    run_worker(worker_queue)

    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Finished: 30 of 30 done." in done and "Failures: 0." in done and 'http-equiv="refresh"' not in done
    assert len(certificates_per_holder()) == 30 and set(certificates_per_holder().values()) == {1}
    assert len(certificate_mails()) == 30
    assert "Last issued to everyone eligible: 30 issued, 0 not." in client.get(
        MANAGE.format(slug=eligible_event.slug)
    ).get_data(as_text=True)


def test_what_a_job_does_is_recorded_as_done_by_the_organiser_who_started_it(app, eligible_event, worker_queue):
    from workshop.audit.models import AuditEntry

    organiser = eligible_event.organisers[0]
    issue_all(organiser_client(app, eligible_event), eligible_event)

    run_worker(worker_queue)

    issued = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.object_type == "Certificate", AuditEntry.action == "created")
    ).all()
    assert len(issued) == 30
    assert {(entry.actor_id, entry.actor_label) for entry in issued} == {(organiser.id, organiser.email)}


def test_a_second_click_while_issuing_shows_the_same_work_and_starts_nothing(app, eligible_event, worker_queue):
    client = organiser_client(app, eligible_event)
    first = issue_all(client, eligible_event).headers["Location"]

    second = issue_all(client, eligible_event)

    assert second.headers["Location"] == first
    assert "Certificates are being issued already" in client.get(first).get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Job)) == 1
    run_worker(worker_queue)
    assert set(certificates_per_holder().values()) == {1} and set(certificate_mails().values()) == {1}


class WorkerKilled(BaseException):
    """What the worker's process sees of a SIGKILL: nothing after it runs, not even ``except Exception``."""


def test_a_worker_killed_half_way_is_resumed_and_nobody_gets_two_certificates_or_two_mails(
    app, eligible_event, worker_queue, monkeypatch
):
    client = organiser_client(app, eligible_event)
    progress = issue_all(client, eligible_event).headers["Location"]
    issue_one = certificates.issue_certificates.process
    handled = []

    def dies_at_the_eleventh(job, registration_id):
        if len(handled) == 10:
            raise WorkerKilled
        handled.append(registration_id)
        issue_one(job, registration_id)

    monkeypatch.setitem(
        jobs.KINDS,
        "issue_certificates",
        jobs.JobKind(**{**certificates.issue_certificates.__dict__, "process": dies_at_the_eleventh}),
    )
    with pytest.raises(WorkerKilled):
        run_worker(worker_queue)
    db.session.rollback()
    assert "In progress: 10 of 30." in client.get(progress).get_data(as_text=True)
    assert len(certificates_per_holder()) == 10 and len(certificate_mails()) == 10

    monkeypatch.setitem(jobs.KINDS, "issue_certificates", certificates.issue_certificates)
    assert jobs.resume_stalled() == 0  # it might only be slow
    db.session.execute(
        db.update(Job).values(heartbeat_at=utcnow() - timedelta(minutes=5))
    )  # five minutes without a sign of life
    db.session.commit()
    assert jobs.resume_stalled() == 1
    run_worker(worker_queue)

    assert "Finished: 30 of 30 done." in client.get(progress).get_data(as_text=True)
    assert len(certificates_per_holder()) == 30 and set(certificates_per_holder().values()) == {1}
    assert len(certificate_mails()) == 30 and set(certificate_mails().values()) == {1}


def test_two_workers_running_the_same_job_issue_each_certificate_once(app, eligible_event, worker_queue):
    started = certificates.start_issuing_to_all_eligible(
        eligible_event.organisers[0], eligible_event, before_the_end=True
    )
    job_id = started.job.id
    db.session.execute(db.update(Job).values(state=JobState.RUNNING, heartbeat_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()

    def worker():
        with app.app_context():
            jobs.run(job_id)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(certificates_per_holder()) == 30 and set(certificates_per_holder().values()) == {1}
    assert set(certificate_mails().values()) == {1}


def test_a_participant_who_is_no_longer_confirmed_is_listed_as_not_done(app, eligible_event, worker_queue):
    from workshop.registration.models import Registration
    from workshop.registration.states import State

    client = organiser_client(app, eligible_event)
    progress = issue_all(client, eligible_event).headers["Location"]
    jobs.fix_items(db.session.get(Job, 1), certificates.issue_certificates)  # the worker chose whom to issue to ...
    cancelled = db.session.scalars(db.select(Registration).order_by(Registration.id)).first()
    cancelled.state = State.CANCELLED  # ... and then one of them cancelled
    db.session.commit()

    run_worker(worker_queue)

    page = client.get(progress).get_data(as_text=True)
    assert "Finished: 29 of 30 done." in page and "Failures: 1." in page
    assert "Participant 0&#39;s registration is not confirmed (Cancelled)" in page


def test_only_the_events_organisers_see_its_jobs(app, eligible_event, make_user, make_event, worker_queue):
    progress = issue_all(organiser_client(app, eligible_event), eligible_event).headers["Location"]
    participant = app.test_client()
    login(participant, make_user())
    other = app.test_client()
    login(other, make_event().organisers[0])

    assert participant.get(progress).status_code == 403
    assert other.get(progress).status_code == 403
    assert other.post(MANAGE.format(slug=eligible_event.slug) + "/issue-all", data={}).status_code in (400, 403)
    assert organiser_client(app, eligible_event).get(progress.replace("/jobs/1", "/jobs/999")).status_code == 404


def test_opening_the_evaluation_invites_through_the_worker(app, make_event, make_user, worker_queue):

    from workshop.feedback import services as feedback
    from workshop.feedback.models import EvaluationQuestion, EvaluationQuestionKind

    event = make_event(starts_in_days=-3, days=1)
    db.session.add(
        EvaluationQuestion(event_id=event.id, kind=EvaluationQuestionKind.RATING, label="Overall?", position=0)
    )
    db.session.commit()
    for n in range(5):
        make_registration(event, make_user(email=f"p{n}@example.org"))

    job = feedback.open_evaluation(event.organisers[0], event, now=utcnow().astimezone(UTC))
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0
    run_worker(worker_queue)

    db.session.expire_all()
    assert db.session.get(Job, job.id).succeeded == 5
    assert (
        db.session.scalar(
            db.select(db.func.count()).select_from(OutboxMessage).where(OutboxMessage.subject.like("Your opinion%"))
        )
        == 5
    )


def test_the_job_file_is_written_as_the_database_is_without_a_disk_flush_per_job(app, worker_queue):
    if app.config.get("REDIS_URL"):
        pytest.skip("jobs on Redis")
    connection = worker_queue.storage.conn
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL: a commit does not wait for the disk
    assert str(app.instance_path) in worker_queue.storage.filename
