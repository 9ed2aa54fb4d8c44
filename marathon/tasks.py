"""Celery tasks of the core: thin, idempotent, retried with backoff."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification

logger = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 8


@shared_task(name="marathon.deliver_notification_email", bind=True, acks_late=True,
             max_retries=MAX_EMAIL_ATTEMPTS)
def deliver_notification_email(self, notification_id: int) -> str:
    """Send one notification's e-mail exactly once.

    The row lock serialises a retry and a redelivery of the same notification: whoever gets the
    lock second sees `emailed_at` set and does nothing.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None:
            return "locked-or-missing"
        if notification.emailed_at or not notification.send_email:
            return "already-sent"
        notification.email_attempts += 1
        try:
            build_email(notification).send()
        except Exception as exc:  # recorded and committed, then re-raised for autoretry
            error = exc
            notification.last_error = str(exc)[:2000]
        else:
            error = None
            notification.emailed_at = timezone.now()
            notification.last_error = ""
        notification.save(update_fields=["emailed_at", "email_attempts", "last_error"])
    if error is not None:
        if self.request.is_eager:
            # No worker to retry later (tasks run inline without Redis): leave the row pending
            # for the redelivery job instead of burning every attempt at once.
            return "failed"
        # SMTP or network trouble: retry with exponential backoff (30 s, 60 s, ...), kept below the
        # broker's visibility timeout: a countdown beyond it would be handed to a second worker.
        raise self.retry(exc=error, countdown=min(30 * 2 ** self.request.retries, max_countdown()))
    return "sent"


def max_countdown() -> int:
    return max(30, settings.CELERY_VISIBILITY_TIMEOUT - 60)


def build_email(notification: Notification) -> EmailMultiAlternatives:
    recipient = notification.recipient
    context = {"notification": notification, "recipient": recipient,
               "link": notification.absolute_url(), "site_url": settings.SITE_URL}
    from .services import render_plain_text

    with translation.override(recipient.preferred_language or "en"):
        text = render_plain_text("emails/notification_body.txt", context)
        html = render_to_string("emails/notification_body.html", context)
    message = EmailMultiAlternatives(
        subject=f"[Project Marathon] {notification.subject}", body=text,
        to=[recipient.email], headers={"X-Marathon-Notification": str(notification.pk)},
    )
    message.attach_alternative(html, "text/html")
    return message


@shared_task(name="marathon.redeliver_pending_notifications", acks_late=True)
def redeliver_pending_notifications() -> int:
    """Re-enqueue e-mails that were never delivered (broker or SMTP outage)."""
    from .services import enqueue_notification_email

    cutoff = timezone.now() - timedelta(minutes=settings.NOTIFICATION_REDELIVERY_AFTER_MINUTES)
    pending = Notification.objects.filter(
        send_email=True, emailed_at__isnull=True, created_at__lte=cutoff,
        email_attempts__lt=MAX_EMAIL_ATTEMPTS,
    ).values_list("pk", flat=True)[:500]
    queued = 0
    for pk in pending:
        if not enqueue_notification_email(pk, skip_if_down=False):
            break  # the broker is still down: one timeout, not one per pending row
        queued += 1
    return queued
