"""A Redis cache that keeps working when Redis is stopped or frozen.

Redis errors and timeouts never reach the caller: the operation is served by a process-local
fallback cache (so allauth's and DRF's rate limits still count, per process) and the circuit
breaker in `marathon.resilience` keeps the process off Redis for a few seconds, so a request with
many cache calls waits for at most one short socket timeout. When the window has passed the next
call tries Redis again. Entries written during the outage stay local and expire by their timeout.
"""

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .resilience import mark_redis_down, redis_is_down

REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        fallback_params = {key: value for key, value in params.items()
                           if key in {"TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION"}}
        self._fallback = LocMemCache(f"redis-fallback:{server}",
                                     {**fallback_params, "OPTIONS": {"MAX_ENTRIES": 10000}})

    def _call(self, name: str, *args, **kwargs):
        if not redis_is_down():
            try:
                return getattr(super(), name)(*args, **kwargs)
            except REDIS_ERRORS as exc:
                mark_redis_down(exc)
        return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self._fallback.clear()
        return self._call("clear")
