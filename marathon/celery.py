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

# --- mobility ---

# --- reports ---
app.conf.beat_schedule["reports-cleanup-exports"] = {
    "task": "reports.cleanup_exports",
    "schedule": crontab(minute=30, hour=3),
}
