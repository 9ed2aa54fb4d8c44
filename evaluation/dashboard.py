"""Home-page cards for commission members: sheets still to submit."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marathon.dashboard import Card
from marathon.roles import COMMISSION_CHAIRS, COMMISSION_MEMBERS, group_names

from .models import Assignment, SheetStatus


def cards(user, edition) -> list[Card]:
    if edition is None:
        return []
    groups = group_names(user)
    result = []
    if COMMISSION_MEMBERS in groups:
        open_sheets = (Assignment.objects.filter(member__user=user, project__edition=edition)
                       .exclude(sheet__status=SheetStatus.SUBMITTED).count())
        if open_sheets:
            result.append(Card(
                key="sheets", title=_("Evaluation"),
                text=ngettext("%(count)d score sheet to submit by %(date)s.",
                              "%(count)d score sheets to submit by %(date)s.", open_sheets)
                % {"count": open_sheets, "date": date_format(edition.evaluation_end)},
                url=reverse("evaluation:my_sheets"), action=_("Score"), count=open_sheets,
                urgent=True))
    if COMMISSION_CHAIRS in groups:
        result.append(Card(
            key="commission", title=_("Expert commission"),
            text=_("Assignments, progress, results and publication for %(edition)s.")
            % {"edition": edition.title},
            url=reverse("evaluation:dashboard", args=[edition.year]), action=_("Open the dashboard")))
    return result
