"""CI smoke test of the benchmark (issue 7): scale data at scale 1, then the load driver against
the live server for a handful of requests. Never asserts timings: the figures live in bench/."""

import json
import os

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from bench import load, report
from marathon.models import Edition, University, User
from marathon.scale import Sizes, generate
from projects.models import Membership, Project, Team
from teams.models import JoinRequest


def snapshot() -> dict:
    """The generated rows by natural keys (primary keys differ between runs)."""
    return {
        "users": list(User.objects.order_by("email").values_list(
            "email", "full_name", "status", "university__name", "organisation__name", "country")),
        "projects": list(Project.objects.order_by("edition__year", "title", "proposer__email").values_list(
            "edition__year", "title", "area__slug", "status", "proposer__email", "customer__name")),
        "memberships": sorted(Membership.objects.values_list("team__project__title", "user__email", "role")),
        "join_requests": sorted(JoinRequest.objects.values_list("team__project__title", "student__email",
                                                                "status")),
    }


class Rollback(Exception):
    pass


@pytest.mark.django_db
def test_scale_1_is_about_the_seeds_size():
    call_command("generate_scale_data", scale=1, seed=3)
    participants = Membership.objects.values("user").distinct().count()
    assert (University.objects.count(), Edition.objects.count(), User.objects.count()) == (5, 3, 110)
    assert (Team.objects.count(), Project.objects.filter(team__isnull=False).count()) == (16, 16)
    assert 75 <= participants <= 115  # the seed: 95+
    for persona in ("office", "chair", "expert", "professor", "student", "coordinator"):
        assert User.objects.filter(email=f"{persona}@marathon.example").exists()
    current = Edition.objects.current()
    assert not Membership.objects.filter(user__email="student@marathon.example", edition=current).exists()


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_and_another_seed_other_data():
    def generated(seed: int) -> dict:
        try:
            with transaction.atomic():
                rows = {"counts": generate(scale=2, seed=seed).counts, **snapshot()}
                raise Rollback
        except Rollback:
            return rows

    first = generated(11)
    assert first == generated(11)
    assert first["users"] != generated(12)["users"]
    assert len(first["users"]) == Sizes(2).people


@pytest.mark.django_db
def test_refuses_a_non_empty_database():
    call_command("generate_scale_data", scale=1)
    with pytest.raises(CommandError, match="not empty"):
        call_command("generate_scale_data", scale=1)


@pytest.mark.django_db
def test_equal_data_options_grow_only_the_edition_being_evaluated():
    from evaluation.models import CommissionMember, ScoreSheet

    call_command("generate_scale_data", scale=1, seed=2, evaluation_projects=30, evaluation_sheets=100)
    today = timezone.localdate()
    evaluated = Edition.objects.get(evaluation_start__lte=today, evaluation_end__gte=today)
    sheets = ScoreSheet.objects.filter(assignment__project__edition=evaluated)
    assert Team.objects.filter(edition=evaluated).count() == 30
    assert Project.objects.filter(edition=evaluated, team__isnull=False).count() == 30
    assert sheets.filter(status="submitted").count() == 100
    assert sheets.filter(status="draft", assignment__member__user__email="expert@marathon.example").count() == 20
    assert sheets.filter(status="draft").exclude(assignment__member__user__email="expert@marathon.example").exists()
    # Every team is staffed (students, one team per student and edition) and every project has
    # experts of at least two groups; the other editions keep their plain sizes.
    for team in Team.objects.filter(edition=evaluated):
        assert team.memberships.exclude(role="supervisor").count() >= 3
    members = CommissionMember.objects.filter(commission__edition=evaluated).count()
    assert members >= Sizes(1, 30, 100).evaluation_experts
    assert Team.objects.exclude(edition=evaluated).count() == 16 - 5  # the plain plan minus that edition's 5
    with pytest.raises(CommandError, match="needs --evaluation-projects"):
        call_command("generate_scale_data", scale=1, evaluation_sheets=10)


