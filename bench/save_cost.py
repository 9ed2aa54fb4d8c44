"""Worker CPU, PostgreSQL CPU and statements of the score-sheet save (PUT) and of the expert's
assignment list page (issue 18, round 5), in-process on the benchmark's database.

Each request runs through the whole middleware stack (Django's test client, session login) in a
savepoint that is rolled back, so the data stay as they are. Worker CPU is `time.process_time()`
of this process; PostgreSQL CPU is the utime + stime of this connection's backend
(`pg_backend_pid()`, /proc/<pid>/stat: same machine) over the same requests, both per request:

    DATABASE_URL=postgres://.../marathon_bench_save DEBUG=0 SECRET_KEY=x SECURE_SSL_REDIRECT=0 \\
        python -m bench.save_cost [requests] [rounds]
    python -m bench.save_cost explain [save|list]   # the statements of one request, EXPLAIN'd

The save's bodies are the benchmark's (`scenarios.expert_sheets`: the expert persona's drafts, a
full sheet, values changing on every request).
"""

import os
import statistics
import sys
import time
from pathlib import Path

from bench import setup_django

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# The harness's own statements (each request runs in a savepoint of one outer transaction).
_HARNESS = ("SAVEPOINT", "ROLLBACK TO", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _requests():
    from django.urls import reverse

    from bench import scenarios

    sheets = sorted(dict(scenarios.expert_sheets()).items())  # one body per sheet
    return {
        "save": [("put", f"/api/v1/evaluation/sheets/{pk}/", body)
                 for i in range(4) for pk, body in _changed(sheets, i)],
        "list": [("get", reverse("evaluation:my_sheets"), None)],
    }


def _changed(sheets: list, shift: int) -> list:
    """The bodies with every value other than the stored one (the requests are rolled back, so
    the stored values stay), by `shift` + 1 steps on the criterion's scale: every save writes
    all its scores, as the benchmark's full sheet with new values does."""
    from evaluation.models import Criterion, Score

    stored = {(s.sheet_id, s.criterion_id): s.value
              for s in Score.objects.filter(sheet_id__in=[pk for pk, _body in sheets])}
    scales = {c.pk: (c.scale_min, c.scale_max) for c in Criterion.objects.all()}
    out = []
    for pk, body in sheets:
        scores = []
        for item in body["scores"]:
            low, high = scales[item["criterion"]]
            span = high - low + 1
            old = stored.get((pk, item["criterion"]), item["value"])
            scores.append({**item, "value": low + (old - low + 1 + shift % (span - 1)) % span})
        out.append((pk, {**body, "scores": scores}))
    return out


def _send(client, method, path, body):
    from django.db import transaction

    with transaction.atomic():
        if method == "get":
            response = client.get(path)
        else:
            response = client.put(path, data=body, content_type="application/json")
        transaction.set_rollback(True)
    return response


def _client():
    from django.test import Client

    from bench.scenarios import persona_user

    client = Client(HTTP_ACCEPT="application/json, text/html")
    client.force_login(persona_user("expert"))
    return client


def measure(n: int) -> dict:
    """{name: (worker CPU ms, PostgreSQL CPU ms, queries)} per request, over n requests each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    figures = {}
    for name, requests in _requests().items():
        for i in range(5):  # warm caches (templates, statements, session)
            response = _send(client, *requests[i % len(requests)])
            assert response.status_code == 200, (name, response.status_code, response.content[:300])
        with CaptureQueriesContext(connection) as captured:
            _send(client, *requests[0])
        queries = sum(not q["sql"].startswith(_HARNESS) for q in captured.captured_queries)
        if os.environ.get("SHOW_SQL"):
            for q in captured.captured_queries:
                print(f"  {' '.join(q['sql'].split())[:160]}")  # noqa: T201
        pg, cpu = _backend_cpu(pid), time.process_time()
        for i in range(n):
            _send(client, *requests[i % len(requests)])
        cpu, pg = time.process_time() - cpu, _backend_cpu(pid) - pg
        figures[name] = (cpu / n * 1000, pg / n * 1000, queries)
    return figures


def explain(name: str, runs: int = 9) -> None:
    """Each statement of one request (as sent, parameters inlined), EXPLAIN (ANALYZE, BUFFERS,
    SUMMARY)'d `runs` times inside a rolled-back transaction: median planning and execution."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    client = _client()
    request = _requests()[name][0]
    _send(client, *request)
    with CaptureQueriesContext(connection) as captured:
        _send(client, *request)
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(_HARNESS)]
    total_plan = total_exec = 0.0
    for sql in statements:
        plans, execs = [], []
        plan_text = ""
        for _ in range(runs):
            with transaction.atomic(), connection.cursor() as cursor:  # a savepoint: rolled back
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, SUMMARY) " + sql)
                lines = [row[0] for row in cursor.fetchall()]
                transaction.set_rollback(True)
            plan_text = "\n".join(lines)
            for line in lines:
                if line.startswith("Planning Time:"):
                    plans.append(float(line.split()[2]))
                elif line.startswith("Execution Time:"):
                    execs.append(float(line.split()[2]))
        plan, execute = statistics.median(plans or [0.0]), statistics.median(execs)
        total_plan, total_exec = total_plan + plan, total_exec + execute
        print(f"--- planning {plan:.3f} ms  execution {execute:.3f} ms\n{' '.join(sql.split())[:400]}")  # noqa: T201
        if os.environ.get("PLANS"):
            print(plan_text)  # noqa: T201
    print(f"=== {len(statements)} statements: planning {total_plan:.3f} ms + execution {total_exec:.3f} ms")  # noqa: T201


def main() -> None:
    setup_django()
    from django.db import transaction

    from bench.querycount import _Rollback

    try:
        with transaction.atomic():  # one outer transaction, rolled back: the data stay as they are
            if len(sys.argv) > 1 and sys.argv[1] == "explain":
                explain(sys.argv[2] if len(sys.argv) > 2 else "save")
            else:
                n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
                for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 1):
                    for name, (cpu, pg, queries) in measure(n).items():
                        print(f"{name:5s} worker {cpu:6.2f} ms  PostgreSQL {pg:5.2f} ms  "  # noqa: T201
                              f"{queries} queries")
            raise _Rollback
    except _Rollback:
        pass


if __name__ == "__main__":
    main()
