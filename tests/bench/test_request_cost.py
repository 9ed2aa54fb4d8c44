"""The per-request cost harness runs (no timing assertions: figures go to bench/README.md).
`pytest tests/bench/test_request_cost.py -s` prints the CPU per request of each path."""

import os

import pytest

from bench import request_cost
from tests.factories import UserFactory


@pytest.mark.django_db
def test_request_cost_harness_measures_each_path(client):
    client.force_login(UserFactory())
    n = int(os.environ.get("REQUEST_COST_N", "5"))
    for name, path in request_cost.PATHS.items():
        ms = request_cost.measure(client, path, n=n, warmup=2)
        print(f"\n{name} {path}: {ms:.2f} ms CPU/request over {n}")  # noqa: T201
        assert ms > 0
    if os.environ.get("REQUEST_COST_PROFILE"):
        print(request_cost.profile(client, request_cost.PATHS[os.environ["REQUEST_COST_PROFILE"]],
                                         sort=os.environ.get("REQUEST_COST_SORT", "cumulative")))  # noqa: T201
