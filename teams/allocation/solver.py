"""The allocation as an exact integer programme (HiGHS), the first-come baseline, and the
relax-and-report explanation when the hard rules cannot all hold. Pure Python over plain data:
no Django here, so the tests can compare it with brute-force enumeration.

Model (only the pairs a student ranked, plus required ones, get a variable):
  x[s,t] ∈ {0,1}  student s placed in team t         y[t] ∈ {0,1}  team t opened
  z[t,u] ∈ {0,1}  team t has a (new) student of university u (only u not already in the team)
  v[t,l] ∈ {0,1}  the same for degree level l (only when the edition requires the mix)
  Σ_t x[s,t] ≤ 1                           one team per student
  x[s,t] ≤ y[t]                            nobody joins an unopened team (tighter than the big-M form)
  (min−F)·y ≤ Σ_s x[s,t] ≤ (max−F)·y       size, counting the F fixed members
  z[t,u] ≤ Σ_{s∈u} x[s,t],  z[t,u] ≤ y[t],  Σ_u z[t,u] ≥ (N − |fixed universities|)·y   mix rule
  the same for degree levels (≥ 2 levels), and Σ_{s∈u} x[s,t] ≤ M − F_u (≤ M per university)
Teams that can never meet a rule with the students who ranked them get y fixed to 0 up front.
"""

from __future__ import annotations

import math
import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

OPTIMAL, FEASIBLE, INFEASIBLE, NO_SOLUTION = "optimal", "feasible", "infeasible", "no_solution"

# The rules a slack can name in the explanation of an infeasible run.
RULE_MIN_SIZE, RULE_MAX_SIZE = "min_size", "max_size"
RULE_UNIVERSITIES, RULE_DEGREES, RULE_PER_UNIVERSITY, RULE_ONE_TEAM = (
    "universities", "degree_levels", "per_university", "one_team")


@dataclass(frozen=True)
class StudentIn:
    id: int
    university: int | None
    level: str


@dataclass
class TeamIn:
    id: int
    min_size: int
    max_size: int
    fixed: list = field(default_factory=list)  # StudentIn of accepted members (they stay)


@dataclass
class Instance:
    students: list  # StudentIn without a team in the edition
    teams: list  # TeamIn of open projects
    preferences: list  # (student_id, team_id, rank, order) — order: first-come position
    required: list = field(default_factory=list)  # (student_id, team_id): pre-assigned or locked
    excluded: set = field(default_factory=set)  # {(student_id, team_id)}
    min_universities: int = 2
    degree_mix: bool = False
    max_per_university: int | None = None
    weights: tuple = (100, 60, 40, 25, 10)
    lexicographic: bool = False
    time_limit: float = 60.0
    gap: float = 0.001


@dataclass
class Result:
    status: str
    assignment: dict  # student_id -> team_id
    opened: set
    objective: float = 0.0
    gap: float | None = None
    seconds: float = 0.0
    model: dict = field(default_factory=dict)
    impossible: dict = field(default_factory=dict)  # team_id -> [rule, ...] (with the rankers)
    stranded: list = field(default_factory=list)  # students whose ranked teams are all impossible
    slacks: list = field(default_factory=list)  # (team_id or student_id, rule, amount) when infeasible


def weight(weights, rank: int | None) -> int:
    if rank is None:
        return 0
    return int(weights[min(rank, len(weights)) - 1])


# --- candidates and impossible teams ----------------------------------------------------------
@dataclass
class _Prepared:
    pairs: list  # (student_id, team_id, rank|None, required)
    teams: dict  # team_id -> TeamIn
    students: dict  # student_id -> StudentIn
    impossible: dict  # team_id -> [rules]


