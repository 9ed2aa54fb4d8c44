"""Home-page cards: the holder's new certificates; the office's editions ready for issuing."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluation.models import ResultSnapshot
from marathon.dashboard import Card

from .models import Certificate, CertificateStatus


def cards(user, edition) -> list[Card]:
    result = []
    count = Certificate.objects.filter(person=user, status=CertificateStatus.ISSUED).count()
    if count:
        result.append(Card(
            key="certificates-mine", title=_("Your certificates"),
            text=ngettext("You have %(count)d certificate to download and share.",
                          "You have %(count)d certificates to download and share.", count) % {"count": count},
            url=reverse("certificates:mine"), action=_("Open my certificates"), count=count))
    if user.is_staff:
        waiting = (ResultSnapshot.objects.exclude(commission__edition__certificate_runs__status="done")
                   .values_list("commission__edition__year", flat=True).order_by("-commission__edition__year").first())
        if waiting:
            result.append(Card(
                key="certificates-issue", title=_("Certificates to issue"),
                text=_("The results of %(year)d are published; issue its certificates.") % {"year": waiting},
                url=reverse("certificates:edition", args=[waiting]), action=_("Issue certificates"), urgent=False))
    return result
