"""The beat job that resumes a bulk issuing run whose worker died (no batch committed for a while)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates import services, tasks
from certificates.models import Certificate, IssueRun, RunStatus
from marathon.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def later(minutes: int = 0):
    return timezone.now() + services.stalled_after() + timedelta(minutes=minutes, seconds=1)


@pytest.fixture
def stalled_run(marathon, office, settings):
    """A run whose worker was killed after its first batch: started, one batch committed, no task."""
    settings.CERTIFICATE_BATCH_SIZE = 2
    run = services.start_bulk_issue(edition=marathon["edition"], actor=office)  # on_commit not run: no task
    services.run_issue_batch(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.processed, run.issued) == (RunStatus.RUNNING, 2, 2)
    return run


def test_resume_stalled_runs_finishes_the_run_issuing_each_once(stalled_run, django_capture_on_commit_callbacks):
    assert services.resume_stalled_runs() == 0  # it beat a moment ago

    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: the resumed run happens now
        assert tasks.resume_stalled_runs.apply().get() == 0
        assert services.resume_stalled_runs(now=later()) == 1

    run = IssueRun.objects.get(pk=stalled_run.pk)
    assert (run.status, run.processed, run.issued, run.auto_resumes) == (RunStatus.DONE, 5, 5, 0)
    assert Certificate.objects.count() == 5
    assert sorted(Certificate.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]
    resumed = AuditEntry.objects.get(action="certificates.bulk_issue_resumed")
    assert (resumed.actor, resumed.changes) == (None, {"cursor": stalled_run.cursor, "automatic": True,
                                                       "attempt": 1})
    assert services.resume_stalled_runs(now=later(60)) == 0  # finished: left alone


def test_resume_stalled_runs_enqueues_a_run_that_never_started(marathon, office):
    run = services.start_bulk_issue(edition=marathon["edition"], actor=office)  # broker lost the task

    assert services.resume_stalled_runs(now=later()) == 1
    run.refresh_from_db()
    assert (run.status, run.auto_resumes) == (RunStatus.PENDING, 1)
    # The next beat gives the re-enqueued task a whole period first.
    assert services.resume_stalled_runs(now=later()) == 0


def test_resume_stalled_runs_gives_up_after_repeated_restarts_without_progress(stalled_run, office):
    for attempt in range(services.MAX_AUTO_RESUMES):
        assert services.resume_stalled_runs(now=later(10 * attempt)) == 1  # enqueued (no worker runs it)

    assert services.resume_stalled_runs(now=later(10 * services.MAX_AUTO_RESUMES)) == 0
    run = IssueRun.objects.get(pk=stalled_run.pk)
    assert run.status == RunStatus.FAILED
    assert run.error == "The bulk issue stopped 3 times without progress; start it again."
    assert AuditEntry.objects.filter(action="certificates.bulk_issue_failed").count() == 1
    assert Notification.objects.filter(recipient=office, subject="Certificates: bulk issue stopped").count() == 1
    assert Certificate.objects.count() == 2  # what the first batch issued stays


def test_beat_schedule_names_the_task():
    from marathon.celery import app

    entry = app.conf.beat_schedule["certificates-resume-stalled-runs"]
    assert entry["task"] == tasks.resume_stalled_runs.name == "certificates.resume_stalled_runs"
