import io

import pytest
from django.core.management import call_command

from industry.models import ApplicationStatus, Internship, ResearchTask, TaskAdoption, TaskStatus
from industry.selectors import is_customer_representative, represented_organisation_ids
from marathon.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_demo_customer_has_tasks_an_adoption_and_an_internship_with_applications():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    customer = User.objects.get(email="customer@marathon.example")
    assert customer.check_password("marathon-demo")
    (organisation_id,) = represented_organisation_ids(customer)
    assert is_customer_representative(customer, organisation_id)
    tasks = ResearchTask.objects.filter(organisation_id=organisation_id)
    assert sorted(tasks.values_list("status", flat=True)) == sorted(
        [TaskStatus.APPROVED, TaskStatus.APPROVED, TaskStatus.SUBMITTED])
    adoption = TaskAdoption.objects.get(task__organisation_id=organisation_id)
    assert adoption.project.title == "Digital twin of a cold rolling mill"
    assert adoption.task.adoption_count == 1
    internship = Internship.objects.get(organisation_id=organisation_id)
    assert sorted(internship.applications.values_list("status", flat=True)) == [
        ApplicationStatus.SHORTLISTED, ApplicationStatus.SUBMITTED]
