import pytest
from django.urls import reverse

from projects.composition import STUDENT_ROLES
from projects.models import Membership
from teams.allocation import services
from teams.allocation.models import AllocationPlacement, AllocationRun, Preference, SupervisorDecision
from tests.factories import UserFactory
from tests.querycount import PAGE_BASE
from tests.teams.factories import make_team

pytestmark = pytest.mark.django_db


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def rank_all(world):
    for student in world.students:
        services.save_preferences(student=student, edition=world.edition, actor=student,
                                  choices=[{"team": t.pk} for t in world.teams])


@pytest.fixture
def solved(world, django_capture_on_commit_callbacks):
    rank_all(world)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(edition=world.edition, actor=world.office)
    return AllocationRun.objects.get(pk=run.pk)


def test_ranking_page_saves_choices_in_order(world, login):
    a, b, _c = world.teams
    client = login(world.students[0])
    url = f"{reverse('teams:allocation_ranking')}?edition={world.edition.pk}"

    response = client.post(url, {"team_1": b.pk, "motivation_1": "Optics", "team_2": a.pk, "team_3": ""})

    assert response.status_code == 302
    html = page(client.get(url))
    assert '<ol id="my-ranking"><li>' + b.name + "</li><li>" + a.name + "</li></ol>" in html
    assert list(Preference.objects.values_list("team_id", "motivation")) == [(b.pk, "Optics"), (a.pk, "")]


def test_ranking_page_repeat_shows_form_error(world, login):
    a = world.teams[0]
    client = login(world.students[0])

    html = page(client.post(f"{reverse('teams:allocation_ranking')}?edition={world.edition.pk}",
                            {"team_1": a.pk, "team_2": a.pk}))

    assert "A project can be ranked only once." in html
    assert not Preference.objects.exists()


def test_supervise_page_requires_and_excludes(world, login):
    rank_all(world)
    team = world.teams[0]
    client = login(team.supervisor)
    html = page(client.get(f"{reverse('teams:allocation_supervise')}?edition={world.edition.pk}"))
    assert html.count("Student ") >= 6

    client.post(reverse("teams:allocation_decide"), {"team": team.pk, "student": world.students[0].pk,
                                                     "kind": "exclude", "reason": ""})
    client.post(reverse("teams:allocation_decide"), {"team": team.pk, "student": world.students[1].pk,
                                                     "kind": "exclude", "reason": "Not the skills"})

    assert list(SupervisorDecision.objects.values_list("student_id", "kind", "reason")) == [
        (world.students[1].pk, "exclude", "Not the skills")]


def test_runs_page_starts_run_and_review_shows_totals(world, login, django_capture_on_commit_callbacks):
    rank_all(world)
    client = login(world.office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("teams:allocation_runs"), {
            "edition": world.edition.pk, "weights": "100, 60, 40, 25, 10", "time_limit": "30"})
    run = AllocationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("teams:allocation_review", args=[run.pk])

    html = page(client.get(response["Location"]))
    assert "First come, first served" in html
    assert "Students placed" in html
    assert html.count('badge text-bg-success">met<') == run.totals["teams_opened"]


def test_runs_page_refuses_student(world, login):
    assert login(world.students[0]).get(reverse("teams:allocation_runs")).status_code == 403


def test_review_lock_then_commit(world, login, solved, django_capture_on_commit_callbacks):
    client = login(world.office)
    placement = AllocationPlacement.objects.filter(run=solved, team__isnull=False).first()

    client.post(reverse("teams:allocation_lock", args=[placement.pk]), {"locked": "1", "page": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("teams:allocation_commit", args=[solved.pk]), follow=True)

    placement.refresh_from_db()
    assert placement.locked
    assert "The allocation is committed" in page(response)
    assert Membership.objects.filter(edition=world.edition, role__in=STUDENT_ROLES).count() == 6


@pytest.mark.parametrize("count", [1, 5])
def test_review_page_query_count(world, login, django_assert_num_queries, django_capture_on_commit_callbacks,
                                 count):
    teams = [make_team(edition=world.edition) for _ in range(count)]
    for i in range(2 * count):
        student = UserFactory(status="master", university=world.unis[i % 2])
        services.save_preferences(student=student, edition=world.edition, actor=student,
                                  choices=[{"team": teams[i // 2].pk}])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(edition=world.edition, actor=world.office)
    client = login(world.office)
    # run, count, team results (members stored on them)
    with django_assert_num_queries(PAGE_BASE + 3):
        html = page(client.get(reverse("teams:allocation_review", args=[run.pk])))
    assert html.count('badge text-bg-success">met<') == count
    # run, count, placements; the user is cached since the first page (PAGE_BASE - 1)
    with django_assert_num_queries(PAGE_BASE - 1 + 3):
        page(client.get(reverse("teams:allocation_review", args=[run.pk]), {"tab": "students"}))


def test_home_cards_student_rank_and_office_run(world, login):
    from marathon.models import Edition

    assert Edition.objects.current() == world.edition
    html = page(login(world.students[0]).get("/"))
    assert "Rank your projects" in html
    rank_all(world)
    html = page(login(world.office).get("/"))
    assert "6 students have ranked projects." in html


def test_review_students_filter_sort_and_lock_keeps_the_page(world, login, solved):
    client = login(world.office)
    url = reverse("teams:allocation_review", args=[solved.pk])
    placed = AllocationPlacement.objects.filter(run=solved, team__isnull=False).order_by("pk")
    first = placed.first()

    html = page(client.get(url, {"tab": "students", "show": "unplaced"}))
    assert 'id="placement-' not in html and "No student is listed." in html
    html = page(client.get(url, {"tab": "students", "sort": "rank"}))
    assert html.count('id="placement-') == 6
    response = client.post(reverse("teams:allocation_lock", args=[first.pk]),
                           {"locked": "1", "back": "tab=students&sort=rank&show=locked"})

    assert response.status_code == 302
    assert response["Location"] == f"{url}?tab=students&sort=rank&show=locked"
    html = page(client.get(response["Location"]))
    assert html.count('id="placement-') == 1 and f'id="placement-{first.pk}"' in html
    teams_html = page(client.get(url))
    assert teams_html.count(", locked)") == 1


def test_review_teams_sorted_and_filtered(world, login, solved):
    client = login(world.office)
    url = reverse("teams:allocation_review", args=[solved.pk])
    opened = solved.totals["teams_opened"]

    assert page(client.get(url, {"sort": "size"})).count('badge text-bg-success">met<') == opened
    html = page(client.get(url, {"show": "unmet"}))
    assert "No team is opened." in html
    assert '<strong aria-current="true">rules not met</strong>' in html


def test_review_rows_stay_as_the_run_saw_them_after_commit(world, login, solved,
                                                          django_capture_on_commit_callbacks):
    client = login(world.office)
    url = reverse("teams:allocation_review", args=[solved.pk])
    before = page(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        services.commit_run(run=solved, actor=world.office)

    after = page(client.get(url))
    assert after.count("<li>Student ") == before.count("<li>Student ") == 6
    assert "already in the team" not in after
