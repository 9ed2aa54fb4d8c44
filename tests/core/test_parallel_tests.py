"""Parallel test runs: each pytest-xdist worker gets its own Redis database."""

from tests.conftest import redis_url_for_worker


def test_redis_url_for_worker_counts_down_from_the_given_database():
    assert redis_url_for_worker("redis://127.0.0.1:6379/15", None) == "redis://127.0.0.1:6379/15"
    assert redis_url_for_worker("redis://127.0.0.1:6379/15", "gw0") == "redis://127.0.0.1:6379/15"
    assert redis_url_for_worker("redis://127.0.0.1:6379/15", "gw3") == "redis://127.0.0.1:6379/12"
    assert redis_url_for_worker("redis://127.0.0.1:6379/1", "gw2") == "redis://127.0.0.1:6379/15"
    assert redis_url_for_worker("redis://:secret@redis:6380/4", "gw1") == "redis://:secret@redis:6380/3"

