"""Commit of an allocation at the same moment as manual joining, and two commits at once: real
threads on PostgreSQL, each with its own connection, released together by a barrier."""

import pytest
from django.db import connection
from django.db.models import Count

from projects.composition import STUDENT_ROLES
from projects.models import Membership
from teams import services as team_services
from teams.allocation import services
from teams.allocation.models import AllocationPlacement, AllocationRun, RunStatus
from tests.factories import UserFactory
from tests.teams.allocation.conftest import World
from tests.teams.factories import JoinRequestFactory
from tests.teams.test_concurrency import run_together

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def prepared_run(world) -> AllocationRun:
    a, b, c = world.teams
    for student in world.students:
        services.save_preferences(student=student, edition=world.edition, actor=student,
                                  choices=[{"team": t.pk} for t in (a, b, c)])
    run = services.start_run(edition=world.edition, actor=world.office)  # runs eagerly on commit
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    return run


@pytest.mark.parametrize("round_", range(3))
def test_commit_racing_manual_accepts_keeps_capacity_and_one_team(round_):
    assert connection.vendor == "postgresql"
    world = World()
    run = prepared_run(world)
    placed = AllocationPlacement.objects.filter(run=run, team__isnull=False).select_related("team").first()
    full_team = next(t for t in world.teams if t.pk == placed.team_id)  # the run fills it to 3
    other = next(t for t in world.teams if t.pk != full_team.pk)
    outsider = UserFactory(status="master", full_name="Late Comer")
    into_full = JoinRequestFactory(team=full_team, student=outsider)
    elsewhere = JoinRequestFactory(team=other, student=placed.student)

    results = run_together([
        lambda: services.commit_run(run=run, actor=world.office),
        lambda: team_services.accept_join_request(join_request=into_full, actor=full_team.supervisor),
        lambda: team_services.accept_join_request(join_request=elsewhere, actor=other.supervisor),
    ])

    assert not [r for r in results if r.startswith("ERROR")], results
    per_team = dict(Membership.objects.filter(edition=world.edition, role__in=STUDENT_ROLES)
                    .values("team_id").annotate(n=Count("pk")).values_list("team_id", "n"))
    assert all(n <= 3 for n in per_team.values())
    assert Membership.objects.filter(user=placed.student, edition=world.edition).count() == 1
    run.refresh_from_db()
    if results[0] == "ok":
        assert run.status == RunStatus.COMMITTED
        assert results[1:] in (["This request is no longer pending (it is declined).",
                                "This request is no longer pending (it is withdrawn)."],)
    else:
        assert run.status == RunStatus.DONE
        assert results[0].startswith("The inputs changed since this run")
        assert sum(per_team.values()) == results.count("ok")


def test_two_commits_at_once_one_wins():
    world = World()
    run = prepared_run(world)

    results = run_together([lambda: services.commit_run(run=run, actor=world.office)] * 2)

    assert sorted(results) == ["This run was already committed.", "ok"]
    assert Membership.objects.filter(edition=world.edition, role__in=STUDENT_ROLES).count() == 6
