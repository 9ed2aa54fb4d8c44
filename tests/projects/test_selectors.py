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
    assert "project_search_vector_idx" in plan
    assert "to_tsvector" not in plan  # ranked from the stored column


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_search_index_has_no_pending_list():
    # With GIN's fastupdate every search read the whole unsorted list of documents not yet
    # merged (the entire index after a bulk load) until VACUUM ran (migration 0007).
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'project_search_vector_idx'")
        assert cursor.fetchone() == (["fastupdate=off"],)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_stored_search_vector_follows_edits():
    project = approved_project_with_team(title="Hydrogen storage", summary="Tanks", keywords="")
    assert list(selectors.search_projects(Project.objects.all(), "hydrogen")) == [project]
    Project.objects.filter(pk=project.pk).update(title="Solar cells")
    assert list(selectors.search_projects(Project.objects.all(), "hydrogen")) == []
    assert list(selectors.search_projects(Project.objects.all(), "solar")) == [project]
    project.refresh_from_db()
    project.description = "Perovskite layers"
    project.save()
    assert list(selectors.search_projects(Project.objects.all(), "perovskite")) == [project]


def test_has_free_places_filter_counts_students_only():
    open_project = approved_project_with_team(team_size_min=1, team_size_max=2)
    full = approved_project_with_team(team_size_min=1, team_size_max=1)
    student_in(open_project.team)
    student_in(full.team)
    empty = approved_project_with_team()
    assert set(selectors.filter_has_free_places(Project.objects.all())) == {open_project, empty}


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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger-kept count on PostgreSQL")
def test_team_student_count_column_follows_memberships():
    from projects.models import Membership, MembershipRole

    def stored(team):
        with connection.cursor() as cursor:
            cursor.execute("SELECT student_count FROM projects_team WHERE id = %s", [team.pk])
            return cursor.fetchone()[0]

    team = approved_project_with_team().team  # supervisors do not count
    assert stored(team) == 0
    first, second = student_in(team), student_in(team)
    assert stored(team) == 2
    Membership.objects.filter(user=first).update(role=MembershipRole.LEAD)
    assert stored(team) == 2
    Membership.objects.filter(user=second).delete()
    assert stored(team) == 1
    other = approved_project_with_team().team
    Membership.objects.filter(user=first).update(team=other)
    assert (stored(team), stored(other)) == (0, 1)
