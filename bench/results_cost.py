"""The chair's results API in-process: worker CPU per request and the bodies, to compare two
versions of the code byte for byte (bench/README.md, "Round 4").

    DATABASE_URL=postgres://.../marathon_bench python -m bench.results_cost cost [n] [dashboard]
    DATABASE_URL=postgres://.../marathon_bench python -m bench.results_cost bodies OUT_DIR

`cost`: the cold request of the edition being evaluated (`EVALUATION_RESULTS_CACHE=0` in the
environment; `dashboard`: the chair's dashboard page instead of the API), `n` times after two
warm-ups (then the garbage collector's heap frozen, as in the gunicorn workers), as the chair
persona; prints the median and minimum `time.process_time()` (worker CPU) and wall time per
request, then the median and minimum SQL time per request (the sum of its statements' times, as
Django's debug cursor takes them, over n more requests).
`bodies`: for every commission, as one of its chairs, in English and German, with the results
cache on (twice: computed, then read back) and off, writes each response's status and body to
`OUT_DIR` (the clock frozen, so `computed_at` is the same in every run); `diff -r` two of them.
Everything runs in a transaction that is rolled back."""

import gc
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

from bench import setup_django

FROZEN = "2026-12-04T06:00:00+00:00"


class _Rollback(Exception):
    pass


def _client(user):
    from django.test import Client

    client = Client(HTTP_ACCEPT="application/json, text/html")
    client.force_login(user)
    return client


def cost(n: int, dashboard: bool = False) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from bench import scenarios

    scenario = scenarios.equal_dashboard("cold") if dashboard else scenarios.equal_results_api("cold")
    path = scenario.requests[0]["path"]
    try:
        with transaction.atomic():
            client = _client(scenarios.persona_user("chair"))
            for _ in range(2):
                assert client.get(path).status_code == 200
            gc.freeze()  # as deploy/gunicorn.conf.py does after loading the app
            cpu, wall = [], []
            for _ in range(n):
                start_cpu, start_wall = time.process_time(), time.perf_counter()
                response = client.get(path)
                cpu.append(time.process_time() - start_cpu)
                wall.append(time.perf_counter() - start_wall)
            sql = []  # then n more requests, each's statements timed (the capture costs CPU of its own)
            for _ in range(n):
                with CaptureQueriesContext(connection) as captured:
                    client.get(path)
                sql.append(sum(float(q["time"]) for q in captured.captured_queries))
            raise _Rollback
    except _Rollback:
        pass
    finally:
        gc.unfreeze()
    print(f"{path}: {response.status_code}, {len(response.content):,} bytes, {len(captured)} queries, "
          f"SQL median {statistics.median(sql) * 1000:.1f} ms (min {min(sql) * 1000:.1f}); "
          f"worker CPU median {statistics.median(cpu) * 1000:.1f} ms "
          f"(min {min(cpu) * 1000:.1f}); wall median {statistics.median(wall) * 1000:.1f} ms "
          f"(min {min(wall) * 1000:.1f}); n={n}")


def bodies(out: Path) -> None:
    from datetime import datetime

    from django.db import transaction

    from evaluation.models import Criterion

    out.mkdir(parents=True, exist_ok=True)
    frozen = datetime.fromisoformat(FROZEN)
    try:
        with transaction.atomic(), mock.patch("django.utils.timezone.now", return_value=frozen):
            # German names for the criteria (the generated ones have none): the document is per language.
            for criterion in Criterion.objects.all():
                Criterion.objects.filter(pk=criterion.pk).update(name_de=f"{criterion.name} (de) ß")
            _write_bodies(out, "")
            # Conflicts recorded on some submitted sheets, and some sheets back to drafts: fewer
            # counted sheets, projects left without any.
            conflicts_and_drafts()
            _write_bodies(out, "-conflicts")
            raise _Rollback
    except _Rollback:
        pass
    print(f"bodies written to {out}")


def conflicts_and_drafts() -> None:
    """Conflicts declared on every 37th submitted sheet and every 11th from the 5th back to a
    draft (inside the caller's rolled-back transaction): fewer counted sheets, some projects left
    without any. Shared with `bench.dashboard_html`."""
    from evaluation.models import ConflictOfInterest, ConflictSource, ScoreSheet, SheetStatus

    sheets = list(ScoreSheet.objects.filter(status=SheetStatus.SUBMITTED).order_by("pk")
                  .values_list("pk", "assignment__member_id", "assignment__project_id"))
    ConflictOfInterest.objects.bulk_create([
        ConflictOfInterest(member_id=member, project_id=project, source=ConflictSource.DECLARED, reason="x")
        for _pk, member, project in sheets[::37]])
    ScoreSheet.objects.filter(pk__in=[pk for pk, _m, _p in sheets[5::11]]).update(status=SheetStatus.DRAFT)


def _write_bodies(out: Path, suffix: str) -> None:
    from django.core.cache import cache
    from django.test import override_settings

    from evaluation.models import Commission

    for commission in Commission.objects.select_related("edition").order_by("pk"):
        seat = commission.members.filter(is_chair=True).select_related("user").first()
        if seat is None:
            continue
        client = _client(seat.user)
        path = f"/api/v1/evaluation/results/?edition={commission.edition_id}"
        for language in ("en", "de"):
            for label, cached in (("cold", False), ("cached", True), ("cached-again", True)):
                if label == "cached":
                    cache.clear()
                with override_settings(EVALUATION_RESULTS_CACHE=cached):
                    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
                name = f"edition{commission.edition_id}-{language}-{label}{suffix}"
                (out / name).write_bytes(b"%d\n" % response.status_code + response.content)


def main() -> None:
    setup_django()
    if len(sys.argv) < 2 or sys.argv[1] not in ("cost", "bodies"):
        sys.exit(__doc__)
    if sys.argv[1] == "cost":
        cost(int(sys.argv[2]) if len(sys.argv) > 2 else 30, dashboard=sys.argv[3:4] == ["dashboard"])
    else:
        bodies(Path(sys.argv[2]))


if __name__ == "__main__":
    main()
