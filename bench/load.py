"""The load driver: logs in each persona through allauth's login form, then sends a fixed
number of requests per scenario at a fixed concurrency and records latency percentiles,
requests/s, status codes and errors. Threads + requests: no extra dependency.

    python -m bench.load --base-url http://127.0.0.1:8123 --requests 200 --concurrency 4 \
        --gunicorn-pid 1234 --out bench/ [--phase cold --append]

Each scenario also reports the gunicorn workers' CPU time per request (utime + stime of the
master's children from /proc/<pid>/stat, before and after the measured requests, divided by
their number): unlike latency, it hardly moves when other processes load the machine; the same
for the local PostgreSQL server's processes (what the statements cost, planning included) and the
driver's own CPU (it runs on the same cores).
`--phase cold` runs the scenarios measured against a server started with
EVALUATION_RESULTS_CACHE=0; `--append` adds them to the results already in `--out`.

Scenarios come from `bench.scenarios` (built from the database through the ORM, so this
process needs the same DATABASE_URL as the server). Query counts per scenario come from
`bench.querycount`, run in-process before the load."""

import argparse
import json
import os
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench import setup_django

NOT_THERE = {404, 405}
SOLO = 20  # requests of the one-client pass per scenario
DONE_STATES = {"done", "finished", "success", "succeeded", "completed", "complete", "ready"}
FAILED_STATES = {"failed", "failure", "error"}


class LoginFailed(RuntimeError):
    pass


def login(base_url: str, email: str, password: str) -> requests.Session:
    """Session login through allauth's form, with its CSRF token, as a browser does."""
    session = requests.Session()
    page = session.get(f"{base_url}/accounts/login/", timeout=30)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status_code != 200 or not match:
        raise LoginFailed(f"login page answered {page.status_code}")
    answer = session.post(f"{base_url}/accounts/login/", timeout=60, allow_redirects=False,
                          data={"login": email, "password": password,
                                "csrfmiddlewaretoken": match.group(1)},
                          headers={"Referer": f"{base_url}/accounts/login/"})
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise LoginFailed(f"login of {email} answered {answer.status_code}")
    return session


def clone(session: requests.Session) -> requests.Session:
    """One session per thread (requests.Session is not thread-safe), same cookies."""
    copy = requests.Session()
    copy.cookies.update(session.cookies)
    return copy


def send(session: requests.Session, base_url: str, method: str, spec: dict) -> tuple[int, float]:
    headers = {"Accept": "application/json, text/html"}
    if method not in ("GET", "HEAD"):
        headers["X-CSRFToken"] = session.cookies.get("csrftoken", "")
        headers["Referer"] = base_url + "/"
    started = time.perf_counter()
    try:
        response = session.request(method, base_url + spec["path"], json=spec.get("json"),
                                   headers=headers, timeout=120, allow_redirects=False)
        status = response.status_code
        response.content  # noqa: B018 - read the whole body inside the measured time
    except requests.RequestException:
        status = 0
    return status, (time.perf_counter() - started) * 1000


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: a reported p99 is a latency that happened)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summarise(latencies: list[float], statuses: list[int], elapsed: float) -> dict:
    codes: dict[str, int] = {}
    for status in statuses:
        codes[str(status)] = codes.get(str(status), 0) + 1
    return {
        "requests": len(statuses),
        "errors": sum(1 for s in statuses if not 200 <= s < 400),
        "status_codes": codes,
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0,
        "max_ms": round(max(latencies), 1) if latencies else 0.0,
        "rps": round(len(statuses) / elapsed, 1) if elapsed > 0 else 0.0,
    }


def drive(base_url: str, session: requests.Session, scenario: dict, *, count: int,
          concurrency: int, offset: int = 0) -> dict:
    """`count` requests at `concurrency`, cycling through the scenario's targets."""
    specs = scenario["requests"]
    local = threading.local()

    def one(i: int) -> tuple[int, float]:
        if not hasattr(local, "session"):
            local.session = clone(session)
        return send(local.session, base_url, scenario["method"], specs[(offset + i) % len(specs)])

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(one, range(count)))
    elapsed = time.perf_counter() - started
    return summarise([ms for _s, ms in outcomes], [s for s, _ms in outcomes], elapsed)


SCENARIO_KEYS = ("name", "kind", "persona", "target_ms", "method", "phase", "cpu_target_ms")


def no_pids() -> list[int]:
    return []


