"""Capacity under concurrency, with real threads on PostgreSQL: the internship row lock makes
each accept see the places the previous ones took; the CheckConstraint is the backstop."""


import pytest
from django.db import IntegrityError, connection

from industry import services
from industry.models import ApplicationStatus, Internship, InternshipApplication, ResearchTask, TaskAdoption
from tests.concurrency import run_together
from tests.factories import EditionFactory, OrganisationFactory, UserFactory

from .factories import ApplicationFactory, InternshipFactory, ResearchTaskFactory, representative

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_twenty_accepts_for_three_places_accept_three():
    organisation = OrganisationFactory()
    customer = representative(organisation)
    internship = InternshipFactory(organisation=organisation, places=3)
    applications = [ApplicationFactory(internship=internship) for _ in range(20)]
    outcomes = run_together(*[lambda a=a: services.accept_application(application=a, actor=customer)
                              for a in applications])
    assert sorted(outcomes).count("ok") == 3
    assert sorted(outcomes).count("refused") == 17
    assert Internship.objects.get(pk=internship.pk).accepted_count == 3
    assert InternshipApplication.objects.filter(status=ApplicationStatus.ACCEPTED).count() == 3


def test_concurrent_adoptions_respect_max_adoptions():
    task = ResearchTaskFactory(max_adoptions=2, desired_edition=EditionFactory())
    data = {**services.project_data_from_task(task)}
    professors = [UserFactory(status="professor") for _ in range(6)]
    outcomes = run_together(*[lambda p=p: services.adopt_task(task=task, actor=p, project_data=data)
                              for p in professors])
    assert sorted(outcomes) == ["ok", "ok", "refused", "refused", "refused", "refused"]
    assert (TaskAdoption.objects.count(), ResearchTask.objects.get(pk=task.pk).adoption_count) == (2, 2)


def test_constraint_refuses_accepted_count_beyond_places():
    internship = InternshipFactory(places=1)
    with pytest.raises(IntegrityError):
        Internship.objects.filter(pk=internship.pk).update(accepted_count=2)
