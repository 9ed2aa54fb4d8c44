"""Fixed cost of a request through the whole middleware stack, in worker CPU (issue 18).

`measure(client, path, n)` runs `n` in-process requests with Django's test client (the full
middleware stack, the session and user loads, CSP, locale, templates; no network, no WSGI server)
and returns the mean `time.process_time()` per request in milliseconds: CPU time, so the figure
holds on a loaded machine where wall time does not. `profile(client, path, n)` prints the top of
a cProfile of the same loop (timed in CPU too). Run through `tests/bench/test_request_cost.py -s`
(its test database, the Redis cache, DEBUG off)."""

import cProfile
import io
import pstats
import time

PATHS = {
    "api_me": "/api/v1/me/",  # the cheapest authenticated API call
    "bare": "/bench/bare/",  # authenticated, no template or query of its own (bench/request_cost_urls.py)
    "inbox": "/inbox/",  # a small authenticated page (base template, navbar, context processor)
    "healthz": "/healthz",  # anonymous, no session
}


def measure(client, path: str, n: int = 300, warmup: int = 20) -> float:
    for _ in range(warmup):
        client.get(path)
    start = time.process_time()
    for _ in range(n):
        response = client.get(path)
    elapsed = time.process_time() - start
    assert response.status_code == 200, (path, response.status_code)
    return elapsed / n * 1000


def profile(client, path: str, n: int = 200, top: int = 25, sort: str = "cumulative") -> str:
    for _ in range(10):
        client.get(path)
    profiler = cProfile.Profile(time.process_time)  # CPU, as `measure`: waiting for the database is not counted
    profiler.enable()
    for _ in range(n):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
    return out.getvalue()
