"""Factories for outcome rows (kept here: tests/factories.py is shared)."""

from datetime import date

import factory

from projects.outcomes.models import (
    ConferenceParticipation,
    GrantApplication,
    Publication,
    PublicationAuthor,
)
from tests.factories import ProjectFactory, UniversityFactory


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    project = factory.SubFactory(ProjectFactory, status="approved")
    title = factory.Sequence(lambda n: f"Paper {n}")
    venue = "Journal of Joint Research"
    type = "journal"
    year = 2019
    doi = factory.Sequence(lambda n: f"10.5555/test.{n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicationAuthor

    publication = factory.SubFactory(PublicationFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Author {n}")
    university = factory.SubFactory(UniversityFactory)
    affiliation = factory.SelfAttribute("university.name")
    country = factory.SelfAttribute("university.country")


def publication_by(*universities, **fields) -> Publication:
    """A publication with one author per given university, in order."""
    publication = PublicationFactory(**fields)
    for position, university in enumerate(universities, start=1):
        AuthorFactory(publication=publication, position=position, university=university,
                      affiliation=university.name, country=university.country)
    return publication


class GrantApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantApplication
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory, status="approved")
    programme = "horizon_europe"
    title = factory.Sequence(lambda n: f"Grant {n}")
    submitted_on = date(2019, 5, 1)
    amount = "100000.00"
    currency = "EUR"
    status = "submitted"

    @factory.post_generation
    def applicants(self, create, extracted, **kwargs):
        if create and extracted:
            self.applicants.set(extracted)


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConferenceParticipation

    project = factory.SubFactory(ProjectFactory, status="approved")
    conference = factory.Sequence(lambda n: f"International Conference {n}")
    city = "Graz"
    country = "AT"
    start_date = date(2019, 10, 1)
    end_date = date(2019, 10, 3)
    contribution_title = "Our results"
    is_international = True
