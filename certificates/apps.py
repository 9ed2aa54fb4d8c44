from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Verifiable participation certificates and the research portfolio: the top floor, it reads
    the other apps through their querysets and selectors; nothing imports it."""

    name = "certificates"
    verbose_name = _("Certificates and portfolio")

    def ready(self):
        from . import checks  # noqa: F401  (registers the signing-key deploy check)
