"""Concurrent requests against PostgreSQL with real threads."""


import pytest

from evaluation import services
from evaluation.models import Assignment, ExpertGroup
from tests.concurrency import errors_of, race
from tests.factories import approved_project_with_team

from .conftest import seat

pytestmark = pytest.mark.django_db(transaction=True)


def race_errors(*targets):
    return errors_of(race(*targets))


def test_two_auto_assignments_at_once_assign_each_pair_once(commission, chair, edition):
    for group in (ExpertGroup.CUSTOMER, ExpertGroup.INVESTOR, ExpertGroup.EXTERNAL):
        seat(commission, group=group)
    for _ in range(6):
        approved_project_with_team(edition=edition)
    errors = race_errors(*[lambda: services.auto_assign(commission=commission, per_project=2, actor=chair)] * 2)
    assert errors == []
    assert Assignment.objects.count() == 12


def test_conflict_declared_while_assigning_never_leaves_both(commission, chair, expert_member, project):
    for _ in range(5):
        Assignment.objects.all().delete()
        expert_member.conflicts.all().delete()
        race_errors(
            lambda: services.declare_conflict(member=expert_member, project=project, reason="Ties",
                                              actor=expert_member.user),
            lambda: services.assign_expert(member=expert_member, project=project, actor=chair))
        has_conflict = expert_member.conflicts.exists()
        assigned = Assignment.objects.filter(member=expert_member, project=project).first()
        assert has_conflict
        if assigned is not None:
            # The assignment won the lock: it was made before the conflict existed.
            assert assigned.created_at <= expert_member.conflicts.get().created_at
