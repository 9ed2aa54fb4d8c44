"""Reminders to experts and publishing the frozen results."""

import logging
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marathon.exceptions import RuleViolation
from marathon.models import User
from marathon.services import notify, record_audit
from projects.models import Membership

from .. import selectors
from ..models import (
    Commission,
    CommissionMember,
    RankingMethod,
    ReminderLog,
    ResultSnapshot,
    ScoreSheet,
    SheetStatus,
)
from .commission import require_chair, require_manager

logger = logging.getLogger(__name__)


def _pending_by_member(commission: Commission) -> dict[int, int]:
    """Unsubmitted, conflict-free sheets per member."""
    counts = {}
    rows = (ScoreSheet.objects.filter(assignment__member__commission=commission, status=SheetStatus.DRAFT)
            .exclude(selectors.conflicted_q("assignment__"))
            .values_list("assignment__member_id", flat=True))
    for member_id in rows:
        counts[member_id] = counts.get(member_id, 0) + 1
    return counts


def _remind(commission: Commission, key: str) -> int:
    """E-mail every expert with pending sheets once per `key`; the unique row makes a second
    run (a retried task, a second click) a no-op for experts already reminded."""
    pending = _pending_by_member(commission)
    members = CommissionMember.objects.filter(pk__in=pending).select_related("user")
    sent = 0
    for member in members:
        try:
            with transaction.atomic():
                ReminderLog.objects.create(member=member, key=key)
                notify(recipient=member.user, template="evaluation_reminder",
                       context={"count": pending[member.pk], "deadline": commission.edition.evaluation_end,
                                "edition": commission.edition},
                       url=reverse("evaluation:my_sheets"))
        except IntegrityError:
            continue
        sent += 1
    return sent


def send_reminders(*, commission: Commission, actor: User) -> int:
    """The chair's or the office's button: remind experts with unsubmitted sheets (at most once a
    day each)."""
    require_manager(actor, commission)
    with transaction.atomic():
        sent = _remind(commission, f"manual-{timezone.localdate().isoformat()}")
        record_audit(actor=actor, action="evaluation.reminders_sent", target=commission,
                     changes={"sent": sent})
    return sent


def reminder_key(commission: Commission, today: date) -> str | None:
    """Which automatic reminder window `today` falls in, if any: from `reminder_days` before the
    deadline (the first reminder) and from one day before it (the last one)."""
    deadline = commission.edition.evaluation_end
    days_left = (deadline - today).days
    if days_left < 0:
        return None
    if days_left <= 1:
        return f"auto-1d-{deadline.isoformat()}"
    if days_left <= commission.reminder_days:
        return f"auto-{commission.reminder_days}d-{deadline.isoformat()}"
    return None


def send_deadline_reminders(*, today: date | None = None) -> int:
    """Beat job body: every commission whose deadline is near reminds its experts once per window."""
    today = today or timezone.localdate()
    sent = 0
    for commission in Commission.objects.select_related("edition").filter(
            edition__evaluation_end__gte=today, snapshot__isnull=True):
        key = reminder_key(commission, today)
        if key:
            with transaction.atomic():
                count = _remind(commission, key)
                if count:
                    record_audit(actor=None, action="evaluation.reminders_sent", target=commission,
                                 changes={"sent": count, "window": key})
            sent += count
    return sent


def publish_results(*, commission: Commission, actor: User, confirm_missing: bool = False,
                    reason: str = "") -> ResultSnapshot:
    """Freeze the current results into a snapshot (once, chair only, from the start of the
    evaluation phase). When sheets or team results are missing (`selectors.publication_gaps`)
    the chair must confirm with a reason, which the audit entry keeps with the gaps; otherwise a
    RuleViolation lists what is missing. Afterwards everyone sees the ranking and each team its
    own per-criterion means and feedback. The snapshot is written in this transaction; team
    members are notified afterwards by a Celery task in batches (`send_publication_notices`),
    its progress kept on the snapshot."""
    require_chair(actor, commission)
    reason = (reason or "").strip()
    with transaction.atomic():
        commission = Commission.objects.select_for_update().select_related("edition").get(pk=commission.pk)
        if ResultSnapshot.objects.filter(commission=commission).exists():
            raise RuleViolation(_("The results of this edition are already published."))
        _require_evaluation_started(commission)
        data = selectors.compute_results(commission)
        if not data["projects"]:
            raise RuleViolation(_("There are no submitted score sheets to publish."))
        gaps = selectors.publication_gaps(commission)
        missing = _require_confirmation(gaps, confirm_missing, reason)
        total = _recipients(data).values("user_id").distinct().count()
        snapshot = ResultSnapshot.objects.create(commission=commission, data=data, published_by=actor,
                                                 notify_total=total)
        changes = {"projects": len(data["projects"]), "to_notify": total,
                   "ranking_method": commission.ranking_method}
        if missing:
            changes.update(missing=missing, reason=reason)
        record_audit(actor=actor, action="evaluation.results_published", target=commission, changes=changes)
        transaction.on_commit(lambda: enqueue_publication_notices(snapshot.pk))
    return snapshot


