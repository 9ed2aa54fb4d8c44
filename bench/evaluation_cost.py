"""Worker CPU of the evaluation's hot paths at the peer's size (issue 18), in-process.

`build(n_projects, sheets_per_project, n_experts)` bulk-creates one commission (five weighted
criteria, every sheet submitted, plus one draft sheet for the save); `measure(...)` returns the
mean `time.process_time()` per request in milliseconds for

* the chair's dashboard with a cold results cache (what the first view after any sheet save costs),
* the chair's results API with a cold cache,
* the chair's dashboard warm (cache hit),
* the expert's score-sheet save (`PUT /api/v1/evaluation/sheets/{id}/`, values alternate so each
  request writes).

Requests go through the whole middleware stack with Django's test client (session login), as in
`bench/request_cost.py`. Run through `tests/bench/test_evaluation_cost.py -s` (its test database):
`EVALUATION_COST_PROJECTS=1500 EVALUATION_COST_N=20 pytest -s tests/bench/test_evaluation_cost.py`."""

import cProfile
import io
import json
import pstats
import random
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

GROUPS = ("host_professor", "partner_professor", "customer", "investor", "external")
WEIGHTS = (30, 20, 20, 20, 10)


@dataclass
class World:
    commission: object
    chair: object
    expert: object
    sheet: object
    criteria: list
    projects: int
    sheets: int


def build(n_projects: int = 1500, sheets_per_project: int = 4, n_experts: int = 276, seed: int = 18) -> World:
    """One commission at the given size with bulk inserts (seconds, not minutes)."""
    from evaluation import services
    from evaluation.models import (
        Assignment,
        Commission,
        CommissionMember,
        Criterion,
        Score,
        ScoreSheet,
        SheetStatus,
    )
    from marathon.models import Edition, ScientificArea, User
    from projects.models import Project, ProjectStatus, Team

    rng = random.Random(seed)
    today = timezone.localdate()
    day = timedelta(days=1)
    edition = Edition.objects.create(
        year=2090, title="Marathon 2090", proposals_start=today - 300 * day, proposals_end=today - 280 * day,
        team_formation_start=today - 290 * day, team_formation_end=today - 270 * day,
        research_start=today - 260 * day, research_end=today - 20 * day, evaluation_start=today - 10 * day,
        evaluation_end=today + 30 * day, team_size_min=2, team_size_max=5, min_universities=2,
        require_degree_mix=False)
    commission = Commission.objects.create(edition=edition)
    criteria = Criterion.objects.bulk_create([
        Criterion(edition=edition, name=f"Criterion {i}", weight=w, scale_min=1, scale_max=5, position=i)
        for i, w in enumerate(WEIGHTS)])
    area = ScientificArea.objects.first() or ScientificArea.objects.create(name="Bench area", slug="bench-area")
    users = User.objects.bulk_create(
        [User(email=f"bench-expert-{i}@example.org", full_name=f"Expert {i:03d}", status=User.Status.PROFESSOR)
         for i in range(n_experts)]
        + [User(email="bench-chair@example.org", full_name="Chair", status=User.Status.PROFESSOR),
           User(email="bench-proposer@example.org", full_name="Proposer", status=User.Status.PROFESSOR)])
    *expert_users, chair, proposer = users
    members = CommissionMember.objects.bulk_create(
        [CommissionMember(commission=commission, user=u, group=GROUPS[i % len(GROUPS)])
         for i, u in enumerate(expert_users)])
    CommissionMember.objects.create(commission=commission, user=chair, group=GROUPS[0], is_chair=True)
    projects = Project.objects.bulk_create([
        Project(edition=edition, area=area, title=f"Project {i:05d}", summary="s", proposer=proposer,
                team_size_min=2, team_size_max=5, status=ProjectStatus.APPROVED) for i in range(n_projects)])
    Team.objects.bulk_create([Team(project=p, edition=edition, name=f"Team {p.title}", capacity=5) for p in projects])
    quality = {p.pk: rng.gauss(3.3, 0.7) for p in projects}
    bias = {m.pk: rng.gauss(0, 0.5) for m in members}
    assignments = Assignment.objects.bulk_create([
        Assignment(member=m, project=p) for p in projects for m in rng.sample(members, sheets_per_project)])
    now = timezone.now()
    sheets = ScoreSheet.objects.bulk_create([
        ScoreSheet(assignment=a, status=SheetStatus.SUBMITTED, submitted_at=now, updated_at=now,
                   feedback=f"Feedback {i % 17}") for i, a in enumerate(assignments)])
    Score.objects.bulk_create([
        Score(sheet=s, criterion=c, scale_min=1, scale_max=5,
              value=max(1, min(5, round(quality[a.project_id] + bias[a.member_id] + rng.gauss(0, 0.6)))))
        for s, a in zip(sheets, assignments, strict=True) for c in criteria])
    refresh = getattr(services, "rebuild_results_aggregates", None)
    if refresh is not None:  # the materialised aggregates of the generated rows (after issue 18)
        refresh(commission=commission)
    # The expert who saves: one more project, assigned through the service (a draft sheet).
    expert = members[0]
    extra = Project.objects.create(edition=edition, area=area, title="Project saved", summary="s",
                                   proposer=proposer, team_size_min=2, team_size_max=5,
                                   status=ProjectStatus.APPROVED)
    Team.objects.create(project=extra, edition=edition, name="Team saved", capacity=5)
    sheet = services.assign_expert(member=expert, project=extra, actor=chair).sheet
    return World(commission=commission, chair=chair, expert=expert.user, sheet=sheet, criteria=criteria,
                 projects=n_projects, sheets=len(sheets))


