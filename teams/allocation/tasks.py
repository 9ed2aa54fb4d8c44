"""Celery tasks of the allocation: thin wrappers around teams.allocation.services."""

from celery import shared_task

from . import services


@shared_task(name="teams.allocation.solve", acks_late=True)
def solve_allocation(run_id: int) -> str:
    return services.execute_run(run_id=run_id)


@shared_task(name="teams.allocation.notify", acks_late=True, autoretry_for=(Exception,),
             retry_backoff=True, max_retries=5)
def notify_allocation(run_id: int) -> int:
    return services.notify_placed(run_id=run_id)
