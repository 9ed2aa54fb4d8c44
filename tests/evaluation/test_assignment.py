"""Automatic assignment: property checks of every constraint on generated instances."""

import random
from collections import Counter, defaultdict

import pytest

from evaluation.assignment import plan_assignment

GROUPS = ["host_professor", "partner_professor", "customer", "investor", "external"]


def instance(seed, n_experts=40, n_projects=200, conflict_rate=0.05):
    rng = random.Random(seed)
    experts = {e: GROUPS[e % len(GROUPS)] for e in range(1, n_experts + 1)}
    projects = list(range(1000, 1000 + n_projects))
    conflicts = {(e, p) for e in experts for p in projects if rng.random() < conflict_rate}
    return experts, projects, conflicts


def check(plan, experts, projects, per_project, existing, conflicts):
    pairs = set(plan.pairs) | existing
    by_project = defaultdict(set)
    for expert, project in pairs:
        by_project[project].add(expert)
    load = Counter({e: 0 for e in experts})
    load.update(e for e, _p in pairs)
    assert not (set(plan.pairs) & conflicts)
    assert len(plan.pairs) == len(set(plan.pairs))
    for project in projects:
        assert len(by_project[project]) == per_project
        assert len({experts[e] for e in by_project[project]}) >= 2
    assert max(load.values()) - min(load.values()) <= 1


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("per_project", [2, 3, 5])
def test_generated_40_experts_200_projects_meet_every_constraint(seed, per_project):
    experts, projects, conflicts = instance(seed)
    plan = plan_assignment(experts=experts, projects=projects, per_project=per_project,
                           existing=set(), conflicts=conflicts)
    assert plan.ok, plan.problems
    check(plan, experts, projects, per_project, set(), conflicts)


def test_existing_assignments_are_completed_and_counted_in_the_load():
    experts, projects, conflicts = instance(7, n_experts=10, n_projects=30)
    existing = {(1, 1000), (2, 1000), (3, 1001)} - conflicts
    plan = plan_assignment(experts=experts, projects=projects, per_project=3, existing=existing,
                           conflicts=conflicts)
    assert plan.ok, plan.problems
    check(plan, experts, projects, 3, existing, conflicts)


def test_deterministic_for_the_same_input():
    experts, projects, conflicts = instance(9, n_experts=12, n_projects=40)
    first = plan_assignment(experts=experts, projects=projects, per_project=3, existing=set(), conflicts=conflicts)
    second = plan_assignment(experts=experts, projects=projects, per_project=3, existing=set(), conflicts=conflicts)
    assert first.pairs == second.pairs


def test_too_many_conflicts_names_the_project_and_plans_nothing():
    experts = {1: "host_professor", 2: "customer", 3: "investor"}
    conflicts = {(1, 20), (2, 20)}
    plan = plan_assignment(experts=experts, projects=[10, 20], per_project=2, existing=set(), conflicts=conflicts)
    assert plan.pairs == []
    assert plan.problems == {20: "Only 1 experts without a conflict are available; 2 more are needed."}


def test_one_group_only_is_infeasible():
    experts = {1: "customer", 2: "customer", 3: "customer"}
    plan = plan_assignment(experts=experts, projects=[10], per_project=2, existing=set(), conflicts=set())
    assert plan.problems == {10: "All experts without a conflict belong to one commission group."}


def test_one_expert_per_project_cannot_mix_groups():
    plan = plan_assignment(experts={1: "customer", 2: "host_professor"}, projects=[10], per_project=1,
                           existing=set(), conflicts=set())
    assert list(plan.problems) == [None]


def test_unbalanceable_existing_load_is_reported():
    experts = {1: "customer", 2: "host_professor", 3: "investor"}
    existing = {(1, p) for p in range(10, 16)}
    plan = plan_assignment(experts=experts, projects=list(range(10, 16)), per_project=2,
                           existing=existing, conflicts=set())
    assert plan.pairs == []
    assert "cannot be balanced" in plan.problems[None]
