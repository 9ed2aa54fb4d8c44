"""Which requests grow a gunicorn worker's memory: every scenario's requests in turn, one client,
against a server with ONE worker, and that worker's RSS / peak RSS / PSS / USS after each scenario.

    python -m bench.memory --base-url http://127.0.0.1:8123 --gunicorn-pid 1234 [--requests 10] [--phase cold]

Same scenarios, personas and logins as `bench.load` (so the same DATABASE_URL as the server).
The export and mixed scenarios run as `bench.load` runs them (the export needs a Celery worker)."""

import argparse
import time

from bench import load, setup_django


def probe(base_url: str, gunicorn_pid: int, *, count: int, phase: str, log=print) -> list[dict]:
    from bench import scenarios

    built = [s.as_dict() for s in scenarios.build(write_count=count) if s.phase == phase]
    built = [s for s in built if not s["unavailable"] and (s["requests"] or s["streams"])]
    personas = {s["persona"] for s in built} | {stream["persona"] for s in built for stream in s["streams"]}
    sessions, _failures = load.login_all(base_url, scenarios.credentials(sorted(p for p in personas if "@" in p)),
                                         personas)
    rows = []
    before = worker(gunicorn_pid)
    log(f"  {'after the logins':<58} RSS {before['rss_mb']:>6}  peak {before['peak_rss_mb']:>6}  "
        f"PSS {before['pss_mb']:>6}  USS {before['uss_mb']:>6} MB")
    for scenario in built:
        session = sessions.get(scenario["persona"])
        if session is None:
            continue
        started = time.perf_counter()
        sent = send_all(base_url, sessions, scenario, count)
        seconds = time.perf_counter() - started
        after = worker(gunicorn_pid)
        row = {"name": scenario["name"], **after, "rss_growth_mb": round(after["rss_mb"] - before["rss_mb"], 1),
               "peak_growth_mb": round(after["peak_rss_mb"] - before["peak_rss_mb"], 1)}
        log(f"  {scenario['name']:<58} RSS {after['rss_mb']:>6} ({row['rss_growth_mb']:+})  "
            f"peak {after['peak_rss_mb']:>6} ({row['peak_growth_mb']:+})  PSS {after['pss_mb']:>6}  "
            f"USS {after['uss_mb']:>6} MB  ({sent} requests, {seconds:.1f} s)")
        rows.append(row)
        before = after
    return rows


def send_all(base_url: str, sessions: dict, scenario: dict, count: int) -> int:
    """The scenario's requests (`count` of them at most); how many were answered."""
    if scenario["kind"] == "mixed":
        return sum(row.get("requests", 0) for row in load.run_mixed(base_url, sessions, scenario, count=count))
    if scenario["kind"] == "export":
        return load.run_export(base_url, sessions[scenario["persona"]], scenario, count)["requests"]
    specs = scenario["requests"]
    # POST targets are used once each (a join request per team); reads and PUTs may repeat theirs.
    n = min(count, scenario["count"] or count, len(specs) if scenario["method"] == "POST" else count)
    statuses = [load.send(sessions[scenario["persona"]], base_url, scenario["method"], specs[i % len(specs)])[0]
                for i in range(n)]
    return sum(1 for status in statuses if 200 <= status < 400)


def worker(gunicorn_pid: int) -> dict:
    pids = load.worker_pids(gunicorn_pid)
    if len(pids) != 1:
        raise SystemExit(f"start gunicorn with --workers 1 (found {len(pids)} workers)")
    return load.memory_of(pids[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--gunicorn-pid", type=int, required=True)
    parser.add_argument("--requests", type=int, default=10, help="per scenario")
    parser.add_argument("--phase", default="warm", choices=["warm", "cold"])
    args = parser.parse_args()
    setup_django()
    probe(args.base_url.rstrip("/"), args.gunicorn_pid, count=args.requests, phase=args.phase)


if __name__ == "__main__":
    main()
