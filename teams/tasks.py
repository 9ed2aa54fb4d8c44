"""Celery tasks of the teams app (found by autodiscovery)."""

from .allocation.tasks import notify_allocation, solve_allocation  # noqa: F401
