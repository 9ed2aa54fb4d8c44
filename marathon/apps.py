from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarathonConfig(AppConfig):
    name = "marathon"
    verbose_name = _("Programme core")
