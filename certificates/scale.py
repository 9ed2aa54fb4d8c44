"""Scale data: certificate settings for every edition (issuing itself is what the bench measures,
see bench/certificates.py), so the office pages and the issuing run have their rows."""

from .models import CertificateSettings

ORDER = 90


def generate(ctx) -> None:
    existing = set(CertificateSettings.objects.values_list("edition_id", flat=True))
    CertificateSettings.objects.bulk_create([
        CertificateSettings(edition=edition, workload_hours=120, ects=4,
                            signatories=[{"name": "Programme office", "title": "Students Project Marathon"}])
        for edition in ctx.editions if edition.pk not in existing])
    ctx.counts["certificate_settings"] = CertificateSettings.objects.count()
