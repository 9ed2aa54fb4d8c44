"""CI smoke test of the benchmark (issue 7): scale data at scale 1, then the load driver against
the live server for a handful of requests. Never asserts timings: the figures live in bench/."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

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


@pytest.mark.django_db(transaction=True)
def test_load_driver_runs_every_available_scenario_without_errors(live_url, tmp_path):
    call_command("generate_scale_data", scale=1, seed=5)
    results = load.benchmark(live_url, count=4, concurrency=2, warmup=0, log=lambda line: None)
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
    assert (tmp_path / "results.json").exists()
    assert "| scenario |" in (tmp_path / "results.md").read_text()
