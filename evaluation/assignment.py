"""Automatic assignment as a pure function: experts and projects in, new pairs or the reasons
why the constraints cannot be met out. The service loads the data and writes the result.

Constraints: every project ends with `per_project` experts, from at least two commission groups,
none with a conflict; the number of projects per expert differs by at most one (max - min <= 1)
counting assignments that already exist.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class Plan:
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (expert, project)
    problems: dict[int | None, str] = field(default_factory=dict)  # project (None: general) -> why

    @property
    def ok(self) -> bool:
        return not self.problems


def plan_assignment(*, experts: dict[int, str], projects: list[int], per_project: int,
                    existing: set[tuple[int, int]], conflicts: set[tuple[int, int]]) -> Plan:
    """`experts` maps expert id -> group. Deterministic for the same input."""
    plan = Plan()
    if per_project < 2:
        plan.problems[None] = _("At least two experts per project are needed to mix two groups.")
        return plan
    assigned = defaultdict(set)
    load = dict.fromkeys(experts, 0)
    for expert, project in existing:
        if expert in experts:
            assigned[project].add(expert)
            load[expert] += 1
    eligible = {p: [e for e in experts if (e, p) not in conflicts] for p in projects}
    for project in projects:
        plan.problems.update(_check_project(project, experts, eligible[project], assigned[project], per_project))
    if plan.problems:
        return plan
    new = set()
    for project in sorted(projects, key=lambda p: (len(eligible[p]), p)):
        for _slot in range(max(0, per_project - len(assigned[project]))):
            expert = _pick(project, experts, eligible[project], assigned[project], load, per_project)
            assigned[project].add(expert)
            load[expert] += 1
            new.add((expert, project))
    _rebalance(experts, eligible, assigned, load, new)
    if load and max(load.values()) - min(load.values()) > 1:
        plan.problems[None] = _(
            "The load cannot be balanced (projects per expert range from %(low)d to %(high)d): "
            "too many conflicts or existing assignments for some experts."
        ) % {"low": min(load.values()), "high": max(load.values())}
        return plan
    plan.pairs = sorted(new, key=lambda pair: (pair[1], pair[0]))
    return plan


def _check_project(project, experts, eligible, current, per_project) -> dict:
    candidates = [e for e in eligible if e not in current]
    need = per_project - len(current)
    if need > len(candidates):
        return {project: _("Only %(found)d experts without a conflict are available; %(need)d more are needed.")
                % {"found": len(candidates), "need": need}}
    if need > 0 and len({experts[e] for e in eligible} | {experts[e] for e in current if e in experts}) < 2:
        return {project: _("All experts without a conflict belong to one commission group.")}
    return {}


def _pick(project, experts, eligible, current, load, per_project) -> int:
    groups = {experts[e] for e in current}
    candidates = [e for e in eligible if e not in current]
    last_slot = len(current) == per_project - 1
    if last_slot and len(groups) == 1:
        # The last free place must bring a second group.
        candidates = [e for e in candidates if experts[e] not in groups]
    return min(candidates, key=lambda e: (load[e], experts[e] in groups, (e * 7919 + project) % 104729, e))


def _rebalance(experts, eligible, assigned, load, new) -> None:
    """Move new assignments from the busiest to the least busy experts while that keeps the
    project's two groups and avoids conflicts."""
    for _round in range(10 * max(1, len(new))):
        high, low = max(load.values()), min(load.values())
        if high - low <= 1:
            return
        if not _move_one(experts, eligible, assigned, load, new, high, low):
            return


def _move_one(experts, eligible, assigned, load, new, high, low) -> bool:
    busy = [e for e in load if load[e] == high]
    idle = [e for e in load if load[e] == low]
    for expert, project in sorted(new):
        if expert not in busy:
            continue
        for other in idle:
            if other in assigned[project] or other not in eligible[project]:
                continue
            remaining = {experts[e] for e in assigned[project] if e != expert} | {experts[other]}
            if len(remaining) < 2:
                continue
            assigned[project].discard(expert)
            assigned[project].add(other)
            new.discard((expert, project))
            new.add((other, project))
            load[expert] -= 1
            load[other] += 1
            return True
    return False
