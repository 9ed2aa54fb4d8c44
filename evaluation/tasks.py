"""Celery tasks of the evaluation app: thin and idempotent (the reminder log has a unique row
per expert and window, the publication notices a cursor on the snapshot, so running twice sends
nothing twice)."""

from celery import shared_task
from django.db import OperationalError

from .services import send_deadline_reminders, send_publication_notices, unfinished_publication_notices


@shared_task(name="evaluation.send_deadline_reminders", acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=30, retry_backoff_max=900, max_retries=5)
def send_deadline_reminders_task() -> int:
    return send_deadline_reminders()


@shared_task(name="evaluation.send_publication_notices", acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=30, retry_backoff_max=900, max_retries=5)
def send_publication_notices_task(snapshot_id: int) -> int:
    """Tell the teams that the results are published; resumes where a previous run stopped."""
    return send_publication_notices(snapshot_id=snapshot_id)


@shared_task(name="evaluation.resume_publication_notices", acks_late=True)
def resume_publication_notices_task() -> int:
    """Beat: finish notices that were never enqueued (broker down at publish time) or crashed."""
    pending = unfinished_publication_notices()
    for snapshot_id in pending:
        send_publication_notices_task.delay(snapshot_id)
    return len(pending)
