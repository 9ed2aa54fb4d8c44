"""Health checks for the load balancer and the orchestrator.

`/healthz` (liveness) asks only what every request needs: one `SELECT 1` and, when Redis is
configured, one PING on a pooled client with short timeouts — no migration plan, no storage call.
`/readyz` (readiness) adds the object store and whether migrations are applied; the migration plan
is built once per process and remembered once it is clean (migrations run once per deploy,
before the replicas start), and re-checked at most every RECHECK_SECONDS while it is not."""

import logging
import time
from functools import cache

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)
RECHECK_SECONDS = 30
_migrations = {"applied": False, "checked_at": 0.0, "pending": None}


def check_database() -> dict:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:
        logger.warning("Health check: database down: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}


@cache
def _redis_client(url: str):
    from redis import Redis

    return Redis.from_url(url, socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
                          socket_timeout=settings.REDIS_SOCKET_TIMEOUT)


def check_redis() -> dict:
    try:
        _redis_client(settings.REDIS_URL).ping()
        return {"ok": True}
    except Exception as exc:
        logger.warning("Health check: redis down: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}


def check_storage() -> dict:
    """One metadata call on the default storage (a HEAD request on an object store)."""
    try:
        default_storage.exists("healthz-probe")
        return {"ok": True}
    except Exception as exc:
        logger.warning("Health check: storage unreachable: %s", exc)
        return {"ok": False, "error": exc.__class__.__name__}


def check_migrations() -> dict:
    now = time.monotonic()
    if not _migrations["applied"] and now - _migrations["checked_at"] >= RECHECK_SECONDS:
        try:
            executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
            pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        except Exception as exc:
            return {"ok": False, "error": exc.__class__.__name__}
        _migrations.update(applied=not pending, checked_at=now, pending=pending)
    return {"ok": _migrations["applied"], "pending": 0 if _migrations["applied"] else _migrations["pending"]}


def liveness() -> dict:
    checks = {"database": check_database()}
    if settings.REDIS_URL:
        checks["redis"] = check_redis()
    return checks


def readiness() -> dict:
    return {**liveness(), "storage": check_storage(), "migrations": check_migrations()}
