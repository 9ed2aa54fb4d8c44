"""Factories and helpers for the industry tests."""

from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from industry.models import (
    CustomerRepresentative,
    Internship,
    InternshipApplication,
    RepresentativeStatus,
    ResearchTask,
    TaskStatus,
)
from industry.services import sync_role_group
from tests.factories import OrganisationFactory, ScientificAreaFactory, UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="cv.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def representative(organisation=None, **fields):
    """An approved customer representative (and the role group)."""
    organisation = organisation or OrganisationFactory()
    user = UserFactory(status="industry", university=None, country="DE", organisation=organisation, **fields)
    CustomerRepresentative.objects.create(user=user, organisation=organisation, email=user.email,
                                          status=RepresentativeStatus.APPROVED)
    sync_role_group(user)
    return user


class ResearchTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchTask

    organisation = factory.SubFactory(OrganisationFactory)
    submitted_by = factory.SubFactory(UserFactory, status="industry")
    title = factory.Sequence(lambda n: f"Task {n}")
    problem_statement = "Predict the wear of rolling mill bearings."
    expected_results = "A validated model."
    area = factory.SubFactory(ScientificAreaFactory)
    keywords = "bearings, wear"
    contact_name = "Carla Customer"
    contact_email = "carla@example.org"
    status = TaskStatus.APPROVED


class InternshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Internship

    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory, status="industry")
    title = factory.Sequence(lambda n: f"Internship {n}")
    description = "Work in our test laboratory."
    host_organisation = factory.SelfAttribute("organisation.name")
    site_name = "Test laboratory"
    city = "Munich"
    country = "DE"
    latitude = "48.137200"
    longitude = "11.575500"
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=120))
    places = 2
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InternshipApplication

    internship = factory.SubFactory(InternshipFactory)
    student = factory.SubFactory(UserFactory, status="master")
    motivation = "I like bearings."
    cv = factory.LazyFunction(lambda: pdf())
    cv_name = "cv.pdf"
    cv_size = len(PDF_BYTES)