def _require_evaluation_started(commission: Commission) -> None:
    start = commission.edition.evaluation_start
    if timezone.localdate() < start:
        raise RuleViolation(_("The results can be published once the evaluation phase has started "
                              "(on %(date)s).") % {"date": date_format(start, "DATE_FORMAT")})


def _require_confirmation(gaps: dict, confirm_missing: bool, reason: str) -> dict:
    """The gaps' counts for the audit entry, after checking the chair confirmed them with a
    reason; {} when nothing is missing."""
    if not selectors.has_gaps(gaps):
        return {}
    if not confirm_missing:
        raise RuleViolation({
            NON_FIELD_ERRORS: [_("Sheets or team results are missing: confirm with a reason to publish anyway.")],
            **{key: texts for key, texts in selectors.gap_messages(gaps).items() if texts}})
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for publishing with missing sheets or results.")]})
    return {key: len(rows) for key, rows in gaps.items()}


def set_ranking_method(*, commission: Commission, method: str, actor: User) -> Commission:
    """The chair chooses the official ranking method (the one the dashboard ranks by and the
    published ranking uses), until the results are published. Audited with the old and new method."""
    require_chair(actor, commission)
    if method not in RankingMethod.values:
        raise ValidationError({"method": [_("Choose one of the ranking methods.")]})
    with transaction.atomic():
        commission = Commission.objects.select_for_update().select_related("edition").get(pk=commission.pk)
        if ResultSnapshot.objects.filter(commission=commission).exists():
            raise RuleViolation(_("The results are published: the official ranking method can no longer change."))
        old = commission.ranking_method
        if old != method:
            commission.ranking_method = method
            commission.save(update_fields=["ranking_method"])
            record_audit(actor=actor, action="evaluation.ranking_method_changed", target=commission,
                         changes={"ranking_method": [old, method]})
    return commission


def _recipients(data: dict):
    """Members of the ranked projects' teams, in user id order (the notification cursor)."""
    team_ids = [row["team"] for row in data["projects"] if row["team"]]
    return Membership.objects.filter(team_id__in=team_ids).order_by("user_id", "pk")


def enqueue_publication_notices(snapshot_id: int) -> None:
    """Hand the notices to Celery; never raises. If the broker is down the hourly beat job
    `evaluation.resume_publication_notices` picks the unfinished snapshot up."""
    from ..tasks import send_publication_notices_task

    try:
        send_publication_notices_task.apply_async(args=[snapshot_id], retry=False)
    except Exception:  # broker unreachable: resumed by beat
        logger.warning("Could not enqueue publication notices for snapshot %s.", snapshot_id, exc_info=True)


def send_publication_notices(*, snapshot_id: int, batch_size: int = 100) -> int:
    """Notify the team members of a published snapshot, `batch_size` per transaction, and count
    them on the snapshot. Idempotent: each batch runs under the snapshot's row lock and moves a
    cursor (the highest user id notified), so a re-run or a duplicate task never notifies anyone
    twice. Returns how many people this run notified."""
    sent = 0
    while True:
        with transaction.atomic():
            snapshot = (ResultSnapshot.objects.select_for_update(of=("self",))
                        .select_related("commission__edition").get(pk=snapshot_id))
            batch = list(_recipients(snapshot.data).filter(user_id__gt=snapshot.notified_through_user)
                         .select_related("user", "team")[:batch_size])
            if not batch:
                return sent
            edition = snapshot.commission.edition
            url = reverse("evaluation:results", args=[edition.year])
            for membership in batch:
                if membership.user_id == snapshot.notified_through_user:
                    continue  # a second membership of someone already told
                notify(recipient=membership.user, template="evaluation_published",
                       context={"edition": edition, "team": membership.team}, url=url)
                snapshot.notified_through_user = membership.user_id
                snapshot.notified += 1
                sent += 1
            snapshot.save(update_fields=["notified", "notified_through_user"])


def unfinished_publication_notices() -> list[int]:
    return list(ResultSnapshot.objects.filter(notified__lt=F("notify_total")).values_list("pk", flat=True))
