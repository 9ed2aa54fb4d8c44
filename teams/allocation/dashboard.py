"""Home-page cards of the allocation (called from teams.dashboard): students rank, the office runs."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marathon.dashboard import Card

from . import selectors
from .models import AllocationRun, PreferenceList, RunStatus


def student_card(user, edition) -> list[Card]:
    """For a student in no team of the edition, while rankings are open."""
    if not selectors.preferences_open(edition):
        return []
    ranked = PreferenceList.objects.filter(student=user, edition=edition, choices__isnull=False).exists()
    return [Card(key="rank-projects", title=_("Rank your projects"),
                 text=_("Your ranking is saved; you can change it until the deadline.") if ranked else
                 _("Rank the projects you want to work on; the office places every student in a mixed team."),
                 url=f"{reverse('teams:allocation_ranking')}?edition={edition.pk}",
                 action=_("Change your ranking") if ranked else _("Rank projects"), urgent=not ranked)]


def office_card(user, edition) -> list[Card]:
    if not user.is_staff:
        return []
    rankings = PreferenceList.objects.filter(edition=edition).count()
    if not rankings or AllocationRun.objects.filter(edition=edition, status=RunStatus.COMMITTED).exists():
        return []
    return [Card(key="run-allocation", title=_("Team allocation"),
                 text=ngettext("%(count)d student has ranked projects.", "%(count)d students have ranked projects.",
                               rankings) % {"count": rankings},
                 url=f"{reverse('teams:allocation_runs')}?edition={edition.pk}", action=_("Run the allocation"),
                 count=rankings)]
