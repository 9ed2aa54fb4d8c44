"""Reads of the allocation: settings, a student's ranking, the solver's instance and its hash,
and the review page's rows (a constant number of queries per page)."""

import hashlib
import json
from datetime import datetime, time

from django.db.models import F, QuerySet
from django.utils import timezone

from marathon.models import Edition, User
from projects.composition import STUDENT_ROLES
from projects.models import Membership, Team

from ..selectors import OPEN_PROJECT_STATUSES
from . import solver
from .models import (
    AllocationPlacement,
    AllocationRun,
    AllocationSettings,
    AllocationTeamResult,
    Preference,
    PreferenceList,
    SupervisorChoice,
    SupervisorDecision,
)


def allocation_settings(edition: Edition) -> AllocationSettings:
    found = AllocationSettings.objects.filter(edition=edition).first()
    return found or AllocationSettings(edition=edition)


def preferences_deadline(edition: Edition, config: AllocationSettings | None = None) -> datetime:
    config = config or allocation_settings(edition)
    if config.preferences_deadline:
        return config.preferences_deadline
    return timezone.make_aware(datetime.combine(edition.team_formation_end, time.max))


def preferences_open(edition: Edition) -> bool:
    return edition.team_formation_start <= timezone.localdate() and timezone.now() <= preferences_deadline(edition)


def rankable_teams(edition: Edition) -> QuerySet:
    return (Team.objects.filter(edition=edition, project__status__in=OPEN_PROJECT_STATUSES)
            .select_related("project").order_by("name", "pk"))


def student_choices(student: User, edition: Edition) -> list:
    return list(Preference.objects.filter(ranking__student=student, ranking__edition=edition)
                .select_related("team").order_by("rank"))


def run_options(config: AllocationSettings) -> dict:
    return {"max_choices": config.max_choices, "weights": list(config.rank_weights),
            "lexicographic": config.lexicographic, "max_per_university": config.max_per_university,
            "time_limit": config.time_limit_seconds}


# --- the solver's instance ----------------------------------------------------------------------
def load_instance(edition: Edition, options: dict, locked: list) -> tuple[solver.Instance, dict]:
    """Five queries, whatever the size. Returns the instance and the facts its hash covers."""
    teams = list(Team.objects.filter(edition=edition, project__status__in=OPEN_PROJECT_STATUSES)
                 .order_by("pk").values_list("pk", "project__team_size_min", "capacity"))
    team_ids = {pk for pk, _min, _max in teams}
    fixed = list(Membership.objects.filter(edition=edition, role__in=STUDENT_ROLES).order_by("user_id")
                 .values_list("user_id", "team_id", "user__university_id", "user__status"))
    placed = {user for user, *_rest in fixed}
    prefs = list(Preference.objects.filter(ranking__edition=edition)
                 .order_by("ranking__student_id", "rank")
                 .values_list("ranking__student_id", "team_id", "rank", "ranking__submitted_at",
                              "ranking__student__university_id", "ranking__student__status"))
    decisions = list(SupervisorDecision.objects.filter(team__edition=edition).order_by("team_id", "student_id")
                     .values_list("team_id", "student_id", "kind", "student__university_id", "student__status"))
    students = {}
    for s, _t, _r, _at, uni, level in prefs:
        students[s] = solver.StudentIn(s, uni, level)
    for _t, s, kind, uni, level in decisions:
        if kind == SupervisorChoice.REQUIRE:
            students[s] = solver.StudentIn(s, uni, level)
    extra = [pk for pk, _t in locked if pk not in students]
    for pk, uni, level in User.objects.filter(pk__in=extra).values_list("pk", "university_id", "status"):
        students[pk] = solver.StudentIn(pk, uni, level)
    by_team = {pk: solver.TeamIn(pk, low, high) for pk, low, high in teams}
    for user, team, uni, level in fixed:
        if team in by_team:
            by_team[team].fixed.append(solver.StudentIn(user, uni, level))
    order = {}
    for s, _t, _r, at, _u, _l in prefs:
        order.setdefault(s, at)
    positions = {s: i for i, s in enumerate(sorted(order, key=lambda s: (order[s], s)))}
    required = [(s, t) for t, s, kind, _u, _l in decisions if kind == SupervisorChoice.REQUIRE]
    required += [tuple(pair) for pair in locked]
    inst = solver.Instance(
        students=[st for pk, st in sorted(students.items()) if pk not in placed],
        teams=list(by_team.values()),
        preferences=[(s, t, r, positions[s]) for s, t, r, _at, _u, _l in prefs if t in team_ids],
        required=sorted(set(required)),
        excluded={(s, t) for t, s, kind, _u, _l in decisions if kind == SupervisorChoice.EXCLUDE},
        min_universities=edition.min_universities, degree_mix=edition.require_degree_mix,
        max_per_university=options.get("max_per_university"), weights=tuple(options["weights"]),
        lexicographic=options["lexicographic"], time_limit=float(options["time_limit"]),
    )
    facts = {"teams": teams, "fixed": [(u, t) for u, t, _a, _b in fixed],
             "preferences": [(s, t, r) for s, t, r, *_rest in prefs],
             "decisions": [(t, s, k) for t, s, k, _u, _l in decisions],
             "students": sorted((s.id, s.university, s.level) for s in students.values()),
             "edition": [edition.min_universities, edition.require_degree_mix],
             "options": options, "locked": sorted(map(list, locked))}
    return inst, facts


