"""The per-request cost harness runs (no timing assertions: figures go to bench/README.md).
`pytest tests/bench/test_request_cost.py -s` prints the CPU per request of each path.

Measured as in production: DEBUG off (pytest-env) and the Redis cache (TEST_REDIS_URL), so the
figures include what the cache-backed parts (sessions, throttles, rate limits) cost for real."""

import os

import pytest
from django.core.cache import cache

from bench import request_cost
from marathon.settings import redis_cache
from tests.factories import UserFactory


@pytest.fixture
def production_like(settings):
    settings.CACHES = {"default": redis_cache(os.environ["TEST_REDIS_URL"])}
    settings.ROOT_URLCONF = "bench.request_cost_urls"
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_request_cost_harness_measures_each_path(client, production_like):
    client.force_login(UserFactory())
    n = int(os.environ.get("REQUEST_COST_N", "5"))
    for name, path in request_cost.PATHS.items():
        ms = request_cost.measure(client, path, n=n, warmup=2)
        print(f"\n{name} {path}: {ms:.2f} ms CPU/request over {n}")  # noqa: T201
        assert ms > 0
    if os.environ.get("REQUEST_COST_PROFILE"):
        print(request_cost.profile(client, request_cost.PATHS[os.environ["REQUEST_COST_PROFILE"]],
                                         sort=os.environ.get("REQUEST_COST_SORT", "cumulative")))  # noqa: T201
