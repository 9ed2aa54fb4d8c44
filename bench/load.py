"""The load driver: logs in each persona through allauth's login form, then sends a fixed
number of requests per scenario at a fixed concurrency and records latency percentiles,
requests/s, status codes and errors. Threads + requests: no extra dependency.

    python -m bench.load --base-url http://127.0.0.1:8123 --requests 200 --concurrency 4 \
        --gunicorn-pid 1234 --out bench/

Scenarios come from `bench.scenarios` (built from the database through the ORM, so this
process needs the same DATABASE_URL as the server). Query counts per scenario come from
`bench.querycount`, run in-process before the load."""

import argparse
import os
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

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


def run_scenario(base_url: str, sessions: dict, scenario: dict, *, count: int, concurrency: int,
                 warmup: int) -> dict:
    result = {key: scenario[key] for key in ("name", "kind", "persona", "target_ms", "method")}
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
    measured = drive(base_url, session, scenario, count=count, concurrency=concurrency,
                     offset=1 if fresh else 0)
    # The same requests one at a time: what the code costs without queueing for the 2 cores.
    alone_count = min(SOLO, count, max(len(scenario["requests"]) - count - 1, 0) if fresh else count)
    if alone_count:
        alone = drive(base_url, session, scenario, count=alone_count, concurrency=1,
                      offset=count + 1 if fresh else 0)
        measured["alone_p50_ms"] = alone["p50_ms"]
    measured["discovery_status"] = status
    measured["meets_target"] = measured["p95_ms"] <= scenario["target_ms"] and not measured["errors"]
    return {**result, "available": True, **measured}


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
    """RSS and peak RSS (VmHWM) of the gunicorn master's worker processes, in MB."""
    if not master_pid:
        return []
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return []
    workers = []
    for pid in children:
        fields = {}
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        except OSError:
            continue
        workers.append({"pid": int(pid), "rss_mb": kb_to_mb(fields.get("VmRSS")),
                        "peak_rss_mb": kb_to_mb(fields.get("VmHWM"))})
    return workers


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
              gunicorn_pid: int | None = None, query_counts: bool = True, log=print) -> dict:
    """Build the scenarios from the database, measure each one, return results.json's dict."""
    from bench import querycount, scenarios

    started = meta(base_url, count, concurrency)  # the load average before the run
    built = [s.as_dict() for s in scenarios.build(write_count=count)]
    queries = querycount.measure(built) if query_counts else {}
    personas = {s["persona"] for s in built if not s["unavailable"]}
    sessions, failures = login_all(base_url, scenarios.credentials(), personas)
    results = []
    for scenario in built:
        try:
            result = run_scenario(base_url, sessions, scenario, count=count, concurrency=concurrency,
                                  warmup=warmup)
        except Exception as exc:  # one broken scenario must not lose the others' figures
            result = {key: scenario[key] for key in ("name", "kind", "persona", "target_ms", "method")}
            result.update(available=False, reason=f"driver error: {exc!r}")
        if result["available"]:
            result["queries_per_request"] = queries.get(scenario["name"])
        log(format_line(result))
        results.append(result)
    return {"meta": started, "login_failures": failures,
            "scenarios": results, "workers": worker_memory(gunicorn_pid)}


def format_line(result: dict) -> str:
    if not result["available"]:
        return f"  {result['name']:<40} not available: {result['reason']}"
    return (f"  {result['name']:<40} p50 {result['p50_ms']:>7} p95 {result['p95_ms']:>7} "
            f"p99 {result['p99_ms']:>7} ms  {result['rps']:>6} req/s  errors {result['errors']}  "
            f"alone p50 {result.get('alone_p50_ms', '-')}  "
            f"queries {result.get('queries_per_request')}")


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
    }


def main() -> None:
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=8)
    parser.add_argument("--gunicorn-pid", type=int)
    parser.add_argument("--out", default="bench")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marathon.settings")
    django.setup()
    from bench import report

    results = benchmark(args.base_url.rstrip("/"), count=args.requests, concurrency=args.concurrency,
                        warmup=args.warmup, gunicorn_pid=args.gunicorn_pid)
    report.write(results, Path(args.out))


if __name__ == "__main__":
    main()