def _prepare(inst: Instance) -> _Prepared:
    students = {s.id: s for s in inst.students}
    teams = {t.id: t for t in inst.teams}
    required = {(s, t) for s, t in inst.required if s in students and t in teams}
    ranks = {}
    for s, t, rank, _order in inst.preferences:
        if s in students and t in teams and (s, t) not in inst.excluded:
            ranks[(s, t)] = rank
    pairs = [(s, t, ranks.get((s, t)), (s, t) in required)
             for (s, t) in sorted(set(ranks) | required)]
    by_team = defaultdict(list)
    for s, t, _rank, _req in pairs:
        by_team[t].append(students[s])
    impossible = {}
    for t in teams.values():
        rules = _impossible_rules(inst, t, by_team.get(t.id, []))
        if rules:
            impossible[t.id] = rules
    return _Prepared(pairs=pairs, teams=teams, students=students, impossible=impossible)


def _impossible_rules(inst: Instance, team: TeamIn, candidates: list) -> list:
    """Rules the team cannot meet even if every student who ranked it joined (a team with no
    candidate at all is just left closed, not reported)."""
    if not candidates:
        return []
    pool = candidates + team.fixed
    rules = []
    if len(pool) < team.min_size:
        rules.append(RULE_MIN_SIZE)
    if len(team.fixed) >= team.max_size:
        rules.append(RULE_MAX_SIZE)
    cap = inst.max_per_university
    if cap is not None:
        per_uni = defaultdict(int)
        for s in pool:
            per_uni[s.university] += 1
        usable = sum(min(n, cap) for n in per_uni.values())
        if usable < team.min_size:
            rules.append(RULE_PER_UNIVERSITY)
    if len({s.university for s in pool if s.university is not None}) < inst.min_universities:
        rules.append(RULE_UNIVERSITIES)
    if inst.degree_mix and len({s.level for s in pool}) < 2:
        rules.append(RULE_DEGREES)
    return rules


# --- the model ---------------------------------------------------------------------------------
class _Model:
    def __init__(self):
        self.lb, self.ub, self.cost, self.integer = [], [], [], []
        self.r_lo, self.r_hi, self.starts, self.idx, self.val = [], [], [], [], []
        self.indicators = []  # (var, team, attribute, group) of the indicator form of a mix rule
        self.counts = {}  # team -> var of its number of new students

    def var(self, lb=0.0, ub=1.0, cost=0.0, integer=True) -> int:
        self.lb.append(lb)
        self.ub.append(ub)
        self.cost.append(cost)
        self.integer.append(integer)
        return len(self.lb) - 1

    def row(self, terms, lo=-math.inf, hi=math.inf) -> None:
        self.starts.append(len(self.idx))
        for i, v in terms:
            self.idx.append(i)
            self.val.append(v)
        self.r_lo.append(lo)
        self.r_hi.append(hi)

    @property
    def size(self) -> dict:
        return {"variables": len(self.lb), "constraints": len(self.r_lo), "nonzeros": len(self.idx)}


def _build(inst: Instance, prep: _Prepared, *, relaxed: bool):
    """Returns the model, x indices per pair, y per team, and slack indices (relaxed only)."""
    m = _Model()
    slacks = []  # (var, subject, rule)

    def slack(subject, rule):
        i = m.var(0.0, math.inf, 0.0, integer=False)
        slacks.append((i, subject, rule))
        return i

    x = {}
    by_team, by_student = defaultdict(list), defaultdict(list)
    for s, t, rank, req in prep.pairs:
        i = m.var(1.0 if req and not relaxed else 0.0, 1.0, weight(inst.weights, rank))
        x[(s, t)] = i
        by_team[t].append((s, i))
        by_student[s].append(i)
    if relaxed:  # the pre-assignments are the hard part: keep them, relax the rules instead
        for s, t, _rank, req in prep.pairs:
            if req:
                m.lb[x[(s, t)]] = 1.0
    y = {}
    for t, members in by_team.items():
        team = prep.teams[t]
        closed = t in prep.impossible and not relaxed
        y[t] = yt = m.var(0.0, 0.0 if closed else 1.0)
        for _s, i in members:
            m.row([(i, 1.0), (yt, -1.0)], hi=0.0)
        # n = the team's new students: keeps the size and mix rows short (one term, not one per candidate).
        fixed = len(team.fixed)
        m.counts[t] = nt = m.var(0.0, math.inf, integer=False)
        m.row([(nt, 1.0)] + [(i, -1.0) for _s, i in members], lo=0.0, hi=0.0)
        extra = [(slack(t, RULE_MAX_SIZE), -1.0)] if relaxed else []
        m.row([(nt, 1.0), (yt, -float(max(team.max_size - fixed, 0)))] + extra, hi=0.0)
        if team.min_size - fixed > 0:
            extra = [(slack(t, RULE_MIN_SIZE), 1.0)] if relaxed else []
            m.row([(nt, 1.0), (yt, -float(team.min_size - fixed))] + extra, lo=0.0)
        _mix_rows(m, inst, prep, t, yt, members, relaxed, slack, "university",
                  inst.min_universities, RULE_UNIVERSITIES)
        if inst.degree_mix:
            _mix_rows(m, inst, prep, t, yt, members, relaxed, slack, "level", 2, RULE_DEGREES)
        if inst.max_per_university is not None:
            _cap_rows(m, inst, prep, t, members, relaxed, slack)
    for s, idx in by_student.items():
        if len(idx) > 1:
            extra = [(slack(s, RULE_ONE_TEAM), -1.0)] if relaxed else []
            m.row([(i, 1.0) for i in idx] + extra, hi=1.0)
    return m, x, y, slacks


