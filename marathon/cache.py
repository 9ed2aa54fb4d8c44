"""A Redis cache that keeps working when Redis is stopped or frozen.

Redis errors and timeouts never reach the caller: the operation is served by a process-local
fallback cache (so allauth's and DRF's rate limits still count, per process) and the circuit
breaker in `marathon.resilience` keeps the process off Redis for a few seconds, so a request with
many cache calls waits for at most one short socket timeout. When the window has passed the next
call tries Redis again. Entries written during the outage stay local and expire by their timeout.

Sessions and logged-in users are cached too (`marathon.sessions`, `marathon.auth_backends`), so a
write that Redis missed must not let an older value come back: every key written or deleted while
Redis was unreachable is deleted from Redis when it answers again (before anything else is read),
and the fallback is emptied, so neither serves what the outage left behind.
"""

import logging
import threading

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .resilience import mark_redis_down, redis_is_down

logger = logging.getLogger(__name__)

REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
SINGLE_KEY_WRITES = {"add", "set", "touch", "delete", "incr"}
MAX_MISSED_KEYS = 10000


class ReusedRedisClient(RedisCacheClient):
    """Django builds a new `redis.Redis` for every cache call, whose constructor registers ~170
    response callbacks: a third of a cache hit's CPU (issue 18). A client is safe to share
    between threads (each command takes a connection from the pool), so one per pool does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # pools live as long as this object
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisClient
        fallback_params = {key: value for key, value in params.items()
                           if key in {"TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION"}}
        self._fallback = LocMemCache(f"redis-fallback:{server}",
                                     {**fallback_params, "OPTIONS": {"MAX_ENTRIES": 10000}})
        self._lock = threading.Lock()
        self._used_fallback = False
        self._missed_keys: set[str] = set()

    def _call(self, name: str, *args, **kwargs):
        if not redis_is_down():
            try:
                if self._used_fallback:
                    self._forget_outage()
                return getattr(super(), name)(*args, **kwargs)
            except REDIS_ERRORS as exc:
                mark_redis_down(exc)
        self._remember_missed(name, args, kwargs)
        return getattr(self._fallback, name)(*args, **kwargs)

    def _remember_missed(self, name: str, args, kwargs) -> None:
        if name in SINGLE_KEY_WRITES:
            keys = [args[0] if args else kwargs["key"]]
        elif name in {"set_many", "delete_many"}:
            keys = list(args[0] if args else kwargs.get("data", kwargs.get("keys")))
        else:
            keys = []
        with self._lock:
            self._used_fallback = True
            room = MAX_MISSED_KEYS - len(self._missed_keys)
            if len(keys) > room:
                # Beyond that, what Redis holds for a key expires by its own timeout (sessions
                # and users are cached for minutes only: marathon.sessions, marathon.auth_backends).
                logger.warning("Over %s cache keys written during the Redis outage; the rest are "
                               "left to expire in Redis.", MAX_MISSED_KEYS)
            self._missed_keys.update(keys[:max(room, 0)])

    def _forget_outage(self) -> None:
        """Redis answers again: drop from it what was written elsewhere meanwhile (raises a
        Redis error, keeping the list, if it is still unreachable)."""
        with self._lock:
            keys = list(self._missed_keys)
        if keys:
            super().delete_many(keys)
        with self._lock:
            self._missed_keys.difference_update(keys)
            if not self._missed_keys:
                self._used_fallback = False
        self._fallback.clear()

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