def inputs_hash(facts: dict) -> str:
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()


def current_inputs_hash(run: AllocationRun) -> str:
    _inst, facts = load_instance(run.edition, run.settings["options"], run.settings.get("locked", []))
    return inputs_hash(facts)


def changes_since(run: AllocationRun) -> list[str]:
    """Facts for the office's 409 message: whose rankings, decisions or teams changed since the run."""
    since = run.created_at
    rankings = list(PreferenceList.objects.filter(edition=run.edition, updated_at__gt=since)
                    .order_by("student__full_name").values_list("student__full_name", flat=True)[:6])
    joined = list(Membership.objects.filter(edition=run.edition, role__in=STUDENT_ROLES, joined_at__gt=since)
                  .order_by("user__full_name").values_list("user__full_name", flat=True)[:6])
    decisions = SupervisorDecision.objects.filter(team__edition=run.edition, updated_at__gt=since).count()
    return [rankings, joined, decisions]


# --- review ----------------------------------------------------------------------------------------
def runs_of(edition: Edition) -> QuerySet:
    return AllocationRun.objects.filter(edition=edition).select_related("created_by", "committed_by")


# Sort orders of the review page's tables: each one served by an index or a sort of one run's rows.
TEAM_SORTS = {"name": ("pk",), "size": ("-students", "pk"), "universities": ("-universities", "pk")}
PLACEMENT_SORTS = {"name": ("pk",), "rank": (F("rank").asc(nulls_last=True), "pk")}


def team_results(run: AllocationRun, *, sort: str = "name", unmet: bool = False) -> QuerySet:
    """The opened teams' stored rows (name and members included: one query per page). Rows are
    written in team-name order (services._store_result): the (run, opened, id) index pages them."""
    rows = AllocationTeamResult.objects.filter(run=run, opened=True)
    if unmet:
        rows = rows.filter(meets_rule=False)
    return rows.order_by(*TEAM_SORTS.get(sort, TEAM_SORTS["name"]))


class PlacementPages:
    """The students' table for a Paginator: counted and paged on the placements alone (the (run,
    id) index), the names joined for the page's rows only — one COUNT and one page query, whatever
    the planner thinks of a run's size (a run just written has no statistics yet)."""

    def __init__(self, rows: QuerySet, order: tuple):
        self.rows, self.order = rows, order

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list:
        page = self.rows.order_by(*self.order).values("pk")[window]
        return list(AllocationPlacement.objects.filter(pk__in=page).order_by(*self.order).values(
            "pk", "rank", "locked", "team_id", name=F("student__full_name"),
            university=F("student__university__short_name"), team_name=F("team__name")))


def placements(run: AllocationRun, *, sort: str = "name", show: str = "") -> PlacementPages:
    """One dict per student (name, university, team name, rank, locked). Rows are written in name
    order (services._store_result): the (run, id) index pages them."""
    rows = AllocationPlacement.objects.filter(run=run)
    if show == "unplaced":
        rows = rows.filter(team__isnull=True)
    elif show == "locked":
        rows = rows.filter(locked=True)
    return PlacementPages(rows, PLACEMENT_SORTS.get(sort, PLACEMENT_SORTS["name"]))


def placement_for(student: User, run: AllocationRun):
    return AllocationPlacement.objects.filter(run=run, student=student).select_related("team").first()
