"""Celery tasks of mobility: thin and idempotent."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from .models import BLOCKING_STATUSES, DocumentKind, Mobility
from .services import send_certificate_reminder


@shared_task(name="mobility.send_certificate_reminders", acks_late=True,
             autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5)
def send_certificate_reminders() -> int:
    """Daily: remind participants whose stay has ended to upload the certificate (once each)."""
    due = (
        Mobility.objects.filter(status__in=BLOCKING_STATUSES, planned_end__lt=timezone.localdate(),
                                certificate_reminder_sent_at__isnull=True)
        .exclude(documents__kind=DocumentKind.CERTIFICATE)
        .values_list("pk", flat=True)[:500]
    )
    return sum(send_certificate_reminder(mobility_id=pk) for pk in list(due))
