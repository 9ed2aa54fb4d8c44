"""Scheduled and background work of the workspace (called by thin Celery tasks): report
reminders, the daily digest, the PDF export. Each is idempotent: sent-marker rows with unique
constraints make a second run (or two workers at once) send nothing twice."""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from marathon.models import Edition, User
from marathon.services import notify
from projects.models import Membership, MembershipRole, Team

from . import periods
from .models import (
    Activity,
    DigestPreference,
    DigestSent,
    ExportStatus,
    ProgressReport,
    ReportReminder,
    ReportStatus,
    WorkspaceExport,
)
from .selectors import edition_settings

logger = logging.getLogger(__name__)


def send_report_reminders(today=None) -> int:
    """Remind each team's students `reminder_days` before the current period's report is due,
    unless it is already handed in. Once per team and period (ReportReminder's unique constraint)."""
    today = today or timezone.localdate()
    sent = 0
    for edition in Edition.objects.filter(research_start__lte=today, research_end__gte=today - timedelta(days=1)):
        config = edition_settings(edition)
        period = next((p for p in periods.report_periods(edition, config.report_cadence)
                       if p.due - timedelta(days=config.reminder_days) <= today <= p.due), None)
        if period is None:
            continue
        handed_in = ProgressReport.objects.filter(period_start=period.start,
                                                  status__in=(ReportStatus.SUBMITTED, ReportStatus.APPROVED))
        teams = (Team.objects.filter(edition=edition).exclude(pk__in=handed_in.values("team_id"))
                 .exclude(pk__in=ReportReminder.objects.filter(period_start=period.start).values("team_id")))
        for team in teams:
            sent += _remind(team, period)
    return sent


def _remind(team: Team, period) -> int:
    try:
        with transaction.atomic():
            ReportReminder.objects.create(team=team, period_start=period.start)
            students = User.objects.filter(memberships__team=team).exclude(memberships__role=MembershipRole.SUPERVISOR)
            for user in students:
                notify(recipient=user, template="workspace_report_reminder",
                       url=f"/workspace/teams/{team.pk}/reports/",
                       context={"team": team, "period": period, "due": period.due})
    except IntegrityError:  # another run got there first
        return 0
    return 1


def send_daily_digests(today=None) -> int:
    """One e-mail per member and day listing the last day's activity of their teams by others;
    nothing when there was none or the member opted out."""
    today = today or timezone.localdate()
    since = timezone.now() - timedelta(days=1)
    opted_out = DigestPreference.objects.filter(opted_out=True).values("user_id")
    active_teams = Activity.objects.filter(created_at__gte=since).values("team_id")
    people = (User.objects.filter(memberships__team_id__in=active_teams, is_active=True)
              .exclude(pk__in=opted_out).exclude(pk__in=DigestSent.objects.filter(day=today).values("user_id"))
              .distinct())
    sent = 0
    for user in people:
        team_ids = Membership.objects.filter(user=user).values("team_id")
        items = list(Activity.objects.filter(team_id__in=team_ids, created_at__gte=since)
                     .filter(~Q(actor=user) | Q(actor__isnull=True))
                     .select_related("team").order_by("team__name", "created_at")[:50])
        if not items:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=user, day=today)
                notify(recipient=user, template="workspace_digest", url="/workspace/",
                       context={"items": items, "day": today})
        except IntegrityError:
            continue
        sent += 1
    return sent


def run_pdf_export(export_id: int) -> str:
    from .exports import build_pdf

    with transaction.atomic():
        job = WorkspaceExport.objects.select_for_update(skip_locked=True).filter(pk=export_id).first()
        if job is None or job.status in (ExportStatus.DONE, ExportStatus.RUNNING):
            return "skipped"
        job.status = ExportStatus.RUNNING
        job.save(update_fields=["status"])

    def progress(percent: int) -> None:
        WorkspaceExport.objects.filter(pk=export_id).update(progress=min(percent, 99))

    try:
        content = build_pdf(job.team, on_progress=progress)
    except Exception as exc:  # recorded for the page; the user can start another export
        logger.exception("Workspace export %s failed", export_id)
        WorkspaceExport.objects.filter(pk=export_id).update(status=ExportStatus.FAILED, error=str(exc)[:2000])
        return "failed"
    WorkspaceExport.objects.filter(pk=export_id).update(status=ExportStatus.DONE, progress=100, content=content,
                                                        finished_at=timezone.now())
    return "done"
