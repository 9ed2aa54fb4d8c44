"""Celery tasks of the workspace: thin wrappers around workspace.jobs."""

from celery import shared_task

from . import jobs


@shared_task(name="workspace.send_report_reminders", acks_late=True)
def send_report_reminders() -> int:
    return jobs.send_report_reminders()


@shared_task(name="workspace.send_daily_digests", acks_late=True)
def send_daily_digests() -> int:
    return jobs.send_daily_digests()


@shared_task(name="workspace.generate_pdf_export", acks_late=True)
def generate_pdf_export(export_id: int) -> str:
    return jobs.run_pdf_export(export_id)
