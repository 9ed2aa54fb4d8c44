"""Audit sentences of certificates and portfolios (merged into `marathon.events.registry`)."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "certificates.issued": _("Certificate issued"),
    "certificates.revoked": _("Certificate revoked"),
    "certificates.bulk_issue_started": _("Certificates: bulk issue started"),
    "certificates.bulk_issue_resumed": _("Certificates: bulk issue resumed"),
    "certificates.bulk_issue_finished": _("Certificates: bulk issue finished"),
    "certificates.bulk_issue_failed": _("Certificates: bulk issue stopped"),
    "certificates.settings_changed": _("Certificate settings changed"),
    "certificates.portfolio_visibility": _("Portfolio visibility changed"),
}
