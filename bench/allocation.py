"""Allocation benchmark (issue 14): N students × M projects × 5 ranked choices, popularity skewed,
team size 3–6, mix rule ≥ 2 universities and ≥ 2 degree levels — data generated in PostgreSQL,
then one run measured end to end (load from PostgreSQL, solve, first-come baseline, write the
draft), the review page's p95, and the commit.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/marathon_allocation_bench \\
        .venv/bin/python -m bench.allocation --students 10000 --projects 1600

The database is dropped and re-created (its name must contain "bench"). Results are printed as
Markdown and written to bench/runs/allocation-<students>.json.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marathon.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-allocation-not-secret-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("MFA_REQUIRED_FOR_STAFF", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
os.environ.pop("REDIS_URL", None)  # the run executes eagerly in this process: end-to-end time measured here
ROOT = Path(__file__).resolve().parent.parent


def recreate_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        sys.exit("The benchmark database name must contain 'bench' (it is dropped).")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", "-q", admin, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                    "-c", f'CREATE DATABASE "{name}"'], check=True)


def generate(students: int, projects: int, seed: int):
    import numpy as np
    from django.utils import timezone

    from marathon.models import Edition, ScientificArea, University, User
    from projects.models import Project, ProjectStatus, Team
    from teams.allocation.models import Preference, PreferenceList

    rng = np.random.default_rng(seed)
    today = timezone.localdate()
    edition = Edition.objects.create(
        year=2090, title="Bench", proposals_start=today - timedelta(days=60), proposals_end=today - timedelta(days=30),
        team_formation_start=today - timedelta(days=20), team_formation_end=today + timedelta(days=20),
        research_start=today + timedelta(days=30), research_end=today + timedelta(days=120),
        evaluation_start=today + timedelta(days=121), evaluation_end=today + timedelta(days=150),
        team_size_min=3, team_size_max=6, min_universities=2, require_degree_mix=True)
    unis = University.objects.bulk_create([
        University(name=f"University {i}", short_name=f"U{i}", country="DE", city="City", latitude=50, longitude=10)
        for i in range(40)])
    area = ScientificArea.objects.create(name="Bench area", slug="bench-area")
    profs = User.objects.bulk_create([
        User(email=f"prof{i}@bench.example", full_name=f"Professor {i}", status="professor",
             university=unis[i % 40], password="!") for i in range(200)])
    levels = np.array(["bachelor", "master", "phd"])
    people = User.objects.bulk_create([
        User(email=f"s{i}@bench.example", full_name=f"Student {i:05d}", status=levels[rng.choice(3, p=[.5, .35, .15])],
             university=unis[int(rng.integers(40))], password="!") for i in range(students)], batch_size=5000)
    project_rows = Project.objects.bulk_create([
        Project(edition=edition, area=area, title=f"Project {j:04d}", summary="Bench", proposer=profs[j % 200],
                team_size_min=3, team_size_max=6, status=ProjectStatus.APPROVED) for j in range(projects)],
        batch_size=2000)
    teams = Team.objects.bulk_create([Team(project=p, edition=edition, name=p.title, capacity=6)
                                      for p in project_rows], batch_size=2000)
    popularity = 1.0 / np.arange(1, projects + 1) ** 0.8  # a few projects are very popular
    popularity = popularity[rng.permutation(projects)]
    popularity /= popularity.sum()
    now = timezone.now()
    lists = PreferenceList.objects.bulk_create([
        PreferenceList(student=s, edition=edition, submitted_at=now - timedelta(seconds=int(rng.integers(86400 * 20))),
                       updated_at=now - timedelta(days=21)) for s in people], batch_size=5000)
    rows = []
    for ranking in lists:
        for rank, j in enumerate(rng.choice(projects, 5, replace=False, p=popularity), start=1):
            rows.append(Preference(ranking=ranking, team=teams[int(j)], rank=rank))
    Preference.objects.bulk_create(rows, batch_size=10000)
    office = User.objects.create(email="office@bench.example", full_name="Bench Office", status="researcher",
                                 is_staff=True, password="!")
    return edition, office


def p95(samples):
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=10000)
    parser.add_argument("--projects", type=int, default=1600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--no-commit", action="store_true")
    parser.add_argument("--no-notify", action="store_true", help="skip timing the notification task")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/marathon_allocation_bench")
    os.environ["DATABASE_URL"] = url
    recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from teams.allocation import services
    from teams.allocation.models import AllocationRun

    call_command("migrate", verbosity=0)
    from django.conf import settings

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():  # DEBUG off: pages need the manifest
        call_command("collectstatic", interactive=False, verbosity=0)
    started = time.monotonic()
    edition, office = generate(args.students, args.projects, args.seed)
    generated = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    began = time.monotonic()
    run = services.start_run(edition=edition, actor=office)  # eager: solved before this returns
    end_to_end = time.monotonic() - began
    run = AllocationRun.objects.get(pk=run.pk)

    client = Client()
    client.force_login(office)
    timings = {}
    for label, params in (("teams, page 1", {}), ("teams, page 20", {"page": 20}),
                          ("students, page 50", {"tab": "students", "page": 50})):
        samples = []
        for _ in range(args.requests):
            t0 = time.monotonic()
            response = client.get(reverse("teams:allocation_review", args=[run.pk]), params)
            samples.append((time.monotonic() - t0) * 1000)
            assert response.status_code == 200, response.status_code
        timings[label] = {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(p95(samples), 1)}

    commit_seconds = notify_seconds = None
    if not args.no_commit and run.status == "done":
        queued = []
        real_enqueue = services._enqueue
        services._enqueue = lambda name, run_id, on_error: queued.append((name, run_id))
        t0 = time.monotonic()
        services.commit_run(run=run, actor=office)  # the transaction: locks, checks, memberships, requests
        commit_seconds = round(time.monotonic() - t0, 2)
        services._enqueue = real_enqueue
        if not args.no_notify:
            t0 = time.monotonic()
            services.notify_placed(run_id=run.pk)  # what the Celery task does, batch by batch
            notify_seconds = round(time.monotonic() - t0, 2)
        run.refresh_from_db()

    result = {
        "students": args.students, "projects": args.projects, "seed": args.seed,
        "generate_seconds": round(generated, 1), "end_to_end_seconds": round(end_to_end, 2),
        "run_total_seconds": run.total_seconds, "solve_seconds": run.solve_seconds, "solver_status": run.solver_status,
        "gap": run.gap, "model": run.model_size, "totals": run.totals, "baseline": run.baseline,
        "review": timings, "commit_seconds": commit_seconds, "notify_seconds": notify_seconds, "notified": run.notified,
    }
    out = ROOT / "bench" / "runs" / f"allocation-{args.students}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    t, b = run.totals, run.baseline
    print(f"## Allocation: {args.students} students × {args.projects} projects × 5 choices\n")
    print(f"- end to end (load from PostgreSQL, solve, baseline, write the draft): **{end_to_end:.1f} s**; "
          f"solver {run.solve_seconds:.1f} s, status {run.solver_status}, gap {run.gap}")
    print(f"- model: {run.model_size}")
    print(f"- commit ({t['placed']} memberships in one transaction): {commit_seconds} s; notifications "
          f"(the Celery task's work, {run.notified} students): {notify_seconds} s")
    print("\n| | optimal allocation | first come |\n|---|---|---|")
    for key in ("students", "placed", "placed_in_rule_teams", "first_choice_pct", "top3_pct", "teams_opened",
                "teams_meeting_rule", "weight"):
        print(f"| {key} | {t.get(key)} | {b.get(key)} |")
    print("\n| review page | p50 ms | p95 ms |\n|---|---|---|")
    for label, row in timings.items():
        print(f"| {label} | {row['p50_ms']} | {row['p95_ms']} |")


if __name__ == "__main__":
    main()
