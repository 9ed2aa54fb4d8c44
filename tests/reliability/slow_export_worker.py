"""The Celery app for a test worker whose exports are slow enough to be killed half-way.

Started as `celery -A tests.reliability.slow_export_worker worker`; the builders sleep between
progress steps (SLOW_EXPORT_STEP seconds), nothing else changes.
"""

import os
import time

from celery.signals import task_prerun

from marathon.celery import app  # noqa: F401 - the app celery -A looks for

STEP_SECONDS = float(os.environ.get("SLOW_EXPORT_STEP", "0.5"))


def slowed(builder):
    def build(stats, on_progress):
        for percent in range(0, 100, 10):
            on_progress(percent)
            time.sleep(STEP_SECONDS)
        return builder(stats, on_progress)

    build.slowed = True
    return build


@task_prerun.connect
def _slow_exports(sender=None, **kwargs):
    from reports import exports

    for fmt, builder in list(exports.BUILDERS.items()):
        if not getattr(builder, "slowed", False):
            exports.BUILDERS[fmt] = slowed(builder)
