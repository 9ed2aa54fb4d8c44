"""Worker CPU, queries and PostgreSQL time of the three requests of issue 18, round 5: the
score-sheet page over the equal-data edition (the expert's drafts), the catalogue API over the
equal-data edition and over the current edition (the student; the scenarios' own URLs).
In-process (Django test client, the whole middleware stack, `DEBUG=0`, the Redis cache):

    DATABASE_URL=postgres://.../marathon_bench_sheet DEBUG=0 SECRET_KEY=x SECURE_SSL_REDIRECT=0 \\
        python -m bench.round5_cost cpu [rounds] [requests]     # CPU ms/request, queries/request
    ... python -m bench.round5_cost sql [repeats]                 # EXPLAIN (ANALYZE, SUMMARY) per statement
    ... python -m bench.round5_cost profile NAME [requests]      # cProfile (process_time) of one

`cpu` prints the mean `time.process_time()` per request of each scenario per round (rounds
interleave the scenarios) and the median; `sql` replays every statement of one pass over the
scenario's URLs with `EXPLAIN (ANALYZE, SUMMARY)` on one connection and prints planning and
execution per request (median of the repeats after one warm-up)."""

import cProfile
import os
import pstats
import statistics
import sys
import time

from bench import setup_django


def scenarios() -> dict:
    from bench import scenarios as s

    return {
        "sheet": ("expert", [r["path"] for r in s.score_sheet_page().requests]),
        "catalogue-equal": ("student", [r["path"] for r in s.equal_catalogue_api().requests]),
        "catalogue-current": ("student", [r["path"] for r in s.catalogue_api().requests]),
    }


def _client(persona):
    from django.test import Client

    from bench.scenarios import persona_user

    client = Client(HTTP_ACCEPT="application/json, text/html")
    client.force_login(persona_user(persona))
    return client


def _run(client, paths, n):
    for i in range(n):
        response = client.get(paths[i % len(paths)])
        assert response.status_code == 200, (paths[i % len(paths)], response.status_code)


def cpu(rounds: int = 5, n: int = 200) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = scenarios()
    clients = {name: _client(persona) for name, (persona, _paths) in found.items()}
    for name, (_persona, paths) in found.items():
        _run(clients[name], paths, len(paths) * 2)  # warm caches
        with CaptureQueriesContext(connection) as captured:
            _run(clients[name], paths, len(paths))
        print(f"{name}: {len(captured.captured_queries) / len(paths):.2f} queries/request")  # noqa: T201
    figures = {name: [] for name in found}
    for _ in range(rounds):
        for name, (_persona, paths) in found.items():
            start = time.process_time()
            _run(clients[name], paths, n)
            figures[name].append((time.process_time() - start) / n * 1000)
    for name, values in figures.items():
        print(f"{name}: median {statistics.median(values):.2f} ms, min {min(values):.2f} ms  rounds "  # noqa: T201
              + " ".join(f"{v:.2f}" for v in values))


def sql(repeats: int = 5) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name, (persona, paths) in scenarios().items():
        client = _client(persona)
        _run(client, paths, len(paths))
        with CaptureQueriesContext(connection) as captured:
            _run(client, paths, len(paths))
        statements = [q["sql"] for q in captured.captured_queries]
        per_statement = {}
        with connection.cursor() as cursor:
            for k, statement in enumerate(statements):
                runs = []
                for _ in range(repeats + 1):
                    cursor.execute("EXPLAIN (ANALYZE, SUMMARY) " + statement)
                    lines = [row[0] for row in cursor.fetchall()]
                    plan = float(next(x for x in lines if x.startswith("Planning Time")).split()[2])
                    run = float(next(x for x in lines if x.startswith("Execution Time")).split()[2])
                    runs.append((plan, run))
                runs = runs[1:]
                per_statement[k] = (statistics.median(p for p, _ in runs), statistics.median(e for _, e in runs))
        total_plan = sum(p for p, _ in per_statement.values()) / len(paths)
        total_exec = sum(e for _, e in per_statement.values()) / len(paths)
        print(f"{name}: {len(statements) / len(paths):.2f} statements/request, planning "  # noqa: T201
              f"{total_plan:.3f} ms + execution {total_exec:.3f} ms per request")
        if os.environ.get("SHOW_SQL"):
            for k, (p, e) in sorted(per_statement.items(), key=lambda kv: -sum(kv[1]))[:8]:
                print(f"   plan {p:.3f} exec {e:.3f}  {statements[k][:200]}")  # noqa: T201


def profile(name: str, n: int = 300) -> None:
    persona, paths = scenarios()[name]
    client = _client(persona)
    _run(client, paths, len(paths) * 2)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    _run(client, paths, n)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative"))
    stats.print_stats(os.environ.get("FILTER", ""), int(os.environ.get("TOP", "60")))


def main() -> None:
    setup_django()
    command, args = sys.argv[1], sys.argv[2:]
    if command == "cpu":
        cpu(*(int(a) for a in args))
    elif command == "sql":
        sql(*(int(a) for a in args))
    else:
        profile(args[0], *(int(a) for a in args[1:]))


if __name__ == "__main__":
    main()
