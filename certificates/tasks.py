"""Celery tasks of the certificates: thin wrappers around certificates.services."""

from celery import shared_task

from . import services


@shared_task(name="certificates.issue_certificates", acks_late=True)
def issue_certificates(run_id: int) -> str:
    return services.run_issue(run_id=run_id)


@shared_task(name="certificates.render_certificate_pdfs", acks_late=True)
def render_certificate_pdfs(edition_id: int) -> int:
    return services.render_missing_pdfs(edition_id=edition_id)


@shared_task(name="certificates.resume_stalled_runs", acks_late=True)
def resume_stalled_runs() -> int:
    return services.resume_stalled_runs()
