"""Why is a scenario slow? Runs its first request in-process (Django test client, as its
persona, rolled back) under cProfile, prints the top functions by cumulative time, the slowest
SQL statements, and EXPLAIN ANALYZE of the slowest one.

    DATABASE_URL=postgres://.../marathon_bench python -m bench.profile "chair's results" [top]
"""

import cProfile
import io
import pstats
import sys

from bench import setup_django

SQL_SHOWN = 8


def profile(name_part: str, top: int = 30) -> None:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import scenarios
    from bench.querycount import _json, _Rollback

    matches = [s for s in scenarios.build(write_count=2) if name_part.lower() in s.name.lower()]
    if not matches:
        sys.exit(f"No scenario matches {name_part!r}.")
    scenario = matches[0]
    if scenario.unavailable or not scenario.requests:
        sys.exit(f"{scenario.name}: not available ({scenario.unavailable or 'no rows'}).")
    spec = scenario.requests[0]
    client = Client(HTTP_ACCEPT="application/json, text/html")
    profiler = cProfile.Profile()
    try:
        with transaction.atomic():
            client.force_login(scenarios.persona_user(scenario.persona))
            # Warm caches (URLs, templates); a write warms up on another target than the measured one.
            warm = scenario.requests[1] if scenario.method != "GET" and len(scenario.requests) > 1 else spec
            client.generic(scenario.method, warm["path"], data=_json(warm.get("json")),
                           content_type="application/json")
            with CaptureQueriesContext(connection) as captured:
                profiler.enable()
                response = client.generic(scenario.method, spec["path"], data=_json(spec.get("json")),
                                          content_type="application/json")
                profiler.disable()
            slowest = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
            print(f"{scenario.name}: {scenario.method} {spec['path']} -> {response.status_code}, "
                  f"{len(captured)} queries, {sum(float(q['time']) for q in captured.captured_queries):.3f} s in SQL")
            for query in slowest[:SQL_SHOWN]:
                print(f"  {float(query['time']) * 1000:8.1f} ms  {' '.join(query['sql'].split())[:400]}")
            explainable = slowest and slowest[0]["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
            if explainable and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[0]["sql"])
                    print("\nEXPLAIN ANALYZE of the slowest statement:")
                    print("\n".join(row[0] for row in cursor.fetchall()))
            raise _Rollback
    except _Rollback:
        pass
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    # The project's own functions (apps, templates' callers) are where a fix goes.
    stats.sort_stats("cumulative").print_stats(r"^(?!.*site-packages)(?!.*/lib/python3)", 25)
    stats.sort_stats("tottime").print_stats(15)
    print(out.getvalue())


def main() -> None:
    setup_django()
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    profile(sys.argv[1], top=int(sys.argv[2]) if len(sys.argv) > 2 else 40)


if __name__ == "__main__":
    main()
