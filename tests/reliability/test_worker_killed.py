"""Issue 12.2: an export whose worker is SIGKILLed half-way is finished, once, by a new worker.

Real worker processes on a private redis-server, with a short visibility timeout (as the README
says, production uses minutes) so Redis hands the killed worker's task to the new one quickly.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import load_workbook

from marathon.models import AuditEntry
from reports import services
from reports.models import ExportJob
from tests.factories import UserFactory
from tests.reliability.redis_server import PrivateRedis, use_broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def broker(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the PostgreSQL test database")
    server = PrivateRedis(tmp_path)
    use_broker(server.url)
    yield server
    use_broker(None)
    server.stop()


@pytest.fixture
def start_worker(broker, settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    workers = []
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": broker.url, "DEBUG": "0",
           "EXPORT_ROOT": str(settings.EXPORT_ROOT), "CELERY_VISIBILITY_TIMEOUT": "4",
           "CELERY_RESTORE_INTERVAL": "1", "EXPORT_HEARTBEAT_TIMEOUT": "2", "SLOW_EXPORT_STEP": "0.5"}

    def start():
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.reliability.slow_export_worker", "worker",
             "--pool=solo", "--loglevel=WARNING", "--without-gossip", "--without-mingle",
             "--without-heartbeat"], env=env, cwd=ROOT)
        workers.append(process)
        return process

    yield start
    for process in workers:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def test_export_killed_mid_way_is_finished_once_by_a_new_worker(start_worker, settings):
    office = UserFactory(is_staff=True)
    job = services.start_export(actor=office, year_from=2018, year_to=2020, format="xlsx")
    first = start_worker()

    def half_way():
        state = ExportJob.objects.get(pk=job.pk)
        return state.status == "running" and state.progress >= 60

    assert wait_for(half_way, timeout=60)
    first.kill()  # SIGKILL: no chance to acknowledge, reject or clean up
    first.wait(timeout=10)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 1)

    start_worker()
    assert wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == "done", timeout=90)
    time.sleep(3)  # any duplicate delivery would run now
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("done", 100, 2)
    assert AuditEntry.objects.filter(action="reports.export_finished", object_id=str(job.pk)).count() == 1
    assert sorted(p.name for p in settings.EXPORT_ROOT.iterdir()) == [job.file_name]
    assert load_workbook(settings.EXPORT_ROOT / job.file_name).sheetnames[0] == "Summary"
