import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from projects.composition import STUDENT_ROLES
from projects.models import Membership
from teams.allocation import services
from teams.allocation.models import AllocationRun, Preference, RunStatus
from tests.factories import UserFactory
from tests.teams.factories import make_team

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def prefs_url(world):
    return reverse("api:allocation-preferences", args=[world.edition.pk])


def test_preferences_put_then_get_returns_ranking(world):
    a, b, _c = world.teams
    student = world.students[0]
    client = api(student)

    response = client.put(prefs_url(world), {"choices": [{"team": b.pk, "motivation": "Lab"}, {"team": a.pk}]},
                          format="json")

    assert response.status_code == 200
    body = client.get(prefs_url(world)).json()
    assert body["choices"] == [{"rank": 1, "team": b.pk, "team_name": b.name, "motivation": "Lab"},
                               {"rank": 2, "team": a.pk, "team_name": a.name, "motivation": ""}]
    assert (body["max_choices"], body["open"]) == (5, True)


def test_preferences_put_repeat_is_400_with_message(world):
    a = world.teams[0]
    response = api(world.students[0]).put(prefs_url(world), {"choices": [{"team": a.pk}, {"team": a.pk}]},
                                          format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "choices: A project can be ranked only once.",
                               "errors": {"choices": ["A project can be ranked only once."]}}


def test_preferences_put_unapproved_project_is_400(world):
    other_edition_team = make_team()
    response = api(world.students[0]).put(prefs_url(world), {"choices": [{"team": other_edition_team.pk}]},
                                          format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "choices": [f"Only approved projects of this edition can be ranked (not: {other_edition_team.pk})."]}
    assert not Preference.objects.exists()


def test_preferences_put_malformed_body_is_400(world):
    response = api(world.students[0]).put(prefs_url(world), {"choices": "nope"}, format="json")
    assert response.status_code == 400
    assert "choices" in response.json()["errors"]


def test_preferences_put_by_professor_is_403(world):
    response = api(UserFactory(status="professor")).put(prefs_url(world), {"choices": []}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only students rank projects.", "errors": {}}


def test_run_create_is_202_and_detail_shows_result(world, django_capture_on_commit_callbacks):
    a, b, c = world.teams
    for student in world.students:
        services.save_preferences(student=student, edition=world.edition, actor=student,
                                  choices=[{"team": t.pk} for t in (a, b, c)])
    client = api(world.office)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("api:allocation-run-create", args=[world.edition.pk]),
                               {"weights": [10, 6, 4, 2, 1], "lexicographic": True}, format="json")

    assert response.status_code == 202
    run_id = response.json()["id"]
    body = client.get(reverse("api:allocation-run-detail", args=[run_id])).json()
    assert (body["status"], body["solver_status"], body["progress"]) == ("done", "optimal", 100)
    assert body["settings"]["options"]["weights"] == [10, 6, 4, 2, 1]
    assert body["totals"]["placed"] == 6
    assert sum(len(t["placed"]) for t in body["teams"]) == 6
    assert all(t["meets_rule"] for t in body["teams"])
    assert set(body["baseline"]) == set(body["totals"])


def test_run_create_by_student_is_403(world):
    response = api(world.students[0]).post(reverse("api:allocation-run-create", args=[world.edition.pk]), {},
                                           format="json")
    assert response.status_code == 403
    assert not AllocationRun.objects.exists()


def test_run_create_bad_time_limit_is_400(world):
    response = api(world.office).post(reverse("api:allocation-run-create", args=[world.edition.pk]),
                                      {"time_limit": 0}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["time_limit"]


def test_commit_endpoint_creates_memberships_then_409(world, django_capture_on_commit_callbacks):
    a, b, c = world.teams
    for student in world.students:
        services.save_preferences(student=student, edition=world.edition, actor=student,
                                  choices=[{"team": t.pk} for t in (a, b, c)])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(edition=world.edition, actor=world.office)
    client = api(world.office)
    url = reverse("api:allocation-run-commit", args=[run.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    again = client.post(url)

    assert response.status_code == 200
    assert response.json()["status"] == RunStatus.COMMITTED
    assert Membership.objects.filter(edition=world.edition, role__in=STUDENT_ROLES).count() == 6
    assert again.status_code == 409
    assert again.json() == {"detail": "This run was already committed.",
                            "errors": {"non_field_errors": ["This run was already committed."]}}


def test_commit_after_ranking_changed_is_409_naming_the_student(world, django_capture_on_commit_callbacks):
    a, b, c = world.teams
    for student in world.students:
        services.save_preferences(student=student, edition=world.edition, actor=student,
                                  choices=[{"team": t.pk} for t in (a, b, c)])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(edition=world.edition, actor=world.office)
    services.save_preferences(student=world.students[2], edition=world.edition, actor=world.students[2],
                              choices=[{"team": c.pk}])

    response = api(world.office).post(reverse("api:allocation-run-commit", args=[run.pk]))

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The inputs changed since this run (rankings changed: Student 2); run the allocation again.")


@pytest.mark.parametrize("count", [1, 5])
def test_run_detail_query_count(world, django_assert_num_queries, django_capture_on_commit_callbacks, count):
    teams = world.teams + [make_team(edition=world.edition) for _ in range(count)]
    students = [UserFactory(status="master", university=world.unis[i % 2]) for i in range(2 * count)]
    for i, student in enumerate(students):
        services.save_preferences(student=student, edition=world.edition, actor=student,
                                  choices=[{"team": teams[3 + i // 2].pk}])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(edition=world.edition, actor=world.office)
    client = api(world.office)
    # run, team results, placements
    with django_assert_num_queries(2):  # the run, its opened teams (members stored on them)
        body = client.get(reverse("api:allocation-run-detail", args=[run.pk])).json()
    assert len(body["teams"]) == count


def test_schema_documents_allocation_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/editions/{id}/preferences/", "/api/v1/editions/{id}/allocation-runs/",
                 "/api/v1/allocation-runs/{id}/", "/api/v1/allocation-runs/{id}/commit/"):
        assert path in schema
