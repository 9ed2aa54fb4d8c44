"""A real Celery worker process against real Redis and the PostgreSQL test database."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from marathon.celery import app as celery_app
from marathon.models import Notification
from marathon.services import notify
from marathon.tasks import redeliver_pending_notifications

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DEAD_BROKER = "redis://127.0.0.1:6399/0"


def use_broker(url: str | None) -> None:
    """Point this process's Celery app at a broker (None: back to eager mode)."""
    celery_app.conf.task_always_eager = url is None
    celery_app.conf.broker_url = url or "memory://"
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def mail_dir(tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def worker(mail_dir):
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the PostgreSQL test database")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": REDIS_URL,
           "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
           "EMAIL_FILE_PATH": str(mail_dir), "DEBUG": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "marathon", "worker", "--pool=solo",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, cwd=Path(__file__).resolve().parents[2],
    )
    yield process
    process.terminate()
    process.wait(timeout=30)
    use_broker(None)


def sent_mails(mail_dir: Path) -> list[str]:
    return [p.read_text() for p in sorted(mail_dir.glob("*.log"))] if mail_dir.exists() else []


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_notification_delivered_by_real_worker(worker, mail_dir, student):
    use_broker(REDIS_URL)
    notification = notify(recipient=student, template="generic",
                          context={"subject": "Join request accepted", "message": "Welcome!"})
    assert wait_for(lambda: Notification.objects.get(pk=notification.pk).emailed_at is not None)
    mails = sent_mails(mail_dir)
    assert len(mails) == 1
    assert "Join request accepted" in mails[0] and student.email in mails[0]


def test_notification_created_while_redis_down_is_delivered_exactly_once(
        worker, mail_dir, student, settings):
    use_broker(DEAD_BROKER)
    started = time.monotonic()
    notification = notify(recipient=student, template="generic",
                          context={"subject": "Invitation", "message": "Join us"})
    assert time.monotonic() - started < 10  # the request did not hang on the broker
    time.sleep(1)
    assert Notification.objects.get(pk=notification.pk).emailed_at is None
    assert sent_mails(mail_dir) == []

    # Redis is back: the beat job re-enqueues, the worker delivers once.
    use_broker(REDIS_URL)
    settings.NOTIFICATION_REDELIVERY_AFTER_MINUTES = 0
    assert redeliver_pending_notifications() == 1
    assert wait_for(lambda: Notification.objects.get(pk=notification.pk).emailed_at is not None)
    assert redeliver_pending_notifications() == 0
    time.sleep(1.5)
    assert len(sent_mails(mail_dir)) == 1
