"""Home-page cards: the office's task and claim queues, the customer's waiting applicants."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marathon.dashboard import Card
from marathon.roles import group_names

from .models import (
    ApplicationStatus,
    CustomerRepresentative,
    InternshipApplication,
    RepresentativeStatus,
    ResearchTask,
    TaskStatus,
)
from .permissions import CUSTOMER_REPRESENTATIVES
from .selectors import represented_organisation_ids


def cards(user, edition) -> list[Card]:
    result = []
    if user.is_staff:
        waiting = ResearchTask.objects.filter(status=TaskStatus.SUBMITTED).count()
        claims = CustomerRepresentative.objects.filter(status=RepresentativeStatus.PENDING).count()
        result.append(Card(
            key="industry-task-review", title=_("Research tasks to review"),
            text=ngettext("%(count)d task awaits a decision.", "%(count)d tasks await a decision.", waiting)
            % {"count": waiting},
            url=reverse("industry:task_review"), action=_("Open the queue"), count=waiting, urgent=waiting > 0))
        if claims:
            result.append(Card(
                key="industry-claims", title=_("Customer claims"),
                text=ngettext("%(count)d person claims to represent a customer.",
                              "%(count)d people claim to represent a customer.", claims) % {"count": claims},
                url=reverse("industry:representatives"), action=_("Decide"), count=claims, urgent=True))
    elif CUSTOMER_REPRESENTATIVES in group_names(user):
        waiting = InternshipApplication.objects.filter(
            internship__organisation_id__in=represented_organisation_ids(user),
            status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED]).count()
        result.append(Card(
            key="industry-customer", title=_("Your customer dashboard"),
            text=ngettext("%(count)d internship application awaits your decision.",
                          "%(count)d internship applications await your decision.", waiting) % {"count": waiting},
            url=reverse("industry:dashboard"), action=_("Open the dashboard"), count=waiting, urgent=waiting > 0))
    return result
