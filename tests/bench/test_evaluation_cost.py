"""Worker CPU of the chair's dashboard (cold and warm), the results API (cold) and the score-sheet
save at the peer's size (issue 18). The suite runs a smoke size with behaviour assertions and no
timing assertions; the figures in bench/README.md come from

    EVALUATION_COST_PROJECTS=1500 EVALUATION_COST_N=20 pytest -s tests/bench/test_evaluation_cost.py

(`EVALUATION_COST_PROFILE=dashboard_cold` adds a cProfile of that action)."""

import json
import os

import pytest
from django.test import Client

from bench import evaluation_cost
from evaluation import selectors
from evaluation.models import ScoreSheet

pytestmark = pytest.mark.django_db


def test_evaluation_cost_harness(settings):
    # Static URLs without a collected manifest (the worktree has no `collectstatic` output).
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    n_projects = int(os.environ.get("EVALUATION_COST_PROJECTS", "12"))
    n = int(os.environ.get("EVALUATION_COST_N", "2"))
    world = evaluation_cost.build(n_projects=n_projects, n_experts=max(10, n_projects * 276 // 1500))
    chair_client, expert_client = Client(), Client()
    chair_client.force_login(world.chair)
    expert_client.force_login(world.expert)

    figures = evaluation_cost.measure(world, chair_client, expert_client, n=n, warmup=1)
    print(f"\n{n_projects} projects, {world.sheets} submitted sheets, {n} requests each:")  # noqa: T201
    for name, ms in figures.items():
        print(f"  {name}: {ms:.2f} ms CPU/request")  # noqa: T201
    if os.environ.get("EVALUATION_COST_PROFILE"):
        print(evaluation_cost.profile(world, chair_client, expert_client, os.environ["EVALUATION_COST_PROFILE"],
                                      sort=os.environ.get("EVALUATION_COST_SORT", "cumulative")))  # noqa: T201

    # Behaviour, not timing: every project is ranked, the save wrote what it was given.
    results = selectors.live_results(world.commission)
    assert len(results["projects"]) == n_projects
    assert results["agreement"]["sheets"] == world.sheets
    response = chair_client.get(evaluation_cost.paths(world)["results_api"])
    assert response.json()["live"]["projects"][0]["official_rank"] == 1
    last = json.loads(evaluation_cost.save_body(world, n - 1))
    sheet = ScoreSheet.objects.get(pk=world.sheet.pk)
    assert sheet.feedback == last["feedback"]
    assert sorted(sheet.scores.values_list("criterion_id", "value")) == sorted(
        (s["criterion"], s["value"]) for s in last["scores"])
