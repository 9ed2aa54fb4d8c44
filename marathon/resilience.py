"""Redis outage handling shared by the cache and the task queue: a per-process circuit breaker.

When a Redis call fails or times out, the process treats Redis as down for
`REDIS_RETRY_AFTER_SECONDS` and does not touch it again until then. A request therefore pays at
most one short socket timeout per window instead of one per cache read, rate-limit check and
enqueued task — with Redis frozen (accepting connections, never answering) every call would
otherwise wait for its full timeout.
"""

import logging
import time

from django.conf import settings

logger = logging.getLogger(__name__)

_down_until = 0.0


def redis_is_down() -> bool:
    return time.monotonic() < _down_until


def mark_redis_down(error: BaseException | None = None) -> None:
    global _down_until
    if not redis_is_down():
        logger.warning("Redis unreachable (%s); using fallbacks for %ss.",
                       error.__class__.__name__ if error else "unknown error",
                       settings.REDIS_RETRY_AFTER_SECONDS)
    _down_until = time.monotonic() + settings.REDIS_RETRY_AFTER_SECONDS


def reset() -> None:
    """Forget an outage (tests; a process that knows Redis is back)."""
    global _down_until
    _down_until = 0.0
