"""Worker CPU and queries of the expert's requests on the benchmark's database (issue 18, round 3):
the score-sheet page, its save through the API (PUT) and the htmx autosave, the expert's list of
sheets, and a student's join request. In-process (Django test client, the whole middleware
stack), inside a transaction that is rolled back, so the database is left as it was; the figure
is the mean `time.process_time()` per request, which holds on a loaded machine.

    DATABASE_URL=postgres://.../marathon_bench DEBUG=0 SECRET_KEY=x SECURE_SSL_REDIRECT=0 \\
        python -m bench.expert_cost [repetitions] [profile-name]
"""

import cProfile
import json
import os
import pstats
import sys
import time

from bench import setup_django


def _requests():
    from django.urls import reverse

    from bench import scenarios

    sheets = scenarios.expert_sheets()
    pk, body = sheets[0]
    form = {"feedback": body["feedback"], "confidential_note": ""}
    joins = scenarios.join_request(400).requests
    return {
        "score-sheet page": ("expert", lambda i: (
            "get", reverse("evaluation:sheet", args=[sheets[i % len(sheets)][0]]), None)),
        "score-sheet save (PUT)": ("expert", lambda i: (
            "put", f"/api/v1/evaluation/sheets/{pk}/", json.dumps(_varied(body, i)))),
        "score-sheet autosave": ("expert", lambda i: (
            "post", reverse("evaluation:sheet_autosave", args=[pk]), _autosave_form(_varied(body, i), form))),
        "assignment list page": ("expert", lambda i: ("get", reverse("evaluation:my_sheets"), None)),
        "join request (POST)": ("student", lambda i: (
            "post", joins[i % len(joins)]["path"], json.dumps(joins[i % len(joins)]["json"]))),
    }


def _varied(body: dict, i: int) -> dict:
    """Each save changes every value (a save that changes nothing writes nothing)."""
    return {**body, "scores": [{**s, "value": 1 + (i + k) % 3} for k, s in enumerate(body["scores"])]}


def _autosave_form(body: dict, form: dict) -> dict:
    data = dict(form)
    for s in body["scores"]:
        data[f"c{s['criterion']}"] = str(s["value"])
        data[f"c{s['criterion']}_comment"] = s["comment"]
    return data


def _send(client, method, path, data):
    if method == "get":
        return client.get(path)
    if method == "post" and isinstance(data, dict):
        return client.post(path, data)
    return client.generic(method.upper(), path, data=data, content_type="application/json")


def _send_rolled_back(client, method, path, data):
    """One request in a savepoint rolled back: each write starts from the same data (a student
    may have only so many open join requests)."""
    from django.db import transaction

    with transaction.atomic():
        response = _send(client, method, path, data)
        transaction.set_rollback(True)
    return response


def measure(n: int = 50, profile_name: str | None = None) -> dict:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.querycount import _Rollback
    from bench.scenarios import persona_user

    figures = {}
    for name, (persona, make) in _requests().items():
        client = Client(HTTP_ACCEPT="application/json, text/html")
        try:
            with transaction.atomic():
                client.force_login(persona_user(persona))
                for i in range(3):  # warm caches (templates, URLs, session)
                    response = _send_rolled_back(client, *make(1000 + i))
                    assert response.status_code < 400, (name, response.status_code, response.content[:300])
                with CaptureQueriesContext(connection) as captured:
                    _send_rolled_back(client, *make(2000))
                # Read now (the next request resets the log), without this harness's savepoints.
                queries = sum(not q["sql"].startswith(("SAVEPOINT", "ROLLBACK TO", "RELEASE"))
                              for q in captured.captured_queries)
                if os.environ.get("SHOW_SQL") and name.startswith(os.environ["SHOW_SQL"]):
                    for q in captured.captured_queries:
                        print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:300]}")  # noqa: T201
                profiler = cProfile.Profile(time.process_time) if name == profile_name else None
                if profiler:
                    profiler.enable()
                start = time.process_time()
                for i in range(n):
                    _send_rolled_back(client, *make(i))
                cpu = (time.process_time() - start) / n * 1000
                if profiler:
                    profiler.disable()
                    stats = pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative"))
                    stats.print_stats(os.environ.get("FILTER", ""), 45)
                figures[name] = (cpu, queries)
                raise _Rollback
        except _Rollback:
            pass
    return figures


def main() -> None:
    setup_django()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    for name, (cpu, queries) in measure(n, sys.argv[2] if len(sys.argv) > 2 else None).items():
        print(f"{name:28s} {cpu:6.2f} ms CPU/request  {queries:3d} queries")  # noqa: T201


if __name__ == "__main__":
    main()
