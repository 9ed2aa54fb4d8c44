"""Cross-cutting write services: notifications and the audit log."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import AuditEntry, Edition, Notification, User
from .resilience import mark_redis_down, redis_is_down

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


def enqueue_notification_email(notification_id: int, *, skip_if_down: bool = True) -> bool:
    """Hand the e-mail to Celery; never raises, the redelivery job covers broker outages.

    During an outage this process already knows about, a request does not wait for another
    timeout (`skip_if_down`); the redelivery job tries anyway."""
    from .tasks import deliver_notification_email

    if skip_if_down and redis_is_down():
        return False
    try:
        deliver_notification_email.apply_async(args=[notification_id], retry=False)
    except Exception as exc:  # broker unreachable: the row stays pending and is retried by beat
        mark_redis_down(exc)
        logger.warning("Could not enqueue e-mail for notification %s; will retry later (%s).",
                       notification_id, exc.__class__.__name__)
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


EDITION_DATES = ("proposals_start", "proposals_end", "team_formation_start", "team_formation_end",
                 "research_start", "research_end", "evaluation_start", "evaluation_end")
# (earlier, later): the order `edition_phases_ordered` enforces in the database.
EDITION_DATE_ORDER = (("proposals_start", "proposals_end"), ("proposals_end", "team_formation_end"),
                      ("team_formation_start", "team_formation_end"), ("team_formation_start", "research_start"),
                      ("research_start", "research_end"), ("research_start", "evaluation_start"),
                      ("evaluation_start", "evaluation_end"))


def update_edition_dates(*, edition: Edition, actor: User, dates: dict) -> Edition:
    """The programme office moves an edition's phase dates (e.g. reopens the proposal window).
    The dates must follow each other in order (an error on the later date of each broken pair;
    the database constraint backs it up). Side effects: audit entry with the old and new dates."""
    if not actor.is_staff:
        raise PermissionDenied(_("Only the programme office changes an edition's dates."))
    unknown = set(dates) - set(EDITION_DATES)
    if unknown:
        raise ValidationError({name: [_("Not a phase date.")] for name in sorted(unknown)})
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        new = {name: dates.get(name, getattr(edition, name)) for name in EDITION_DATES}
        errors = {}
        for earlier, later in EDITION_DATE_ORDER:
            if new[earlier] > new[later] and later not in errors:
                errors[later] = [_("Must be on or after “%(field)s” (%(date)s).") % {
                    "field": Edition._meta.get_field(earlier).verbose_name, "date": new[earlier].isoformat()}]
        if errors:
            raise ValidationError(errors)
        changes = {name: [getattr(edition, name).isoformat(), value.isoformat()]
                   for name, value in new.items() if getattr(edition, name) != value}
        if changes:
            for name, value in new.items():
                setattr(edition, name, value)
            edition.save(update_fields=list(changes))
            record_audit(actor=actor, action="edition.dates_changed", target=edition, changes=changes)
    return edition


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
