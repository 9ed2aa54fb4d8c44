"""Bulk issuing survives a killed worker: a real Celery worker process on TEST_REDIS_URL is
killed with SIGKILL mid-run; the resumed run issues each certificate exactly once."""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, IssueRun, RunStatus
from marathon.models import AuditEntry, Notification
from tests import factories
from tests.certificates.conftest import past_edition, publish
from tests.core.test_worker import REDIS_URL, database_url, use_broker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PEOPLE_PER_TEAM = 6
TEAMS = 12


def start_worker(tmp_path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": REDIS_URL, "DEBUG": "0",
           "CERTIFICATE_BATCH_SIZE": "1", "MEDIA_ROOT": str(tmp_path / "media"),
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "marathon", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, cwd=Path(__file__).resolve().parents[2])


@pytest.mark.parametrize("resumed_by", ["office", "beat"])
def test_bulk_issue_resumed_after_killed_worker_issues_each_once(tmp_path, settings, resumed_by):
    """Resumed by the office's button, or by the beat job once the run has stopped beating."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the PostgreSQL test database")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    settings.MEDIA_ROOT = tmp_path / "media"
    office = factories.UserFactory(is_staff=True, status="researcher")
    edition = past_edition(2034)
    teams = [factories.approved_project_with_team(edition=edition).team for _ in range(TEAMS)]
    for team in teams:
        for _ in range(PEOPLE_PER_TEAM):
            factories.MembershipFactory(team=team)
    publish(edition, teams)
    expected = TEAMS * (PEOPLE_PER_TEAM + 1)  # students and each team's supervisor

    use_broker(REDIS_URL)
    worker = start_worker(tmp_path)
    try:
        run = services.start_bulk_issue(edition=edition, actor=office)
        assert run.total == expected
        assert wait_for(lambda: IssueRun.objects.get(pk=run.pk).processed >= 5, timeout=60)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        killed_at = IssueRun.objects.get(pk=run.pk)
        assert killed_at.status == RunStatus.RUNNING and killed_at.processed < expected

        worker = start_worker(tmp_path)
        if resumed_by == "beat":
            assert services.resume_stalled_runs(now=timezone.now()) == 0  # it beat a moment ago
            stalled = timezone.now() + services.stalled_after() + timedelta(seconds=1)
            assert services.resume_stalled_runs(now=stalled) == 1
        else:
            services.resume_run(run=killed_at, actor=office)
        assert wait_for(lambda: IssueRun.objects.get(pk=run.pk).status == RunStatus.DONE, timeout=180)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        use_broker(None)

    certificates = Certificate.objects.filter(edition=edition)
    assert certificates.count() == expected
    assert certificates.values("person_id").distinct().count() == expected
    assert sorted(certificates.values_list("sequence", flat=True)) == list(range(1, expected + 1))
    assert Notification.objects.filter(subject__startswith="Your certificate").count() == expected
    finished = IssueRun.objects.get(pk=run.pk)
    assert finished.issued == expected and finished.processed == expected
    assert AuditEntry.objects.filter(action="certificates.bulk_issue_resumed").count() == 1