def _mix_rows(m, inst, prep, t, yt, members, relaxed, slack, attr, needed, rule):
    team = prep.teams[t]
    have = {getattr(s, attr) for s in team.fixed if getattr(s, attr) is not None}
    need = needed - len(have)
    if need <= 0:
        return
    if needed == 2:
        # "At least two groups" ⇔ no single group holds all the new students (nobody fixed), or
        # someone outside the one fixed group joins: n − Σ_{s∈g} x ≥ y per group g. No indicator
        # variables, and the LP relaxation is tighter than the indicator form's.
        groups = defaultdict(list)
        for s, i in members:
            groups[getattr(prep.students[s], attr)].append(i)
        if have:
            (only,) = have
            groups = {only: groups.get(only, [])}
        for key, idx in groups.items():
            if key is None:
                continue
            extra = [(slack(t, rule), 1.0)] if relaxed else []
            m.row([(m.counts[t], 1.0)] + [(i, -1.0) for i in idx] + [(yt, -1.0)] + extra, lo=0.0)
        return
    groups = defaultdict(list)
    for s, i in members:
        key = getattr(prep.students[s], attr)
        if key is not None and key not in have:
            groups[key].append(i)
    indicators = []
    for key, idx in groups.items():
        z = m.var()
        indicators.append(z)
        m.indicators.append((z, t, attr, key))
        m.row([(z, 1.0)] + [(i, -1.0) for i in idx], hi=0.0)
        m.row([(z, 1.0), (yt, -1.0)], hi=0.0)
    extra = [(slack(t, rule), 1.0)] if relaxed else []
    m.row([(z, 1.0) for z in indicators] + [(yt, -float(need))] + extra, lo=0.0)


def _cap_rows(m, inst, prep, t, members, relaxed, slack):
    team = prep.teams[t]
    fixed = defaultdict(int)
    for s in team.fixed:
        fixed[s.university] += 1
    groups = defaultdict(list)
    for s, i in members:
        groups[prep.students[s].university].append(i)
    for uni, idx in groups.items():
        room = max(inst.max_per_university - fixed[uni], 0)
        if len(idx) > room:
            extra = [(slack(t, RULE_PER_UNIVERSITY), -1.0)] if relaxed else []
            m.row([(i, 1.0) for i in idx] + extra, hi=float(room))


