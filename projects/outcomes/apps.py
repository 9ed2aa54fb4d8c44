from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    """Publications, grant applications and conferences recorded per project."""

    name = "projects.outcomes"
    label = "outcomes"
    verbose_name = _("Project outcomes")
