"""Cross-cutting write services: notifications and the audit log."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import AuditEntry, Notification, User

logger = logging.getLogger(__name__)


def record_audit(*, actor: User | None, action: str, target: models.Model,
                 changes: dict | None = None) -> AuditEntry:
    """Append an audit entry in the caller's transaction (who, when, what changed)."""
    return AuditEntry.objects.create(
        actor=actor if actor and actor.pk else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        target_repr=str(target)[:255],
        changes=changes or {},
    )


def render_plain_text(template_name: str, context: dict) -> str:
    """Render a plain-text template (e-mail subject/body) without HTML escaping: a title with
    quotes or an ampersand must reach the inbox and the e-mail as typed. Pages escape it on output."""
    template = get_template(template_name)
    return template.template.render(Context(context, autoescape=False))


def notify(*, recipient: User, template: str, context: dict | None = None, url: str = "",
           send_email: bool = True) -> Notification:
    """Store a notification for `recipient` in the caller's transaction.

    The subject and text come from `templates/emails/<template>_subject.txt` and `_body.txt`,
    rendered in the recipient's language and stored, so a later re-delivery sends exactly what
    the user sees in the inbox. The e-mail is enqueued only after the transaction commits; if the
    broker is down then, the beat job `redeliver_pending_notifications` picks the row up later.
    """
    context = {**(context or {}), "recipient": recipient, "url": url}
    with translation.override(recipient.preferred_language or "en"):
        subject = render_plain_text(f"emails/{template}_subject.txt", context).strip()
        body = render_plain_text(f"emails/{template}_body.txt", context).strip()
    notification = Notification.objects.create(
        recipient=recipient, kind=template, subject=" ".join(subject.split())[:255],
        body=body, url=url, send_email=send_email and bool(recipient.email),
    )
    if notification.send_email:
        transaction.on_commit(lambda: enqueue_notification_email(notification.pk))
    return notification


def enqueue_notification_email(notification_id: int) -> bool:
    """Hand the e-mail to Celery; never raises, the redelivery job covers broker outages."""
    from .tasks import deliver_notification_email

    try:
        deliver_notification_email.apply_async(args=[notification_id], retry=False)
    except Exception:  # broker unreachable: the row stays pending and is retried by beat
        logger.warning("Could not enqueue e-mail for notification %s; will retry later.",
                       notification_id, exc_info=True)
        return False
    return True


def mark_notifications_read(*, user: User, ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def update_profile(*, user: User, actor: User, data: dict) -> User:
    """Change profile fields of `user`; audited with the before/after values."""
    if actor.pk != user.pk and not actor.is_staff:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("You can only edit your own profile.")
    changes = {}
    for field, value in data.items():
        old = getattr(user, field)
        if old != value:
            changes[field] = [str(old or ""), str(value or "")]
            setattr(user, field, value)
    with transaction.atomic():
        user.full_clean(exclude=["password"])
        user.save()
        if changes:
            record_audit(actor=actor, action="profile.updated", target=user, changes=changes)
    return user


def set_preferred_language(*, user: User, language: str) -> User:
    """Store the language `user` reads the portal, e-mails and exports in; audited."""
    from django.conf import settings
    from django.core.exceptions import ValidationError

    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"preferred_language": _("Choose one of the portal's languages.")})
    if user.preferred_language == language:
        return user
    with transaction.atomic():
        changes = {"preferred_language": [user.preferred_language, language]}
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        record_audit(actor=user, action="profile.language_changed", target=user, changes=changes)
    return user
