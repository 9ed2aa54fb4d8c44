"""Reminders to experts and publishing the frozen results."""

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marathon.exceptions import RuleViolation
from marathon.models import User
from marathon.services import notify, record_audit
from projects.models import Membership

from .. import selectors
from ..models import Commission, CommissionMember, ReminderLog, ResultSnapshot, ScoreSheet, SheetStatus
from .commission import require_chair, require_manager


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


def publish_results(*, commission: Commission, actor: User) -> ResultSnapshot:
    """Freeze the current results into a snapshot (once). Afterwards everyone sees the ranking
    and each team its own per-criterion means and feedback. Notifies team members; audited."""
    require_chair(actor, commission)
    with transaction.atomic():
        commission = Commission.objects.select_for_update().select_related("edition").get(pk=commission.pk)
        if ResultSnapshot.objects.filter(commission=commission).exists():
            raise RuleViolation(_("The results of this edition are already published."))
        data = selectors.compute_results(commission)
        if not data["projects"]:
            raise RuleViolation(_("There are no submitted score sheets to publish."))
        snapshot = ResultSnapshot.objects.create(commission=commission, data=data, published_by=actor)
        record_audit(actor=actor, action="evaluation.results_published", target=commission,
                     changes={"projects": len(data["projects"])})
        team_ids = [row["team"] for row in data["projects"] if row["team"]]
        url = reverse("evaluation:results", args=[commission.edition.year])
        for membership in Membership.objects.filter(team_id__in=team_ids).select_related("user", "team"):
            notify(recipient=membership.user, template="evaluation_published",
                   context={"edition": commission.edition, "team": membership.team}, url=url)
    return snapshot
