"""Sessions read from the cache, written through to the database (SESSION_ENGINE, issue 18).

Django's `cached_db` engine saves one query on every request (the session row); the database
stays the source of truth, so sessions survive a Redis restart or outage (`marathon.cache` serves
the process-local fallback meanwhile, and drops what Redis missed when it is back). The only change
here: a cached copy lives at most SESSION_CACHE_SECONDS (not the session's two weeks), which bounds
how long a write Redis could not see (a logout in a process that died during an outage) survives.
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db


class BoundedCache:
    """The session cache with every timeout capped (what cached_db.SessionStore calls)."""

    def __init__(self, cache, max_seconds: int):
        self._cache = cache
        self._max_seconds = max_seconds

    def get(self, key):
        return self._cache.get(key)

    def set(self, key, value, timeout):
        self._cache.set(key, value, min(timeout, self._max_seconds))

    def delete(self, key):
        return self._cache.delete(key)

    def __contains__(self, key):
        return key in self._cache

    async def aget(self, key):
        return await self._cache.aget(key)

    async def aset(self, key, value, timeout):
        await self._cache.aset(key, value, min(timeout, self._max_seconds))

    async def adelete(self, key):
        return await self._cache.adelete(key)

    async def ahas_key(self, key):
        return await self._cache.ahas_key(key)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = BoundedCache(self._cache, settings.SESSION_CACHE_SECONDS)
