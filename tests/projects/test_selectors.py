import pytest
from django.db import connection

from projects import selectors
from projects.models import Project
from tests.factories import approved_project_with_team
from tests.projects.factories import student_in

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_search_can_use_the_gin_index():
    approved_project_with_team(title="Hydrogen storage in metal hydrides")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = selectors.search_projects(Project.objects.all(), "hydrogen").explain()
    assert "project_search_idx" in plan


def test_free_places_are_computed_in_sql():
    project = approved_project_with_team(team_size_min=1, team_size_max=3)
    student_in(project.team)
    row = selectors.with_list_data(Project.objects.all()).get(pk=project.pk)
    assert (row.student_count, row.free_places) == (1, 2)


def test_projects_of_includes_co_supervised_once(proposer, co_supervisor):
    project = approved_project_with_team(proposer=proposer)
    project.co_supervisors.add(co_supervisor)
    assert list(selectors.projects_of(co_supervisor)) == [project]
    assert list(selectors.projects_of(proposer)) == [project]
