"""The solver against brute-force enumeration, and one test per hard rule where the unconstrained
optimum would break it."""

import itertools
import random

import pytest

from teams.allocation import solver as S
from teams.allocation.solver import Instance, StudentIn, TeamIn


def st(pk, uni, level="bachelor"):
    return StudentIn(pk, uni, level)


def prefs(rankings: dict) -> list:
    """{student: [team, ...]} in rank order -> preference tuples (first-come order = student id)."""
    return [(s, t, r, s) for s, teams in rankings.items() for r, t in enumerate(teams, start=1)]


def brute_force(inst: Instance) -> float:
    """Best weight over every assignment that keeps every rule (students × (candidates + none))."""
    students = [s.id for s in inst.students]
    options = {s: [None] + [t for s2, t, _r, _o in inst.preferences if s2 == s and (s, t) not in inst.excluded]
               for s in students}
    for s, t in inst.required:
        options[s] = [t]
    best = None
    for combo in itertools.product(*(options[s] for s in students)):
        assignment = {s: t for s, t in zip(students, combo, strict=True) if t is not None}
        report = S.evaluate(inst, assignment)
        if all(row["meets_rule"] for row in report["teams"].values()):
            weight = report["totals"]["weight"]
            best = weight if best is None else max(best, weight)
    return best


def random_instance(seed: int) -> Instance:
    rnd = random.Random(seed)
    students = [st(i, rnd.randrange(3), rnd.choice(["bachelor", "master"])) for i in range(1, 8)]
    teams = [TeamIn(100 + j, rnd.choice([2, 3]), rnd.choice([3, 4])) for j in range(3)]
    ranking = {s.id: rnd.sample([t.id for t in teams], rnd.choice([1, 2, 3])) for s in students}
    return Instance(students=students, teams=teams, preferences=prefs(ranking), min_universities=2,
                    degree_mix=bool(seed % 2), max_per_university=rnd.choice([None, 2]),
                    weights=(100, 60, 40), time_limit=20)


@pytest.mark.parametrize("seed", range(12))
def test_solver_matches_brute_force_optimum_on_small_instances(seed):
    inst = random_instance(seed)

    result = S.solve(inst)

    assert result.status == S.OPTIMAL
    assert result.objective == brute_force(inst)
    report = S.evaluate(inst, result.assignment)
    assert all(row["meets_rule"] for row in report["teams"].values())


def test_solver_max_size_when_everyone_ranks_one_team_first():
    students = [st(i, i % 2) for i in range(1, 5)]
    inst = Instance(students=students, teams=[TeamIn(10, 2, 3), TeamIn(11, 1, 3)],
                    preferences=prefs({s.id: [10, 11] for s in students}), min_universities=1)

    result = S.solve(inst)

    assert sorted(result.assignment.values()).count(10) == 3
    assert result.objective == 3 * 100 + 60


def test_solver_min_size_keeps_team_closed_when_too_few_choose_it():
    students = [st(1, 1), st(2, 2), st(3, 1), st(4, 2)]
    inst = Instance(students=students, teams=[TeamIn(10, 3, 4), TeamIn(11, 2, 4)],
                    preferences=prefs({1: [10, 11], 2: [10, 11], 3: [11], 4: [11]}), min_universities=1)

    result = S.solve(inst)

    # Unconstrained: 1 and 2 in team 10 (two students, below its minimum of 3).
    assert result.assignment == {1: 11, 2: 11, 3: 11, 4: 11}
    assert result.opened == {11}


def test_solver_mix_rule_universities_when_first_choices_share_a_university():
    students = [st(1, 1), st(2, 1), st(3, 2), st(4, 2)]
    inst = Instance(students=students, teams=[TeamIn(10, 2, 2), TeamIn(11, 2, 2)],
                    preferences=prefs({1: [10, 11], 2: [10, 11], 3: [11, 10], 4: [11, 10]}), min_universities=2)

    result = S.solve(inst)

    # Unconstrained everyone gets the first choice: two one-university teams.
    for team in (10, 11):
        assert {students[s - 1].university for s, t in result.assignment.items() if t == team} == {1, 2}
    assert len(result.assignment) == 4


def test_solver_degree_mix_when_first_choices_share_a_level():
    students = [st(1, 1, "master"), st(2, 2, "master"), st(3, 1, "phd"), st(4, 2, "phd")]
    inst = Instance(students=students, teams=[TeamIn(10, 2, 2), TeamIn(11, 2, 2)],
                    preferences=prefs({1: [10, 11], 2: [10, 11], 3: [11, 10], 4: [11, 10]}),
                    min_universities=2, degree_mix=True)

    result = S.solve(inst)

    for team in (10, 11):
        assert {students[s - 1].level for s, t in result.assignment.items() if t == team} == {"master", "phd"}


def test_solver_max_per_university_when_three_of_one_university_want_a_team():
    students = [st(1, 1), st(2, 1), st(3, 1), st(4, 2)]
    inst = Instance(students=students, teams=[TeamIn(10, 2, 4), TeamIn(11, 2, 4)],
                    preferences=prefs({1: [10, 11], 2: [10, 11], 3: [10, 11], 4: [10, 11]}),
                    min_universities=1, max_per_university=2)

    result = S.solve(inst)

    # Unconstrained: all four in team 10 (400). With ≤ 2 per university: two of university 1 move.
    for team in (10, 11):
        assert sum(1 for s, t in result.assignment.items() if t == team and students[s - 1].university == 1) <= 2
    assert result.objective == 2 * 100 + 2 * 60


