"""Cached statistics for the pages and the API, keyed on a data version.

The version is a number in the cache that changes whenever a row the statistics read is saved or
deleted (model signals, connected in `ReportsConfig.ready`). A reader takes the version BEFORE
computing and stores the result under it, and writers change the version both at once and again
after their transaction commits: a reader that computed from a snapshot without the change stored
it under a version nobody asks for any more. Writes that bypass model signals (queryset
`update()`, raw SQL, `loaddata --raw`) are caught by the time-to-live, so figures are never older
than `STATISTICS_CACHE_SECONDS`. Exports and the management command always compute afresh.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

from .statistics import Statistics, compute_statistics

logger = logging.getLogger(__name__)

VERSION_KEY = "reports:statistics:version"


def cache_seconds() -> int:
    return getattr(settings, "STATISTICS_CACHE_SECONDS", 600)


def cache_is_shared() -> bool:
    """Only a cache every process sees (Redis) can be invalidated by every writer: with the
    process-local default (no REDIS_URL) a write in another process (a worker, a second web
    process, a management command) would leave this process's entry stale, so nothing is cached."""
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Never restart from a small number: if the key was evicted, entries stored under an
        # old version must not become current again.
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any fresh value invalidates
        cache.add(VERSION_KEY, time.time_ns(), None)


def invalidate_statistics() -> None:
    """Change the data version now and again once the current transaction commits."""
    if not cache_is_shared():
        return
    try:
        _bump()
        transaction.on_commit(_bump)
    except Exception:  # the cache being down must not break a write; the TTL bounds staleness
        logger.warning("Could not invalidate the statistics cache.", exc_info=True)


def cached_statistics(*, year_from: int, year_to: int) -> Statistics:
    """`compute_statistics`, served from the cache while no counted row has changed. Labels in
    the result are translated, so the language is part of the key."""
    if not cache_is_shared():
        return compute_statistics(year_from=year_from, year_to=year_to)
    try:
        key = f"reports:statistics:{data_version()}:{get_language()}:{year_from}:{year_to}"
        cached = cache.get(key)
    except Exception:  # cache unreachable: compute, slower but correct
        logger.warning("Statistics cache unavailable.", exc_info=True)
        return compute_statistics(year_from=year_from, year_to=year_to)
    if cached is not None:
        return Statistics(**cached)
    stats = compute_statistics(year_from=year_from, year_to=year_to)
    try:
        cache.set(key, stats.as_dict(), cache_seconds())
    except Exception:
        logger.warning("Could not store statistics in the cache.", exc_info=True)
    return stats


# --- what invalidates --------------------------------------------------------------------------
def counted_models() -> list:
    """Every model whose rows the statistics read (see reports.statistics)."""
    from industry.models import Implementation
    from marathon.models import Edition, ScientificArea, University, User
    from mobility.models import Mobility
    from projects.models import Membership, Project, Team
    from projects.outcomes.models import (
        ConferenceParticipation,
        GrantApplication,
        Publication,
        PublicationAuthor,
    )

    return [Edition, ScientificArea, University, User, Mobility, Membership, Project, Team,
            ConferenceParticipation, GrantApplication, Publication, PublicationAuthor, Implementation]


def counted_relations() -> list:
    from projects.models import Project
    from projects.outcomes.models import GrantApplication

    return [Project.co_supervisors.through, GrantApplication.applicants.through]


# Saving only these fields changes nothing the statistics read (a login updates last_login).
IRRELEVANT_UPDATES = {"last_login", "password", "preferred_language"}


def on_row_saved(sender, update_fields=None, **kwargs):
    if update_fields and set(update_fields) <= IRRELEVANT_UPDATES:
        return
    invalidate_statistics()


def on_row_deleted(sender, **kwargs):
    invalidate_statistics()


def on_relation_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate_statistics()


def connect_invalidation() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in counted_models():
        post_save.connect(on_row_saved, sender=model, dispatch_uid=f"stats-save-{model._meta.label}")
        post_delete.connect(on_row_deleted, sender=model,
                            dispatch_uid=f"stats-delete-{model._meta.label}")
    for through in counted_relations():
        m2m_changed.connect(on_relation_changed, sender=through,
                            dispatch_uid=f"stats-m2m-{through._meta.label}")
