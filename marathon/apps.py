from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarathonConfig(AppConfig):
    name = "marathon"
    verbose_name = _("Programme core")

    def ready(self):
        # Every process that can change a user (web, worker, management commands) drops its
        # cached row (the receivers live with the backends that read it).
        from . import auth_backends  # noqa: F401
