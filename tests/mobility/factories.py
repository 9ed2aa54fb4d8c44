"""Factories for mobility tests."""

from datetime import timedelta

import factory
from django.utils import timezone

from mobility.models import FundingSource, Mobility, MobilityKind, MobilityStatus
from tests.factories import UniversityFactory, UserFactory

KM_PER_DEGREE = 6371.0 * 3.141592653589793 / 180


class MobilityFactory(factory.django.DjangoModelFactory):
    """A student's draft research stay, ERASMUS+-funded, starting in a month for 30 days."""

    class Meta:
        model = Mobility

    participant = factory.SubFactory(UserFactory, status="master")
    kind = MobilityKind.STUDENT_RESEARCH
    home_university = factory.SelfAttribute("participant.university")
    host_university = factory.SubFactory(UniversityFactory, latitude="60.000000",
                                         longitude="30.000000", country="RU")
    planned_start = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    planned_end = factory.LazyAttribute(lambda o: o.planned_start + timedelta(days=29))
    status = MobilityStatus.DRAFT
    funding_source = FundingSource.ERASMUS


def university_at_km(km: float, **fields):
    """A university `km` kilometres north of (0, 0) along the meridian."""
    return UniversityFactory(latitude=f"{km / KM_PER_DEGREE:.6f}", longitude="0.000000", **fields)


def origin_university(**fields):
    return UniversityFactory(latitude="0.000000", longitude="0.000000", **fields)
