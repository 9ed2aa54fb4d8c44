"""Home-page cards for proposers, students looking for a project, and the office."""

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marathon.dashboard import Card
from marathon.models import Edition, User

from .models import MembershipRole, Project, ProjectStatus, Team


def cards(user, edition) -> list[Card]:
    result = []
    if user.is_staff:
        waiting = Project.objects.filter(status=ProjectStatus.SUBMITTED).count()
        result.append(Card(
            key="review", title=_("Project proposals"),
            text=ngettext("%(count)d proposal awaits your decision.",
                          "%(count)d proposals await your decision.", waiting) % {"count": waiting},
            url=reverse("projects:review"), action=_("Open the review queue"), count=waiting,
            urgent=waiting > 0))
    if edition is None:
        return result
    if user.status in User.SUPERVISOR_STATUSES and edition.phase == Edition.Phase.PROPOSALS:
        result.append(Card(
            key="propose", title=_("Proposals are open"),
            text=_("Propose a research project for %(edition)s until %(date)s.")
            % {"edition": edition.title, "date": date_format(edition.proposals_end)},
            url=reverse("projects:propose"), action=_("Propose a project")))
    if user.status in User.STUDENT_STATUSES and edition.is_team_formation_open():
        in_team = user.memberships.filter(edition=edition).exclude(role=MembershipRole.SUPERVISOR).exists()
        if not in_team:
            open_teams = (Team.objects.filter(edition=edition)
                          .annotate(students=Count("memberships", filter=~Q(
                              memberships__role=MembershipRole.SUPERVISOR)))
                          .filter(students__lt=F("capacity")).count())
            result.append(Card(
                key="find-project", title=_("Find a project"),
                text=ngettext("%(count)d team of %(edition)s has free places.",
                              "%(count)d teams of %(edition)s have free places.", open_teams)
                % {"count": open_teams, "edition": edition.title},
                url=f"{reverse('projects:catalogue')}?edition={edition.pk}&has_free_places=on",
                action=_("Browse the catalogue"), count=open_teams, urgent=True))
    return result