def _cpu(action, n: int) -> float:
    start = time.process_time()
    for i in range(n):
        action(i)
    return (time.process_time() - start) / n * 1000


def paths(world: World) -> dict:
    year = world.commission.edition.year
    return {
        "dashboard": reverse("evaluation:dashboard", args=[year]),
        "results_api": f"/api/v1/evaluation/results/?edition={world.commission.edition_id}",
        "sheet": f"/api/v1/evaluation/sheets/{world.sheet.pk}/",
    }


def save_body(world: World, i: int) -> str:
    values = [1 + (i + k) % 5 for k in range(len(world.criteria))]
    return json.dumps({"scores": [{"criterion": c.pk, "value": v, "comment": ""}
                                  for c, v in zip(world.criteria, values, strict=True)],
                       "feedback": f"Feedback {i}", "confidential_note": ""})


def _get(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response


def _put(client, path, body):
    response = client.put(path, data=body, content_type="application/json")
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return response


def actions(world: World, chair_client, expert_client) -> dict:
    """name -> action(i): each cold action clears the cache first (outside nothing: the clear is a
    few microseconds of locmem/Redis work, included)."""
    p = paths(world)

    def cold(path):
        def run(_i):
            cache.clear()
            _get(chair_client, path)
        return run

    return {
        "dashboard_cold": cold(p["dashboard"]),
        "results_api_cold": cold(p["results_api"]),
        "dashboard_warm": lambda _i: _get(chair_client, p["dashboard"]),
        "sheet_save": lambda i: _put(expert_client, p["sheet"], save_body(world, i)),
    }


def measure(world: World, chair_client, expert_client, n: int = 10, warmup: int = 2) -> dict[str, float]:
    result = {}
    for name, action in actions(world, chair_client, expert_client).items():
        for i in range(warmup):
            action(10_000 + i)
        result[name] = _cpu(action, n)
    return result


def profile(world: World, chair_client, expert_client, name: str, n: int = 10, top: int = 30,
            sort: str = "cumulative") -> str:
    action = actions(world, chair_client, expert_client)[name]
    action(99_999)
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(n):
        action(i)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
    return out.getvalue()
