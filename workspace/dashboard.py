"""Home-page cards: a team's report due or milestones overdue; reports waiting for a supervisor."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marathon.dashboard import Card
from projects.models import Membership, MembershipRole

from . import periods
from .models import OPEN_MILESTONE_STATUSES, Milestone, ProgressReport, ReportStatus
from .selectors import edition_settings, supervised_team_ids


def cards(user, edition) -> list[Card]:
    if edition is None or edition.phase != edition.Phase.RESEARCH:
        return []
    result = []
    membership = (Membership.objects.select_related("team").filter(user=user, edition=edition)
                  .exclude(role=MembershipRole.SUPERVISOR).first())
    if membership is not None:
        result += _team_cards(membership.team, edition)
    if user.is_supervisor or user.is_staff:
        waiting = ProgressReport.objects.filter(status=ReportStatus.SUBMITTED, team__edition=edition,
                                                team__in=supervised_team_ids(user)).count()
        if waiting:
            result.append(Card(
                key="reports-to-review", title=_("Reports to review"),
                text=ngettext("%(count)d progress report waits for your review.",
                              "%(count)d progress reports wait for your review.", waiting) % {"count": waiting},
                url=reverse("workspace:supervision"), action=_("Review"), count=waiting, urgent=True))
    return result


def _team_cards(team, edition) -> list[Card]:
    today, result = timezone.localdate(), []
    period = periods.current_period(edition, edition_settings(edition).report_cadence, today)
    if period is not None and not ProgressReport.objects.filter(
            team=team, period_start=period.start, status__in=(ReportStatus.SUBMITTED, ReportStatus.APPROVED)).exists():
        result.append(Card(
            key="report-due", title=_("Progress report due"),
            text=_("Your team's report for this period is due on %(due)s.") % {"due": period.due.strftime("%d.%m.%Y")},
            url=reverse("workspace:reports", args=[team.pk]), action=_("Write the report"),
            urgent=(period.due - today).days <= 3))
    overdue = Milestone.objects.filter(team=team, status__in=OPEN_MILESTONE_STATUSES, due_date__lt=today).count()
    if overdue:
        result.append(Card(
            key="milestones-overdue", title=_("Milestones overdue"),
            text=ngettext("%(count)d milestone of your team is overdue.",
                          "%(count)d milestones of your team are overdue.", overdue) % {"count": overdue},
            url=reverse("workspace:team", args=[team.pk]), action=_("Open the work plan"), count=overdue,
            urgent=True))
    return result
