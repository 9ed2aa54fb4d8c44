import pytest
from django.core import mail
from django.db import transaction

from marathon.models import Notification
from marathon.services import notify
from marathon.tasks import deliver_notification_email, redeliver_pending_notifications
from tests.querycount import PAGE_BASE

pytestmark = pytest.mark.django_db


class FailingBackend:
    """Stands in for an SMTP server that is down (the boundary we do not own)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("SMTP server unreachable")


def send_generic(user, subject="Your request was accepted", message="Welcome to the team."):
    return notify(recipient=user, template="generic", context={"subject": subject, "message": message},
                  url="/inbox/")


def test_notify_stores_row_and_emails_on_commit(student, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = send_generic(student)
    notification.refresh_from_db()
    assert (notification.subject, notification.body) == ("Your request was accepted",
                                                         "Welcome to the team.")
    assert notification.emailed_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [student.email]
    assert mail.outbox[0].subject == "[Project Marathon] Your request was accepted"
    assert "http://127.0.0.1:8000/inbox/" in mail.outbox[0].body


def test_notification_rolled_back_with_callers_transaction(student):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_generic(student)
        raise RuntimeError("the workflow step failed")
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_delivery_is_idempotent(student, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = send_generic(student)
    assert deliver_notification_email.apply(args=[notification.pk]).get() == "already-sent"
    assert len(mail.outbox) == 1


def test_smtp_outage_keeps_notification_pending_then_redelivers_once(
        student, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.core.test_notifications.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notification = send_generic(student)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert notification.email_attempts >= 1
    assert "SMTP server unreachable" in notification.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_REDELIVERY_AFTER_MINUTES = 0
    assert redeliver_pending_notifications() == 1
    assert redeliver_pending_notifications() == 0
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_email_rendered_in_recipient_language(student, django_capture_on_commit_callbacks):
    student.preferred_language = "ru"
    student.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_generic(student)
    assert mail.outbox[0].body.startswith("Здравствуйте")


def test_inbox_lists_notifications_and_unread_count(login, student):
    send_generic(student, subject="First")
    send_generic(student, subject="Second")
    client = login(student)
    response = client.get("/inbox/")
    content = response.content.decode()
    assert content.index("Second") < content.index("First")
    assert '<span class="badge text-bg-warning" id="unread-count">2</span>' in content


def test_mark_all_read_clears_unread_count(login, student, outsider):
    send_generic(student)
    send_generic(outsider)
    client = login(student)
    client.post("/inbox/read/")
    assert Notification.objects.filter(recipient=student, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=outsider, read_at__isnull=True).count() == 1
    assert 'id="unread-count"' not in client.get("/inbox/").content.decode()


@pytest.mark.parametrize("rows", [1, 5])
def test_inbox_query_count_constant(login, student, django_assert_num_queries, rows):
    for i in range(rows):
        send_generic(student, subject=f"Note {i}")
    client = login(student)
    with django_assert_num_queries(PAGE_BASE + 2):  # page count + page
        client.get("/inbox/")


def test_plain_text_keeps_quotes_and_ampersands(login, student, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = send_generic(student, subject='"R&D" <approved>', message="Tom & Jerry's team")
    assert notification.subject == '"R&D" <approved>'
    assert notification.body == "Tom & Jerry's team"
    assert mail.outbox[-1].subject == '[Project Marathon] "R&D" <approved>'
    assert "Tom & Jerry's team" in mail.outbox[-1].body
    page = login(student).get("/inbox/").content.decode()
    assert "&quot;R&amp;D&quot; &lt;approved&gt;" in page  # escaped exactly once on the page
