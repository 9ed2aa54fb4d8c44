"""Celery tasks of the reports: thin wrappers around reports.services."""

from celery import shared_task

from . import services


@shared_task(name="reports.generate_export", acks_late=True)
def generate_export(job_id: int) -> str:
    return services.run_export(job_id=job_id)


@shared_task(name="reports.cleanup_exports", acks_late=True)
def cleanup_exports() -> int:
    return services.delete_expired_exports()
