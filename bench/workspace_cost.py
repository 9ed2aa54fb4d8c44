"""Worker CPU, SQL time and queries per request of the workspace scenarios (issue 18, round 5).

    DJANGO_SETTINGS_MODULE=marathon.settings DATABASE_URL=postgres://.../marathon_bench_ws DEBUG=0 ... \
        python -m bench.workspace_cost [rounds] [scenario-name-part]

Runs the benchmark's own requests (`bench.scenarios`: the team workspace page, the lab journal,
the office at-risk dashboard) in-process with Django's test client as the scenario's persona,
and prints per scenario the median over `rounds` of the mean `time.process_time()` per request
(worker CPU; waiting for PostgreSQL is not counted), the wall time spent in `cursor.execute`
and the queries per request. Run it from the checkout to measure (before/after alternating)."""

import statistics
import sys
import time

from bench import setup_django


def _timer(store):
    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            store.append(time.perf_counter() - start)
    return wrapper


def measure(rounds: int = 5, only: str = "") -> dict:
    from django.db import connection
    from django.test import Client

    from bench import scenarios

    wanted = [s for s in (scenarios.workspace_page(), scenarios.journal_page(), scenarios.at_risk_dashboard())
              if only.lower() in s.name.lower()]
    results = {}
    for scenario in wanted:
        client = Client()
        client.force_login(scenarios.persona_user(scenario.persona))
        paths = [r["path"] for r in scenario.requests]
        for path in paths:  # warm-up: caches, statements built once per process
            assert client.get(path).status_code == 200, path
        cpu, sql, queries = [], [], []
        for _ in range(rounds):
            executed: list[float] = []
            with connection.execute_wrapper(_timer(executed)):
                start = time.process_time()
                for path in paths:
                    client.get(path)
                cpu.append((time.process_time() - start) / len(paths) * 1000)
            sql.append(sum(executed) / len(paths) * 1000)
            queries.append(len(executed) / len(paths))
        results[scenario.name] = {"cpu": statistics.median(cpu), "sql": statistics.median(sql),
                                  "queries": statistics.median(queries), "requests": len(paths)}
    return results


if __name__ == "__main__":
    setup_django()
    found = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 5, sys.argv[2] if len(sys.argv) > 2 else "")
    for name, row in found.items():
        print(f"{name:45s} cpu {row['cpu']:6.2f} ms  sql {row['sql']:6.2f} ms  "
              f"queries {row['queries']:5.2f}  ({row['requests']} requests)")