@pytest.mark.django_db(transaction=True)
def test_load_driver_runs_every_available_scenario_without_errors(live_url, tmp_path):
    call_command("generate_scale_data", scale=1, seed=5, evaluation_projects=30, evaluation_sheets=100)
    # The live server runs in this process: its CPU stands in for the gunicorn workers'.
    own_cpu = lambda: [os.getpid()]  # noqa: E731
    results = load.benchmark(live_url, count=4, concurrency=2, warmup=0, log=lambda line: None,
                             cpu_pids=own_cpu, mixed_experts=2)
    report.write(results, tmp_path)

    assert results["login_failures"] == {}
    available = [row for row in results["scenarios"] if row["available"]]
    assert {"home page (baseline)", "profile API /me/ (baseline)"} <= {row["name"] for row in available}
    for row in available:
        codes = [int(code) for code in row["status_codes"]]
        assert row["errors"] == 0, (row["name"], row["status_codes"])
        assert all(200 <= code < 400 for code in codes), row["name"]
        assert {"p50_ms", "p95_ms", "p99_ms", "rps", "queries_per_request"} <= set(row)
    for row in results["scenarios"]:
        assert row["available"] or row["reason"]
        assert not row.get("reason", "").startswith("driver error"), row
        assert row.get("phase") == "warm"
    assert (tmp_path / "results.json").exists()
    assert "| scenario |" in (tmp_path / "results.md").read_text()

    # Issue 18: the equal-data scenarios, worker CPU per request, the mixed run...
    by_name = {row["name"]: row for row in available}
    for name in ("chair's dashboard, equal data (warm)", "chair's results API, equal data (warm)",
                 "catalogue API, equal-data edition", "score-sheet page, equal data", "score-sheet save (PUT)",
                 "mixed: chair's dashboard while experts save",
                 "mixed: score-sheet saves (2 experts) during dashboard reloads"):
        assert name in by_name, name
        assert set(by_name[name]["status_codes"]) <= {"200"}, (name, by_name[name]["status_codes"])
        assert by_name[name]["cpu_ms_per_request"] is not None
        # Read from the local PostgreSQL server's processes (in clock ticks: a few requests may
        # round to 0).
        assert by_name[name]["db_cpu_ms_per_request"] >= 0, name
        assert by_name[name]["driver_cpu_ms_per_request"] > 0, name
    dashboard = by_name["mixed: chair's dashboard while experts save"]
    saves = by_name["mixed: score-sheet saves (2 experts) during dashboard reloads"]
    assert dashboard["requests"] == 4 and saves["requests"] >= 1 and saves["clients"] == 2
    assert "30 projects, 100 submitted sheets" in results["meta"]["equal_data"]
    assert "worker CPU ms/req | database CPU ms/req | driver CPU ms/req" in (tmp_path / "results.md").read_text()

    # ... and the cold phase (the results cache off), appended to the same results.
    with override_settings(EVALUATION_RESULTS_CACHE=False):
        cold = load.benchmark(live_url, count=3, concurrency=2, warmup=0, log=lambda line: None,
                              cpu_pids=own_cpu, phase="cold")
    assert [row["name"] for row in cold["scenarios"]] == ["chair's dashboard, equal data (cold)",
                                                         "chair's results API, equal data (cold)"]
    for row in cold["scenarios"]:
        assert row["available"] and row["errors"] == 0 and set(row["status_codes"]) == {"200"}, row
        assert row["cpu_target_ms"] == 100 or row["kind"] == "api"
    report.write(load.append(json.loads((tmp_path / "results.json").read_text()), cold), tmp_path)
    merged = json.loads((tmp_path / "results.json").read_text())
    assert len(merged["scenarios"]) == len(results["scenarios"]) + 2
    assert "equal data (cold)" in (tmp_path / "results.md").read_text()
