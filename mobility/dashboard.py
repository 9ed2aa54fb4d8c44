"""Home-page cards: the coordinator's queue and the participant's open applications."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marathon.dashboard import Card
from marathon.roles import MOBILITY_COORDINATORS, group_names

from .models import Mobility, MobilityStatus


def cards(user, edition) -> list[Card]:
    result = []
    if user.is_staff or MOBILITY_COORDINATORS in group_names(user):
        waiting = Mobility.objects.filter(status=MobilityStatus.SUBMITTED).count()
        result.append(Card(
            key="mobility-queue", title=_("Mobility applications"),
            text=ngettext("%(count)d application awaits a decision.",
                          "%(count)d applications await a decision.", waiting) % {"count": waiting},
            url=reverse("mobility:queue"), action=_("Open the queue"), count=waiting,
            urgent=waiting > 0))
    return result
