"""Reads: whose certificates, verification look-ups, the portfolio's contents."""

import re

from django.apps import apps
from django.db.models import QuerySet

from marathon.models import Edition, User
from mobility.models import Mobility, MobilityStatus
from projects.models import Membership
from projects.outcomes.models import ConferenceParticipation, Publication

from . import signing
from .content import _internships
from .models import Certificate, IssueRun

CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def certificates_of(user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(person=user).select_related("edition").order_by("-edition__year", "-pk")


def certificates_for_office(*, edition: Edition | None = None, query: str = "") -> QuerySet[Certificate]:
    found = Certificate.objects.select_related("edition", "person").order_by("-edition__year", "sequence")
    if edition is not None:
        found = found.filter(edition=edition)
    if query:
        found = found.filter(number__icontains=query) | found.filter(person__full_name__icontains=query)
    return found


def certificate_visible_to(user: User, pk: int) -> Certificate | None:
    """The holder and the office see a certificate; everyone else gets None (a 404)."""
    if not user.is_authenticated:
        return None
    found = Certificate.objects.select_related("edition", "person").filter(pk=pk)
    if not user.is_staff:
        found = found.filter(person=user)
    return found.first()


def certificate_by_code(code: str) -> Certificate | None:
    """One query, no joins: the verify page's fast path."""
    if not CODE_PATTERN.fullmatch(code or ""):
        return None  # not a code we could have issued: no query, never a database error
    return (Certificate.objects.only("code", "number", "canonical", "data", "signature", "key_id", "status",
                                     "revoked_reason", "revoked_at", "issued_at")
            .filter(code=code).first())


def verification(certificate: Certificate | None) -> dict:
    """What the verify page and API state: status, the signed data, the signature and key."""
    if certificate is None:
        return {"status": "unknown"}
    signature_ok = signing.verify(certificate.canonical, certificate.signature, certificate.key_id)
    if not signature_ok:
        status = "invalid"
    else:
        status = "revoked" if certificate.status == "revoked" else "valid"
    return {"status": status, "number": certificate.number, "data": certificate.data,
            "canonical": certificate.canonical, "signature": certificate.signature, "key_id": certificate.key_id,
            "signature_valid": signature_ok,
            "revoked_reason": certificate.revoked_reason if certificate.status == "revoked" else "",
            "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None}


def runs_of(edition: Edition) -> QuerySet[IssueRun]:
    return IssueRun.objects.filter(edition=edition).order_by("-created_at")


def portfolio_data(user: User) -> dict:
    """Everything a portfolio lists, in a fixed number of queries."""
    memberships = list(Membership.objects.filter(user=user)
                       .select_related("team__project", "team__edition").order_by("-team__edition__year"))
    team_ids = [m.team_id for m in memberships]
    universities = {}
    rows = (Membership.objects.filter(team_id__in=team_ids, user__university__isnull=False)
            .values_list("team_id", "user__university__name").distinct().order_by("user__university__name"))
    for team_id, name in rows:
        universities.setdefault(team_id, []).append(name)
    publications = list(Publication.objects.filter(authors__user=user).distinct().order_by("-year", "title"))
    conferences = list(ConferenceParticipation.objects.filter(presenters=user).order_by("-start_date"))
    mobilities = list(Mobility.objects.filter(participant=user, status=MobilityStatus.COMPLETED)
                      .select_related("host_university").order_by("-planned_start"))
    internships = [item for edition_items in _internships_all(user) for item in edition_items]
    return {
        "person": user,
        "projects": [{"edition": m.team.edition.year, "title": m.team.project.title, "team": m.team.name,
                      "role": m.get_role_display(), "role_code": m.role,
                      "universities": universities.get(m.team_id, [])} for m in memberships],
        "publications": publications, "conferences": conferences, "mobilities": mobilities,
        "internships": internships,
        "certificates": list(certificates_of(user).filter(status="issued")),
    }


def _internships_all(user: User) -> list[list[dict]]:
    if not apps.is_installed("industry"):
        return []
    editions = Edition.objects.filter(pk__in=Membership.objects.filter(user=user).values("edition_id"))
    return [_internships(edition, [user.pk]).get(user.pk, []) for edition in editions]
