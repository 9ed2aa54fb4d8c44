"""Home-page cards: a student's team or invitations; supervisors' pending join requests."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marathon.dashboard import Card
from marathon.models import User

from . import selectors
from .allocation import dashboard as allocation_cards
from .models import Invitation, InvitationStatus, JoinRequest, RequestStatus


def cards(user, edition) -> list[Card]:
    result = []
    if edition is not None and user.status in User.STUDENT_STATUSES:
        membership = selectors.student_membership(user, edition.pk)
        if membership is not None:
            result.append(Card(
                key="my-team", title=_("Your team"),
                text=_("You are in the team “%(team)s”.") % {"team": membership.team.name},
                url=membership.team.get_absolute_url(), action=_("Open your team")))
        else:
            invitations = Invitation.objects.filter(
                student=user, status=InvitationStatus.PENDING, team__edition=edition).count()
            if invitations:
                result.append(Card(
                    key="invitations", title=_("Invitations"),
                    text=ngettext("%(count)d team has invited you.", "%(count)d teams have invited you.",
                                  invitations) % {"count": invitations},
                    url=reverse("teams:my_requests"), action=_("Answer"), count=invitations,
                    urgent=True))
            result += allocation_cards.student_card(user, edition)
    if user.status in User.SUPERVISOR_STATUSES or user.is_staff:
        waiting = JoinRequest.objects.filter(
            status=RequestStatus.PENDING, team__in=selectors._supervised_team_ids(user)).count()
        if waiting:
            result.append(Card(
                key="join-requests", title=_("Join requests"),
                text=ngettext("%(count)d student waits for your answer.",
                              "%(count)d students wait for your answer.", waiting) % {"count": waiting},
                url=reverse("teams:my_requests"), action=_("Decide"), count=waiting, urgent=True))
    if edition is not None:
        result += allocation_cards.office_card(user, edition)
    return result
