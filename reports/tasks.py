"""Celery tasks of the reports: thin wrappers around reports.services."""

from celery import shared_task

from . import services


@shared_task(name="reports.generate_export", bind=True, acks_late=True, reject_on_worker_lost=True,
             max_retries=None)
def generate_export(self, job_id: int) -> str:
    """Acknowledged only when finished: if the worker dies, Redis hands the task to another worker
    after the visibility timeout, and it takes the job over once the heartbeat has gone stale."""
    try:
        return services.run_export(job_id=job_id)
    except services.ExportBusy as busy:
        if self.request.is_eager:
            return "busy"
        raise self.retry(countdown=busy.retry_in, max_retries=None) from None


@shared_task(name="reports.fail_stalled_exports", acks_late=True)
def fail_stalled_exports() -> int:
    return services.fail_stalled_exports()


@shared_task(name="reports.cleanup_exports", acks_late=True)
def cleanup_exports() -> int:
    return services.delete_expired_exports()
