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
    """While students have ranked and nothing is committed: the latest draft to review, or the runs page."""
    if not user.is_staff:
        return []
    rankings = PreferenceList.objects.filter(edition=edition).count()
    if not rankings:
        return []
    latest = (AllocationRun.objects.filter(edition=edition, status__in=[RunStatus.DONE, RunStatus.COMMITTED])
              .order_by("status", "-created_at", "-id").values_list("pk", "status", "totals").first())
    # "committed" sorts before "done": a committed run comes first.
    if latest is not None and latest[1] == RunStatus.COMMITTED:
        return []
    if latest is not None:
        pk, _status, totals = latest
        return [Card(key="review-allocation", title=_("Team allocation"),
                     text=ngettext("A draft places %(placed)d of %(count)d student who ranked projects; "
                                   "review it, then commit.",
                                   "A draft places %(placed)d of %(count)d students who ranked projects; "
                                   "review it, then commit.", totals.get("students", rankings))
                     % {"placed": totals.get("placed", 0), "count": totals.get("students", rankings)},
                     url=reverse("teams:allocation_review", args=[pk]), action=_("Review the draft"),
                     count=rankings, urgent=True)]
    return [Card(key="run-allocation", title=_("Team allocation"),
                 text=ngettext("%(count)d student has ranked projects.", "%(count)d students have ranked projects.",
                               rankings) % {"count": rankings},
                 url=f"{reverse('teams:allocation_runs')}?edition={edition.pk}", action=_("Run the allocation"),
                 count=rankings)]
