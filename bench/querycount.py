"""Queries per request, per scenario: the scenario's first request sent in-process through
Django's test client as its persona, under `CaptureQueriesContext`, inside a transaction that
is rolled back (writes leave nothing behind). Runs against the benchmark's database."""

import json
import logging

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.scenarios import persona_user


class _Rollback(Exception):
    pass


def measure(scenarios: list[dict]) -> dict[str, int | None]:
    counts = {}
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)  # a missing endpoint is reported by the driver
    try:
        for scenario in scenarios:
            if not scenario["unavailable"] and scenario["requests"]:
                counts[scenario["name"]] = count_one(scenario)
    finally:
        request_log.setLevel(level)
    return counts


def count_one(scenario: dict) -> int | None:
    user = persona_user(scenario["persona"])
    if user is None:
        return None
    spec = scenario["requests"][0]
    client = Client(HTTP_ACCEPT="application/json, text/html")
    result = {}
    try:
        with transaction.atomic():
            client.force_login(user)
            with CaptureQueriesContext(connection) as captured:
                response = client.generic(scenario["method"], spec["path"],
                                          data=_json(spec.get("json")),
                                          content_type="application/json")
            result["count"] = len(captured) if response.status_code not in (404, 405) else None
            raise _Rollback
    except _Rollback:
        pass
    return result.get("count")


def _json(body) -> str:
    return json.dumps(body) if body is not None else ""
