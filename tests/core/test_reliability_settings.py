"""Reliability settings read from the environment (issue 12.1-12.4)."""

import json
import os
import subprocess
import sys

PRINT = ("import json, marathon.settings as s; print(json.dumps({"
         "'cache': s.CACHES['default'], 'broker': s.CELERY_BROKER_TRANSPORT_OPTIONS, "
         "'proxies': [s.REST_FRAMEWORK['NUM_PROXIES'], s.ALLAUTH_TRUSTED_PROXY_COUNT], "
         "'limits': [s.REQUEST_MAX_BYTES, s.DATA_UPLOAD_MAX_MEMORY_SIZE], "
         "'middleware': s.MIDDLEWARE[:3]}))")


def settings_with(env: dict) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run([sys.executable, "-c", PRINT], env={**clean, **env}, capture_output=True,
                            text=True, timeout=60, check=True)
    return json.loads(result.stdout)


def test_redis_clients_have_short_timeouts_and_a_resilient_cache():
    values = settings_with({"REDIS_URL": "redis://redis:6379/0"})
    assert values["cache"] == {"BACKEND": "marathon.cache.ResilientRedisCache", "LOCATION": "redis://redis:6379/0",
                               "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}}
    assert values["broker"] == {"visibility_timeout": 300, "socket_connect_timeout": 1.0, "socket_timeout": 2.0,
                                "max_retries": 1, "unacked_restore_interval": 10, "unacked_restore_throttle": 1}


def test_timeouts_visibility_proxies_and_limits_from_environment():
    values = settings_with({"REDIS_URL": "redis://redis:6379/0", "REDIS_SOCKET_TIMEOUT": "0.5",
                            "CELERY_VISIBILITY_TIMEOUT": "600", "TRUSTED_PROXY_COUNT": "2",
                            "UPLOAD_MAX_BYTES": "1048576"})
    assert values["cache"]["OPTIONS"]["socket_timeout"] == 0.5
    assert values["broker"]["visibility_timeout"] == 600
    assert values["proxies"] == [2, 2]
    assert values["limits"] == [2 * 1048576, 2621440]


def test_client_address_is_remote_addr_by_default_and_size_limit_runs_first():
    values = settings_with({})
    assert values["proxies"] == [0, 0]
    assert values["middleware"] == ["marathon.middleware.ApiJsonErrorsMiddleware",
                                    "marathon.middleware.RequestSizeLimitMiddleware",
                                    "django.middleware.security.SecurityMiddleware"]
