"""`EVALUATION_RESULTS_CACHE=0` (the benchmark's cold phase, issue 18) turns off the caching of
the live results and of the chair's rendered results table — and nothing else."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from evaluation import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def clear_cache():
    cache.clear()


def test_live_results_computed_every_time_with_the_cache_off(clear_cache, commission, scored):
    with mock.patch.object(selectors, "compute_results", wraps=selectors.compute_results) as compute:
        selectors.live_results(commission)
        selectors.live_results(commission)
        assert compute.call_count == 1  # the default: the second call is a cache hit
        with override_settings(EVALUATION_RESULTS_CACHE=False):
            first = selectors.live_results(commission)
            second = selectors.live_results(commission)
        assert compute.call_count == 3
    assert first["projects"] == second["projects"]
    assert cache.get(f"{selectors.results_cache_key(commission)}:full:en")  # stored by the default calls only


@override_settings(EVALUATION_RESULTS_CACHE=False)
def test_dashboard_renders_without_the_cache_and_sessions_still_work(clear_cache, login, chair, commission,
                                                                   scored, edition):
    client = login(chair)  # a session (cached_db or db): unaffected by the switch
    url = reverse("evaluation:dashboard", args=[edition.year])
    with mock.patch.object(selectors, "compute_results", wraps=selectors.compute_results) as compute:
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200
            assert "Alpha" in response.content.decode()
        assert compute.call_count == 2
    key = selectors.results_cache_key(commission)
    assert cache.get(f"{key}:numbers:en") is None and cache.get(f"{key}:full:en") is None
