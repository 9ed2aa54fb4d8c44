"""Celery tasks of the evaluation app: thin and idempotent (the reminder log has a unique row
per expert and window, so running twice sends nothing twice)."""

from celery import shared_task
from django.db import OperationalError

from .services import send_deadline_reminders


@shared_task(name="evaluation.send_deadline_reminders", acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=30, retry_backoff_max=900, max_retries=5)
def send_deadline_reminders_task() -> int:
    return send_deadline_reminders()
