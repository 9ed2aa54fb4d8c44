"""Certificates benchmark: bulk issuing of N certificates (default 10,000; target ≤ 10 minutes)
and the public verify page (target p95 ≤ 50 ms). Run through bench/certificates.sh, which gives
it a fresh, migrated database. Builds one closed edition with N participants in teams of eight
(bulk inserts), publishes a ranking, then times the bulk run the Celery task executes
(`services.run_issue`: numbering, signing, audit, notification per person, batches of
CERTIFICATE_BATCH_SIZE), the PDF rendering of a sample, and GET /verify/<code>/ in-process."""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import setup_django  # noqa: E402

setup_django()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from certificates import services  # noqa: E402
from certificates.models import Certificate, CertificateSettings, IssueRun  # noqa: E402
from evaluation.models import Commission, ResultSnapshot  # noqa: E402
from marathon.models import Edition, ScientificArea, University, User  # noqa: E402
from projects.models import Membership, MembershipRole, Project, ProjectStatus, Team  # noqa: E402

TEAM = 8


def build(people: int) -> Edition:
    start = date(2090, 1, 10)
    edition = Edition.objects.create(
        year=2090, title="Students Project Marathon 2090", proposals_start=start,
        proposals_end=start + timedelta(days=30), team_formation_start=start + timedelta(days=31),
        team_formation_end=start + timedelta(days=60), research_start=start + timedelta(days=61),
        research_end=start + timedelta(days=200), evaluation_start=start + timedelta(days=201),
        evaluation_end=start + timedelta(days=230))
    universities = [University.objects.create(name=f"Bench University {i}", short_name=f"BU{i}", country="DE",
                                              city="Berlin", latitude=52, longitude=13) for i in range(8)]
    area = ScientificArea.objects.create(name="Bench area", slug="bench-area")
    teams = people // TEAM
    users = User.objects.bulk_create([
        User(email=f"bench{i}@example.org", full_name=f"Bench Person {i}", password="!",
             status="professor" if i % TEAM == 0 else "master", university=universities[i % 8])
        for i in range(teams * TEAM)], batch_size=2000)
    projects = Project.objects.bulk_create([
        Project(edition=edition, area=area, title=f"Bench project {t}", summary="Bench", proposer=users[t * TEAM],
                team_size_min=2, team_size_max=TEAM, status=ProjectStatus.COMPLETED) for t in range(teams)],
        batch_size=2000)
    team_rows = Team.objects.bulk_create([Team(project=p, edition=edition, name=p.title, capacity=TEAM)
                                          for p in projects], batch_size=2000)
    Membership.objects.bulk_create([
        Membership(team=team_rows[i // TEAM], user=user, edition=edition,
                   role=MembershipRole.SUPERVISOR if i % TEAM == 0 else MembershipRole.MEMBER)
        for i, user in enumerate(users)], batch_size=2000)
    commission = Commission.objects.create(edition=edition)
    ResultSnapshot.objects.create(commission=commission, data={
        "edition": 2090, "ranking_method": "mean", "criteria": [],
        "projects": [{"project": t.project_id, "title": t.name, "team": t.pk, "team_name": t.name,
                      "ranks": {"mean": rank}, "official_rank": rank, "scores": {"mean": 50}}
                     for rank, t in enumerate(team_rows, start=1)]})
    CertificateSettings.objects.create(edition=edition, workload_hours=120, ects=4,
                                       signatories=[{"name": "Bench Signatory", "title": "Director"}])
    return edition


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--pdfs", type=int, default=30)
    parser.add_argument("--verify-requests", type=int, default=500)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    office = User.objects.create(email="bench-office@example.org", full_name="Bench Office", is_staff=True,
                                 status="researcher", password="!")

    started = time.perf_counter()
    edition = build(args.people)
    build_seconds = time.perf_counter() - started

    run = IssueRun.objects.create(edition=edition, started_by=office, total=args.people)
    # The PDFs are rendered by their own Celery task after the run (or on first download); with
    # eager tasks that would run inside this timing, so it is timed separately below.
    services.enqueue_pdfs = lambda edition_id: None
    started = time.perf_counter()
    services.run_issue(run_id=run.pk)
    issue_seconds = time.perf_counter() - started
    issued = Certificate.objects.filter(edition=edition).count()

    sample = list(Certificate.objects.filter(edition=edition).order_by("?")[:args.pdfs])
    started = time.perf_counter()
    for certificate in sample:
        services.store_pdf(certificate)
    pdf_seconds = (time.perf_counter() - started) / max(1, len(sample))

    codes = list(Certificate.objects.filter(edition=edition).values_list("code", flat=True))
    client = Client()
    client.get(f"/verify/{codes[0]}/")  # warm the template cache
    timings, cpu, queries = [], [], []
    rng = random.Random(1)
    # Queries are counted by a wrapper, not by turning DEBUG on: with DEBUG on the navbar is
    # rendered on every request (marathon.templatetags.portal_nav caches it only with DEBUG off)
    # and every query is logged — the earlier measurement timed both.
    executed = []
    with connection.execute_wrapper(lambda execute, *a: executed.append(1) or execute(*a)):
        for _ in range(args.verify_requests):
            executed.clear()
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.get(f"/verify/{rng.choice(codes)}/")
            timings.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
            queries.append(len(executed))
            assert response.status_code == 200
    result = {
        "people": args.people, "issued": issued, "build_seconds": round(build_seconds, 1),
        "issue_seconds": round(issue_seconds, 1), "issue_rate_per_second": round(issued / issue_seconds, 1),
        "issue_target_met": issue_seconds <= 600,
        "pdf_seconds_each": round(pdf_seconds, 3), "pdf_sample": len(sample),
        "verify_p50_ms": round(statistics.median(timings), 1), "verify_p95_ms": round(percentile(timings, 95), 1),
        "verify_cpu_p50_ms": round(statistics.median(cpu), 1), "verify_cpu_p95_ms": round(percentile(cpu, 95), 1),
        "verify_queries": max(queries), "load_average": [round(x, 1) for x in os.getloadavg()],
        "verify_target_met": percentile(timings, 95) <= 50,
    }
    print(json.dumps(result, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