def test_solver_pre_assignment_beats_the_students_own_ranking():
    students = [st(1, 1), st(2, 2), st(3, 3)]
    inst = Instance(students=students, teams=[TeamIn(10, 1, 3), TeamIn(11, 1, 3)],
                    preferences=prefs({1: [10], 2: [11], 3: [11]}), required=[(1, 11)], min_universities=1)

    result = S.solve(inst)

    assert result.assignment[1] == 11


def test_solver_exclusion_keeps_the_student_out_of_their_first_choice():
    students = [st(1, 1), st(2, 2)]
    inst = Instance(students=students, teams=[TeamIn(10, 1, 3), TeamIn(11, 1, 3)],
                    preferences=prefs({1: [10, 11], 2: [10, 11]}), excluded={(1, 10)}, min_universities=1)

    result = S.solve(inst)

    assert result.assignment == {1: 11, 2: 10}


def test_solver_fixed_members_count_towards_size_and_mix():
    team = TeamIn(10, 2, 3, fixed=[st(90, 1), st(91, 1)])
    students = [st(1, 1), st(2, 2), st(3, 1), st(4, 2)]
    inst = Instance(students=students, teams=[team, TeamIn(11, 1, 3)],
                    preferences=prefs({1: [10, 11], 2: [10, 11], 3: [10, 11], 4: [11]}), min_universities=2)

    result = S.solve(inst)

    # One free place; only a student of another university gives the team its mix.
    assert [s for s, t in result.assignment.items() if t == 10] == [2]


def test_solver_lexicographic_places_more_students_before_weight():
    students = [st(1, 1), st(2, 2), st(3, 3)]
    teams = [TeamIn(10, 1, 1), TeamIn(11, 1, 1)]
    ranking = prefs({1: [10, 11], 2: [10], 3: [11]})
    weighted = S.solve(Instance(students=students, teams=teams, preferences=ranking, min_universities=1,
                                weights=(100, 1)))
    lexi = S.solve(Instance(students=students, teams=teams, preferences=ranking, min_universities=1,
                            weights=(100, 1), lexicographic=True))

    assert len(weighted.assignment) == 2
    assert len(lexi.assignment) == 2
    assert lexi.objective == 200
    students4 = students + [st(4, 4)]
    ranking4 = prefs({1: [10, 11], 2: [11, 10], 3: [11], 4: [10]})
    weights = (100, 1)
    weighted = S.solve(Instance(students=students4, teams=teams, preferences=ranking4, min_universities=1,
                                weights=weights))
    lexi = S.solve(Instance(students=students4, teams=teams, preferences=ranking4, min_universities=1,
                            weights=weights, lexicographic=True))
    assert len(lexi.assignment) == 2 and len(weighted.assignment) == 2


def test_solver_infeasible_names_the_team_that_cannot_meet_the_mix_rule():
    students = [st(1, 1), st(2, 1), st(3, 2)]
    inst = Instance(students=students, teams=[TeamIn(10, 2, 3), TeamIn(11, 1, 3)],
                    preferences=prefs({1: [10], 2: [10], 3: [11]}), required=[(1, 10), (2, 10)],
                    min_universities=2)

    result = S.solve(inst)

    assert result.status == S.INFEASIBLE
    assert result.assignment == {}
    assert result.impossible == {10: [S.RULE_UNIVERSITIES], 11: [S.RULE_UNIVERSITIES]}
    # Team 11 can simply stay closed; only the pre-assignments force team 10 open.
    assert [(subject, rule) for subject, rule, _amount in result.slacks] == [(10, S.RULE_UNIVERSITIES)]


def test_solver_reports_students_who_ranked_only_impossible_teams():
    students = [st(1, 1), st(2, 1), st(3, 2), st(4, 3)]
    inst = Instance(students=students, teams=[TeamIn(10, 2, 3), TeamIn(11, 2, 3)],
                    preferences=prefs({1: [10], 2: [10], 3: [11], 4: [11]}), min_universities=2)

    result = S.solve(inst)

    assert result.status == S.OPTIMAL
    assert result.impossible == {10: [S.RULE_UNIVERSITIES]}
    assert result.stranded == [1, 2]
    assert result.assignment == {3: 11, 4: 11}


def test_first_come_fills_popular_team_and_leaves_rule_broken():
    students = [st(1, 1), st(2, 1), st(3, 2)]
    inst = Instance(students=students, teams=[TeamIn(10, 2, 2), TeamIn(11, 1, 2)],
                    preferences=prefs({1: [10], 2: [10, 11], 3: [10, 11]}), min_universities=2)

    baseline = S.first_come(inst)
    totals = S.evaluate(inst, baseline)["totals"]

    assert baseline == {1: 10, 2: 10, 3: 11}
    assert totals["teams_meeting_rule"] == 0
    assert S.evaluate(inst, S.solve(inst).assignment)["totals"]["teams_meeting_rule"] == 1