def _exact(m: _Model, cost, *, maximise: bool, time_limit: float, gap: float, extra_row=None, start=None):
    """The LP relaxation first: when its optimum is integral it is the proven optimum (the bound
    meets the solution) — on these models it usually is. Otherwise branch and bound from `start`."""
    # numpy (~10 MB, like highspy) only where the solver runs: a Celery worker, never a web request
    # (the module's plain data classes are imported by the web process's selectors and services).
    import numpy as np

    began = time.monotonic()
    state, values, obj, _gap = _highs(m, cost, maximise=maximise, time_limit=time_limit, gap=gap,
                                      extra_row=extra_row, relax=True)
    if state == OPTIMAL and values is not None:
        integer = np.asarray(m.integer, dtype=bool)
        if np.all(np.abs(values[integer] - np.round(values[integer])) < 1e-7):
            return OPTIMAL, np.round(values), obj, 0.0
    if state == INFEASIBLE:
        return state, None, 0.0, None
    start = start() if callable(start) else start  # built only when branch and bound needs it
    return _highs(m, cost, maximise=maximise, time_limit=time_limit - (time.monotonic() - began), gap=gap,
                  extra_row=extra_row, start=start)


def _highs(m: _Model, cost, *, maximise: bool, time_limit: float, gap: float, extra_row=None,
           start=None, relax=False):
    import highspy
    import numpy as np

    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(os.environ.get("ALLOCATION_SOLVER_LOG")))
    h.setOptionValue("time_limit", float(max(time_limit, 1.0)))
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("threads", 1)
    n = len(m.lb)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(m.r_lo) + (1 if extra_row else 0)
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(m.lb, dtype=np.float64)
    lp.col_upper_ = np.asarray(m.ub, dtype=np.float64)
    starts, idx, val = list(m.starts), list(m.idx), list(m.val)
    lo, hi = list(m.r_lo), list(m.r_hi)
    if extra_row:
        terms, rlo = extra_row
        starts.append(len(idx))
        idx.extend(i for i, _v in terms)
        val.extend(v for _i, v in terms)
        lo.append(rlo)
        hi.append(math.inf)
    lp.row_lower_ = np.asarray(lo, dtype=np.float64)
    lp.row_upper_ = np.asarray(hi, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.asarray(starts + [len(idx)], dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(idx, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(val, dtype=np.float64)
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = lp.num_row_
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    if not relax:
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in m.integer]
    h.passModel(lp)
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = list(map(float, start))
        solution.value_valid = True
        h.setSolution(solution)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = np.asarray(h.getSolution().col_value) if has_solution else None
    if status == highspy.HighsModelStatus.kOptimal:
        state = OPTIMAL
    elif status == highspy.HighsModelStatus.kInfeasible:
        state = INFEASIBLE
    else:
        state = FEASIBLE if has_solution else NO_SOLUTION
    gap_value = float(info.mip_gap) if has_solution and np.isfinite(info.mip_gap) else None
    return state, values, (float(info.objective_function_value) if has_solution else 0.0), gap_value


# --- solving -----------------------------------------------------------------------------------
def solve(inst: Instance, *, progress=None) -> Result:
    """Best assignment under the hard rules; `progress(percent)` is called between phases."""
    started = time.monotonic()
    prep = _prepare(inst)
    stranded = _stranded(inst, prep)
    m, x, y, _ = _build(inst, prep, relaxed=False)
    if progress:
        progress(30)
    deadline = started + inst.time_limit
    if inst.lexicographic:
        ones = [0.0] * len(m.lb)
        for i in x.values():
            ones[i] = 1.0
        state, values, placed, _gap = _exact(m, ones, maximise=True, time_limit=inst.time_limit, gap=0.0,
                                             start=lambda: _start_vector(inst, prep, m, x, y))
        if values is not None and state == OPTIMAL:
            if progress:
                progress(55)
            floor = round(placed)
            state, values, obj, gap = _exact(
                m, m.cost, maximise=True, time_limit=deadline - time.monotonic(), gap=inst.gap,
                extra_row=([(i, 1.0) for i in x.values()], floor - 0.5), start=values)
        else:
            obj, gap = 0.0, None
    else:
        state, values, obj, gap = _exact(m, m.cost, maximise=True, time_limit=inst.time_limit,
                                         gap=inst.gap, start=lambda: _start_vector(inst, prep, m, x, y))
    result = Result(status=state, assignment={}, opened=set(), objective=obj,
                    gap=0.0 if state == OPTIMAL and gap is None else gap, model=m.size,
                    impossible=prep.impossible, stranded=stranded)
    if values is not None:
        result.assignment = {s: t for (s, t), i in x.items() if values[i] > 0.5}
        result.opened = {t for t, i in y.items() if values[i] > 0.5}
        result.objective = float(sum(m.cost[x[(s, t)]] for s, t in result.assignment.items()))
    elif state == INFEASIBLE:
        result.slacks = explain(inst, prep, time_limit=max(deadline - time.monotonic(), 5.0))
    result.seconds = time.monotonic() - started
    return result


def _start_vector(inst: Instance, prep: _Prepared, m: _Model, x: dict, y: dict):
    """A feasible starting point for the solver (first-come, then teams that miss a rule are
    closed and their students re-placed into teams that meet the rules): HiGHS then only has to
    improve it, instead of searching for any feasible point in a model of 100,000 variables."""
    assignment = repair(inst, first_come(inst, skip=set(prep.impossible)))
    values = [0.0] * len(m.lb)
    opened = set(assignment.values())
    for s, t in assignment.items():
        if (s, t) in x:
            values[x[(s, t)]] = 1.0
    for t, i in y.items():
        values[i] = 1.0 if t in opened else 0.0
    present = {(t, prep.students[s].university, "university") for s, t in assignment.items()}
    present |= {(t, prep.students[s].level, "level") for s, t in assignment.items()}
    for z, t, attr, key in m.indicators:
        values[z] = 1.0 if (t, key, attr) in present else 0.0
    sizes = Counter(assignment.values())
    for t, i in m.counts.items():
        values[i] = float(sizes.get(t, 0))
    return values


def repair(inst: Instance, assignment: dict) -> dict:
    """Close teams that miss a rule and move their students (except required ones) to their best
    ranked team that meets the rules and has room, until nothing changes."""
    assignment = dict(assignment)
    required = {s for s, _t in inst.required}
    students = {s.id: s for s in inst.students}
    teams = {t.id: t for t in inst.teams}
    lists = defaultdict(list)
    for s, t, rank, _o in inst.preferences:
        if s in students and t in teams and (s, t) not in inst.excluded:
            lists[s].append((rank, t))
    closed = set()
    for _round in range(10):
        report = evaluate(inst, assignment)["teams"]
        failing = {t for t, row in report.items() if not row["meets_rule"]}
        if not failing:
            break
        closed |= failing
        loose = [s for s, t in assignment.items() if t in failing and s not in required]
        for s in loose:
            del assignment[s]
        report = evaluate(inst, assignment)["teams"]
        size = {t: row["students"] for t, row in report.items()}
        per_uni = defaultdict(int)
        for s, t in assignment.items():
            per_uni[(t, students[s].university)] += 1
        for s in sorted(loose):
            for _rank, t in sorted(lists[s]):
                if t in closed or t not in report or not report[t]["meets_rule"]:
                    continue
                cap = inst.max_per_university
                if size[t] < teams[t].max_size and (cap is None or per_uni[(t, students[s].university)] < cap):
                    assignment[s] = t
                    size[t] += 1
                    per_uni[(t, students[s].university)] += 1
                    break
    return assignment


def _stranded(inst: Instance, prep: _Prepared) -> list:
    """Students who ranked something, but only teams that can never meet the rules (or that
    exclude them): computed from the same candidate lists as the model."""
    usable = defaultdict(bool)
    ranked = set()
    for s, _t, _rank, _order in inst.preferences:
        if s in prep.students:
            ranked.add(s)
    for s, t, _rank, _req in prep.pairs:
        if t not in prep.impossible:
            usable[s] = True
    return sorted(s for s in ranked if not usable[s])


def explain(inst: Instance, prep: _Prepared | None = None, *, time_limit: float = 30.0) -> list:
    """Relax-and-report: every team rule gets a slack, the pre-assignments stay hard; minimising
    the total slack names exactly the rules that cannot all hold. Returns [(subject, rule, amount)]."""
    prep = prep or _prepare(inst)
    m, _x, _y, slacks = _build(inst, prep, relaxed=True)
    cost = [0.0] * len(m.lb)
    for i, _subject, _rule in slacks:
        cost[i] = 1.0
    state, values, _obj, _gap = _highs(m, cost, maximise=False, time_limit=time_limit, gap=0.0)
    if values is None:
        return []
    return sorted(((subject, rule, round(float(values[i]), 3)) for i, subject, rule in slacks
                   if values[i] > 1e-6), key=lambda item: (str(item[1]), item[0]))


# --- evaluation and the first-come baseline ---------------------------------------------------
def evaluate(inst: Instance, assignment: dict) -> dict:
    """Per team (fixed + placed students) whether it meets the rules, and the totals."""
    students = {s.id: s for s in inst.students}
    ranks = {(s, t): rank for s, t, rank, _o in inst.preferences}
    members = defaultdict(list)
    for s, t in assignment.items():
        members[t].append(students[s])
    teams = {}
    for team in inst.teams:
        new = members.get(team.id, [])
        if not new:
            continue
        pool = new + team.fixed
        per_uni = defaultdict(int)
        for st in pool:
            per_uni[st.university] += 1
        universities = len({st.university for st in pool if st.university is not None})
        levels = sorted({st.level for st in pool})
        meets = (team.min_size <= len(pool) <= team.max_size and universities >= inst.min_universities
                 and (not inst.degree_mix or len(levels) >= 2)
                 and (inst.max_per_university is None or max(per_uni.values()) <= inst.max_per_university))
        teams[team.id] = {"students": len(pool), "universities": universities, "levels": levels,
                          "meets_rule": meets}
    ranked_students = {s for s, _t, _r, _o in inst.preferences if s in students}
    obtained = [ranks.get((s, t)) for s, t in assignment.items()]
    total = len(ranked_students) or 1
    return {
        "teams": teams,
        "totals": {
            "students": len(ranked_students),
            "placed": len(assignment),
            "placed_in_rule_teams": sum(1 for t in assignment.values() if teams[t]["meets_rule"]),
            "first_choice_pct": round(100.0 * sum(1 for r in obtained if r == 1) / total, 1),
            "top3_pct": round(100.0 * sum(1 for r in obtained if r is not None and r <= 3) / total, 1),
            "teams_opened": len(teams),
            "teams_meeting_rule": sum(1 for t in teams.values() if t["meets_rule"]),
            "weight": sum(weight(inst.weights, r) for r in obtained),
        },
    }


def first_come(inst: Instance, *, skip: set = frozenset()) -> dict:
    """Today's process on the same preferences: students in the order they ranked (first come)
    each join their best-ranked team that still has room (capacity, ≤ M per university, the
    exclusions, pre-assignments first). Mix and minimum size are only checked afterwards — that is
    what first-come cannot promise."""
    students = {s.id: s for s in inst.students}
    teams = {t.id: t for t in inst.teams}
    count = {t.id: len(t.fixed) for t in inst.teams}
    per_uni = defaultdict(int)
    for t in inst.teams:
        for s in t.fixed:
            per_uni[(t.id, s.university)] += 1
    assignment = {}

    def fits(s, t):
        cap = inst.max_per_university
        return count[t] < teams[t].max_size and (
            cap is None or per_uni[(t, students[s].university)] < cap)

    def place(s, t):
        assignment[s] = t
        count[t] += 1
        per_uni[(t, students[s].university)] += 1

    for s, t in inst.required:
        if s in students and t in teams and s not in assignment:
            place(s, t)
    lists = defaultdict(list)
    order = {}
    for s, t, rank, position in inst.preferences:
        if s in students and t in teams and (s, t) not in inst.excluded and t not in skip:
            lists[s].append((rank, t))
            order[s] = min(order.get(s, position), position)
    for s in sorted(lists, key=lambda s: (order[s], s)):
        if s in assignment:
            continue
        for _rank, t in sorted(lists[s]):
            if fits(s, t):
                place(s, t)
                break
    return assignment
