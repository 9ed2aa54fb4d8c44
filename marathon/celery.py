import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marathon.settings")

app = Celery("marathon")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs. Each app adds its entries below its own marker (`app.conf.beat_schedule[...] = ...`);
# tasks are referenced by name, so the core imports no app.
app.conf.beat_schedule = {
    "redeliver-pending-notifications": {
        "task": "marathon.redeliver_pending_notifications",
        "schedule": crontab(minute="*/2"),
    },
}

# --- teams ---

# --- evaluation ---
# Experts with unsubmitted sheets: reminded N days and 1 day before the deadline (once per window).
app.conf.beat_schedule["evaluation-deadline-reminders"] = {
    "task": "evaluation.send_deadline_reminders",
    "schedule": crontab(hour=8, minute=0),
}
# Publication notices that never started (broker down when publishing) or stopped half-way.
app.conf.beat_schedule["evaluation-resume-publication-notices"] = {
    "task": "evaluation.resume_publication_notices",
    "schedule": crontab(minute=20),
}

# --- mobility ---
app.conf.beat_schedule["mobility-certificate-reminders"] = {
    "task": "mobility.send_certificate_reminders",
    "schedule": crontab(hour=8, minute=15),
}

# --- reports ---
# Exports whose worker died and that no re-delivery took over end as "failed" (retry button).
app.conf.beat_schedule["reports-fail-stalled-exports"] = {
    "task": "reports.fail_stalled_exports",
    "schedule": crontab(minute="*"),
}
app.conf.beat_schedule["reports-cleanup-exports"] = {
    "task": "reports.cleanup_exports",
    "schedule": crontab(minute=30, hour=3),
}

# --- workspace ---
# Progress-report reminders (once per team and period) and the members' daily digest.
app.conf.beat_schedule["workspace-report-reminders"] = {
    "task": "workspace.send_report_reminders",
    "schedule": crontab(hour=7, minute=45),
}
app.conf.beat_schedule["workspace-daily-digest"] = {
    "task": "workspace.send_daily_digests",
    "schedule": crontab(hour=18, minute=0),
}

# --- certificates ---
# Bulk issuing runs whose worker died (no batch committed for a while) are enqueued again.
app.conf.beat_schedule["certificates-resume-stalled-runs"] = {
    "task": "certificates.resume_stalled_runs",
    "schedule": crontab(minute="*/5"),
}
