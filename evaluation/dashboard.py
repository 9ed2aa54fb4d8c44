"""Home-page cards for commission members: sheets still to submit."""

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marathon.dashboard import Card
from marathon.models import Edition
from marathon.roles import COMMISSION_CHAIRS, COMMISSION_MEMBERS, group_names

from .models import Assignment, SheetStatus


def cards(user, edition) -> list[Card]:
    if edition is None:
        return []
    groups = group_names(user)
    result = []
    if COMMISSION_MEMBERS in groups:
        # The current edition's sheets and those of any edition whose evaluation is running (last
        # year's is scored while the new edition forms teams): one aggregate query.
        today = timezone.localdate()
        open_sheets = (Assignment.objects.filter(member__user=user)
                       .filter(Q(project__edition=edition) | Q(project__edition__evaluation_start__lte=today,
                                                                project__edition__evaluation_end__gte=today))
                       .exclude(sheet__status=SheetStatus.SUBMITTED)
                       .aggregate(count=Count("pk"), deadline=Min("project__edition__evaluation_end")))
        if open_sheets["count"]:
            count = open_sheets["count"]
            result.append(Card(
                key="sheets", title=_("Evaluation"),
                text=ngettext("%(count)d score sheet to submit by %(date)s.",
                              "%(count)d score sheets to submit by %(date)s.", count)
                % {"count": count, "date": date_format(open_sheets["deadline"])},
                url=reverse("evaluation:my_sheets"), action=_("Score"), count=count,
                urgent=True))
    if COMMISSION_CHAIRS in groups:
        evaluating = _edition_in_evaluation() or edition
        result.append(Card(
            key="commission", title=_("Expert commission"),
            text=_("Assignments, progress, results and publication for %(edition)s.")
            % {"edition": evaluating.title},
            url=reverse("evaluation:dashboard", args=[evaluating.year]), action=_("Open the dashboard")))
    return result


def _edition_in_evaluation():
    today = timezone.localdate()
    return (Edition.objects.filter(evaluation_start__lte=today, evaluation_end__gte=today)
            .order_by("-year").first())
