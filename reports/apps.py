from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Yearly statistics and exports: reads across apps through their selectors."""

    name = "reports"
    verbose_name = _("Statistics and reports")

    def ready(self):
        # Cache invalidation only (no business rules): see reports/caching.py.
        from .caching import connect_invalidation

        connect_invalidation()
