from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from marathon.celery import app
from marathon.models import Notification
from mobility import services
from mobility.models import DocumentKind, MobilityStatus
from mobility.tasks import send_certificate_reminders

from .factories import MobilityFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ended(status=MobilityStatus.IN_PROGRESS):
    today = timezone.localdate()
    return MobilityFactory(status=status, planned_start=today - timedelta(days=20),
                           planned_end=today - timedelta(days=1))


def test_reminder_sent_once_after_end_date():
    mobility = ended()
    assert send_certificate_reminders() == 1
    assert send_certificate_reminders() == 0
    note = Notification.objects.get(kind="mobility_certificate_reminder")
    assert note.recipient == mobility.participant
    assert "certificate" in note.subject
    mobility.refresh_from_db()
    assert mobility.certificate_reminder_sent_at is not None


def test_reminder_service_is_idempotent():
    mobility = ended()
    assert services.send_certificate_reminder(mobility_id=mobility.pk) is True
    assert services.send_certificate_reminder(mobility_id=mobility.pk) is False
    assert Notification.objects.filter(kind="mobility_certificate_reminder").count() == 1


def test_no_reminder_before_end_or_with_certificate():
    MobilityFactory(status=MobilityStatus.IN_PROGRESS,
                    planned_start=timezone.localdate() - timedelta(days=3))
    with_certificate = ended()
    services.upload_document(mobility=with_certificate, actor=with_certificate.participant,
                             kind=DocumentKind.CERTIFICATE,
                             upload=SimpleUploadedFile("c.pdf", PDF, "application/pdf"))
    ended(status=MobilityStatus.COMPLETED)
    assert send_certificate_reminders() == 0
    assert Notification.objects.count() == 0


def test_reminder_is_scheduled_by_beat():
    entry = app.conf.beat_schedule["mobility-certificate-reminders"]
    assert entry["task"] == "mobility.send_certificate_reminders"
    assert send_certificate_reminders.name == "mobility.send_certificate_reminders"
