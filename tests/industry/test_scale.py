import pytest
from django.core.management import call_command

from industry.models import Implementation, Internship, InternshipApplication, ResearchTask, TaskAdoption


@pytest.mark.django_db
def test_scale_data_has_tasks_internships_applications_implementations_within_capacity():
    call_command("generate_scale_data", scale=2, seed=5)
    assert ResearchTask.objects.count() == 8
    assert Internship.objects.count() == 6
    assert 50 <= InternshipApplication.objects.count() <= 60
    assert Implementation.objects.count() == 3
    assert TaskAdoption.objects.exists()
    for internship in Internship.objects.all():
        assert internship.applications.filter(status="accepted").count() == internship.accepted_count
        assert internship.accepted_count <= internship.places