# --- worker CPU per request (issue 18) ----------------------------------------------------------
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def worker_pids(master_pid: int | None) -> list[int]:
    """The gunicorn master's children (its workers), read again for every scenario."""
    if not master_pid:
        return []
    try:
        return [int(pid) for pid in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """utime + stime of each process (fields 14 and 15 of /proc/<pid>/stat), in seconds."""
    times = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        times[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return times


def cpu_ms_per_request(before: dict, after: dict, requests: int, *, new_processes: bool = False) -> float | None:
    """CPU spent between two readings per request: by the processes present in both, and with
    `new_processes` also all of what a process started in between has spent (a PostgreSQL backend
    opened for a worker's new connection). A process that ended in between is not counted."""
    if not before or not requests:
        return None
    spent = sum(after[pid] - before[pid] for pid in before if pid in after)
    if new_processes:
        spent += sum(seconds for pid, seconds in after.items() if pid not in before)
    return round(spent * 1000 / requests, 1)


def postgres_pids() -> list[int]:
    """Every process of the local PostgreSQL server (postmaster, backends, background workers):
    its CPU per request shows what the statements cost the machine's cores beyond the workers'
    own time — planning included, which no query timing in Python sees. Empty when the database
    is on another host (its CPU is not this machine's)."""
    from django.conf import settings

    if settings.DATABASES["default"].get("HOST") not in ("", None, "127.0.0.1", "localhost", "::1"):
        return []
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


class Meter:
    """CPU per request over one measured stretch: the gunicorn workers', the local PostgreSQL
    server's (all its processes: background work such as autovacuum counts too, so it is an upper
    bound) and this driver's own (it shares the 2 cores with the server)."""

    def __init__(self, cpu_pids) -> None:
        self.worker_pids = cpu_pids()
        self.workers = cpu_seconds(self.worker_pids)
        self.database = cpu_seconds(postgres_pids())
        self.driver = time.process_time()

    def per_request(self, requests: int) -> dict:
        return {"cpu_ms_per_request": cpu_ms_per_request(self.workers, cpu_seconds(self.worker_pids), requests),
                "db_cpu_ms_per_request": cpu_ms_per_request(self.database, cpu_seconds(postgres_pids()),
                                                            requests, new_processes=True),
                "driver_cpu_ms_per_request": round((time.process_time() - self.driver) * 1000 / requests, 1)
                if requests else None}


def meets_cpu_target(scenario: dict, cpu_ms: float | None) -> bool | None:
    if scenario.get("cpu_target_ms") is None or cpu_ms is None:
        return None
    return cpu_ms <= scenario["cpu_target_ms"]


def run_scenario(base_url: str, sessions: dict, scenario: dict, *, count: int, concurrency: int,
                 warmup: int, cpu_pids=no_pids) -> dict:
    result = {key: scenario.get(key) for key in SCENARIO_KEYS}
    result["load_average_1m"] = round(os.getloadavg()[0], 2)  # the machine is shared: context
    if scenario["unavailable"]:
        return {**result, "available": False, "reason": scenario["unavailable"]}
    if not scenario["requests"]:
        return {**result, "available": False, "reason": "no rows to request in the data"}
    session = sessions.get(scenario["persona"])
    if session is None:
        return {**result, "available": False, "reason": f"could not log in as {scenario['persona']}"}
    status, _ms = send(session, base_url, scenario["method"], scenario["requests"][0])
    if status in NOT_THERE:
        return {**result, "available": False, "reason": f"{status} at discovery ({scenario['requests'][0]['path']})"}
    if scenario["kind"] == "export":
        return {**result, "available": True, **run_export(base_url, session, scenario, count)}
    if scenario["method"] == "GET" and warmup:
        drive(base_url, session, scenario, count=warmup, concurrency=concurrency)
    count = min(count, scenario["count"] or count)
    # A POST needs a fresh target each time (its first one was used by discovery); GET and PUT
    # may repeat theirs.
    fresh = scenario["method"] == "POST"
    meter = Meter(cpu_pids)
    measured = drive(base_url, session, scenario, count=count, concurrency=concurrency,
                     offset=1 if fresh else 0)
    measured.update(meter.per_request(measured["requests"]))
    measured["meets_cpu_target"] = meets_cpu_target(scenario, measured["cpu_ms_per_request"])
    # The same requests one at a time: what the code costs without queueing for the 2 cores.
    alone_count = min(SOLO, count, max(len(scenario["requests"]) - count - 1, 0) if fresh else count)
    if alone_count:
        alone = drive(base_url, session, scenario, count=alone_count, concurrency=1,
                      offset=count + 1 if fresh else 0)
        measured["alone_p50_ms"] = alone["p50_ms"]
    measured["discovery_status"] = status
    measured["meets_target"] = measured["p95_ms"] <= scenario["target_ms"] and not measured["errors"]
    return {**result, "available": True, **measured}


def run_mixed(base_url: str, sessions: dict, scenario: dict, *, count: int, cpu_pids=no_pids) -> list[dict]:
    """Issue 18's mixed run: every stream of the scenario on its own client at the same time —
    the lead (the chair reloading the dashboard) makes `count` requests, the others (experts
    saving their sheets) keep going until it is done. One result row per kind of stream; the
    workers' CPU is the whole run's per request (the streams share the workers)."""
    streams = scenario["streams"]
    missing = sorted({s["persona"] for s in streams} - set(sessions))
    rows = [{**{key: scenario.get(key) for key in SCENARIO_KEYS}, "name": label, "kind": kind,
             "persona": persona, "method": method, "target_ms": target, "cpu_target_ms": cpu_target}
            for label, kind, persona, method, target, cpu_target in unique_streams(streams)]
    if missing:
        return [{**row, "available": False, "reason": f"could not log in as {', '.join(missing)}"} for row in rows]
    lead = next(s for s in streams if s["lead"])
    status, _ms = send(sessions[lead["persona"]], base_url, lead["method"], lead["requests"][0])
    if status in NOT_THERE:
        return [{**row, "available": False, "reason": f"{status} at discovery"} for row in rows]
    count = min(count, scenario["count"] or count)
    load_1m = round(os.getloadavg()[0], 2)
    done = threading.Event()
    records: list[list] = [[] for _ in streams]  # (status, ms, started, ended) per request

    def run_stream(index: int) -> None:
        stream, session, n = streams[index], clone(sessions[streams[index]["persona"]]), 0
        try:
            while (n < count) if stream["lead"] else not done.is_set():
                spec = stream["requests"][n % len(stream["requests"])]
                started = time.perf_counter()
                status, ms = send(session, base_url, stream["method"], spec)
                records[index].append((status, ms, started, time.perf_counter()))
                n += 1
        finally:
            if stream["lead"]:
                done.set()

    meter = Meter(cpu_pids)
    started = time.perf_counter()
    threads = [threading.Thread(target=run_stream, args=(i,)) for i in range(len(streams))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    total = sum(len(r) for r in records)
    cpu = meter.per_request(total)
    saves_ended = sorted(end for s, r in zip(streams, records, strict=True) if not s["lead"] for *_x, end in r)
    results = []
    for row in rows:
        mine = [rec for s, r in zip(streams, records, strict=True) if s["label"] == row["name"] for rec in r]
        summary = summarise([ms for _s, ms, *_t in mine], [st for st, *_rest in mine], elapsed)
        summary.update(**cpu, cpu_scope="all requests of the mixed run",
                       meets_cpu_target=None, discovery_status=status,
                       meets_target=summary["p95_ms"] <= row["target_ms"] and not summary["errors"],
                       clients=sum(1 for s in streams if s["label"] == row["name"]), load_average_1m=load_1m)
        if row["kind"] == "page":
            summary["after_a_save_share"] = invalidated_share([t for *_x, t, _e in mine], saves_ended)
        results.append({**row, "available": True, **summary})
    return results


def unique_streams(streams: list[dict]) -> list[tuple]:
    seen = {}
    for s in streams:
        seen.setdefault(s["label"], (s["label"], s["kind"], s.get("shown_as", s["persona"]), s["method"],
                                     s["target_ms"], s.get("cpu_target_ms")))
    return list(seen.values())


def invalidated_share(starts: list[float], saves_ended: list[float]) -> float | None:
    """Share of the dashboard requests (after the first) that a save finished before, since the
    previous dashboard request started: those found the results' cache key changed."""
    import bisect

    if len(starts) < 2:
        return None
    hits = sum(1 for previous, current in zip(starts, starts[1:], strict=False)
               if bisect.bisect_left(saves_ended, current) > bisect.bisect_right(saves_ended, previous))
    return round(hits / (len(starts) - 1), 3)


def run_export(base_url: str, session: requests.Session, scenario: dict, count: int) -> dict:
    """Time from POST to a finished file, a few times in a row (one client)."""
    durations, statuses, sizes = [], [], []
    for _ in range(min(count, scenario["count"] or count)):
        started = time.perf_counter()
        status, body = export_once(base_url, session, scenario["requests"][0])
        durations.append((time.perf_counter() - started) * 1000)
        statuses.append(status)
        if body:
            sizes.append(body)
    summary = summarise(durations, statuses, sum(durations) / 1000)
    summary["file_bytes"] = max(sizes) if sizes else None
    summary["meets_target"] = bool(durations) and max(durations) <= scenario["target_ms"] and not summary["errors"]
    return summary


def export_once(base_url: str, session: requests.Session, spec: dict) -> tuple[int, int | None]:
    headers = {"X-CSRFToken": session.cookies.get("csrftoken", ""), "Referer": base_url + "/"}
    response = session.post(base_url + spec["path"], json=spec["json"], headers=headers, timeout=300)
    if response.status_code >= 400:
        return response.status_code, None
    job = response.json()
    job_id = job.get("id")
    deadline = time.monotonic() + 300
    while str(job.get("status", "")).lower() not in DONE_STATES | FAILED_STATES and not job.get("download_url"):
        if time.monotonic() > deadline:
            return 504, None
        time.sleep(0.05)
        if job_id is None:
            return 599, None  # no id to poll: the answer does not have issue 6's shape
        poll = session.get(f"{base_url}{spec['path']}{job_id}/", timeout=60)
        if poll.status_code >= 400:
            return poll.status_code, None
        job = poll.json()
    if str(job.get("status", "")).lower() in FAILED_STATES:
        return 500, None
    url = job.get("download_url")
    if not url:
        return 200, None
    download = session.get(url if url.startswith("http") else base_url + url, timeout=300)
    return download.status_code, len(download.content)


def worker_memory(master_pid: int | None) -> list[dict]:
    """Memory of the gunicorn master's worker processes, in MB: RSS and peak RSS (VmHWM) from
    /proc/<pid>/status, PSS and USS from /proc/<pid>/smaps_rollup. RSS counts every page the
    worker maps, also those it shares copy-on-write with the master and its siblings (the code
    imported before the fork with `preload_app`); PSS divides each shared page among the processes
    sharing it, USS counts only the worker's own pages (what stopping it would free)."""
    return [memory_of(pid) for pid in worker_pids(master_pid)] if master_pid else []


def memory_of(pid: int) -> dict:
    status = proc_fields(f"/proc/{pid}/status")
    rollup = proc_fields(f"/proc/{pid}/smaps_rollup")
    private = [rollup.get(key) for key in ("Private_Clean", "Private_Dirty")]
    uss = f"{sum(int(v.split()[0]) for v in private)} kB" if all(private) else None
    return {"pid": pid, "rss_mb": kb_to_mb(status.get("VmRSS")), "peak_rss_mb": kb_to_mb(status.get("VmHWM")),
            "pss_mb": kb_to_mb(rollup.get("Pss")), "uss_mb": kb_to_mb(uss)}


def proc_fields(path: str) -> dict:
    """`Key:   value kB` lines of a /proc file; empty when the process is gone or not readable."""
    fields = {}
    try:
        for line in Path(path).read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    except OSError:
        return {}
    return fields


def kb_to_mb(value: str | None) -> float | None:
    return round(int(value.split()[0]) / 1024, 1) if value else None


def login_all(base_url: str, creds: dict, personas: set[str]) -> tuple[dict, dict]:
    sessions, failures = {}, {}
    for persona in sorted(personas):
        email, password = creds[persona]
        try:
            sessions[persona] = login(base_url, email, password)
        except (LoginFailed, requests.RequestException) as exc:
            failures[persona] = str(exc)
    return sessions, failures


def benchmark(base_url: str, *, count: int = 200, concurrency: int = 4, warmup: int = 8,
              gunicorn_pid: int | None = None, query_counts: bool = True, log=print,
              phase: str = "warm", cpu_pids=None, mixed_experts: int | None = None) -> dict:
    """Build the scenarios from the database, measure each one (those of `phase`), return
    results.json's dict. `cpu_pids`: a callable giving the pids whose CPU counts as the
    server's (default: the gunicorn master's workers)."""
    from bench import querycount, scenarios

    started = meta(base_url, count, concurrency)  # the load average before the run
    started["phase"] = phase
    started["equal_data"] = scenarios.equal_data_label()
    build_args = {"write_count": count}
    if mixed_experts is not None:
        build_args["mixed_experts"] = mixed_experts
    built = [s.as_dict() for s in scenarios.build(**build_args) if s.phase == phase]
    queries = querycount.measure(built) if query_counts else {}
    personas = {s["persona"] for s in built if not s["unavailable"]}
    personas |= {stream["persona"] for s in built if not s["unavailable"] for stream in s["streams"]}
    sessions, failures = login_all(base_url, scenarios.credentials(sorted(p for p in personas if "@" in p)),
                                   personas)
    pids = cpu_pids or (lambda: worker_pids(gunicorn_pid))
    at_start = worker_memory(gunicorn_pid)  # fresh workers that have served the logins
    results = []
    for scenario in built:
        try:
            if scenario["kind"] == "mixed" and not scenario["unavailable"]:
                rows = run_mixed(base_url, sessions, scenario, count=count, cpu_pids=pids)
            else:
                rows = [run_scenario(base_url, sessions, scenario, count=count, concurrency=concurrency,
                                     warmup=warmup, cpu_pids=pids)]
        except Exception as exc:  # one broken scenario must not lose the others' figures
            result = {key: scenario.get(key) for key in SCENARIO_KEYS}
            result.update(available=False, reason=f"driver error: {exc!r}")
            rows = [result]
        for result in rows:
            if result["available"]:  # a mixed run's count is its dashboard request's
                counted = scenario["kind"] != "mixed" or result["kind"] == "page"
                result["queries_per_request"] = queries.get(scenario["name"]) if counted else None
            log(format_line(result))
            results.append(result)
    started["load_average_after"] = list(os.getloadavg())
    return {"meta": started, "login_failures": failures,
            "scenarios": results, "workers_at_start": at_start, "workers": worker_memory(gunicorn_pid)}


def append(previous: dict, later: dict) -> dict:
    """The cold phase's results after the warm phase's (one results.json for the run)."""
    merged = dict(previous)
    merged["scenarios"] = [*previous.get("scenarios", []), *later["scenarios"]]
    merged["login_failures"] = {**previous.get("login_failures", {}), **later["login_failures"]}
    merged.setdefault("phases", {})[later["meta"].get("phase", "cold")] = {
        "meta": later["meta"], "workers_at_start": later.get("workers_at_start", []),
        "workers": later.get("workers", [])}
    return merged


def format_line(result: dict) -> str:
    if not result["available"]:
        return f"  {result['name']:<40} not available: {result['reason']}"
    return (f"  {result['name']:<40} p50 {result['p50_ms']:>7} p95 {result['p95_ms']:>7} "
            f"p99 {result['p99_ms']:>7} ms  {result['rps']:>6} req/s  errors {result['errors']}  "
            f"alone p50 {result.get('alone_p50_ms', '-')}  "
            f"queries {result.get('queries_per_request')}  cpu/req {result.get('cpu_ms_per_request')} ms  "
            f"db cpu/req {result.get('db_cpu_ms_per_request')} ms")


def meta(base_url: str, count: int, concurrency: int) -> dict:
    from django.conf import settings

    return {
        "base_url": base_url, "requests_per_scenario": count, "concurrency": concurrency,
        "cpu_count": os.cpu_count(), "load_average": list(os.getloadavg()),
        "database": settings.DATABASES["default"].get("NAME"),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "scale": os.environ.get("BENCH_SCALE"), "seed": os.environ.get("BENCH_SEED"),
        "generate_seconds": float(os.environ["BENCH_GENERATE_SECONDS"])
        if os.environ.get("BENCH_GENERATE_SECONDS") else None,
        "equal_data_options": os.environ.get("BENCH_EQUAL_DATA_OPTIONS") or None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=8)
    parser.add_argument("--gunicorn-pid", type=int)
    parser.add_argument("--out", default="bench")
    parser.add_argument("--phase", default="warm", choices=["warm", "cold"])
    parser.add_argument("--append", action="store_true", help="add to the results.json in --out")
    parser.add_argument("--mixed-experts", type=int, default=None)
    args = parser.parse_args()
    setup_django()
    from bench import report

    results = benchmark(args.base_url.rstrip("/"), count=args.requests, concurrency=args.concurrency,
                        warmup=args.warmup, gunicorn_pid=args.gunicorn_pid, phase=args.phase,
                        mixed_experts=args.mixed_experts)
    if args.append and (Path(args.out) / "results.json").exists():
        results = append(json.loads((Path(args.out) / "results.json").read_text()), results)
    report.write(results, Path(args.out))


if __name__ == "__main__":
    main()
