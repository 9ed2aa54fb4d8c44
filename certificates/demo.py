"""Certificates demo data (idempotent): settings for the past edition whose results the
evaluation demo published (2019), and its certificates issued by the office, so the demo
student's and professor's "My certificates" and the public verify page have something to show."""

from marathon.models import Edition, User

from . import content, services
from .models import Certificate, CertificateSettings, IssueRun

SIGNATORIES = [{"name": "Andrei Rudskoi", "title": "Rector, SPbPU"},
               {"name": "Programme office", "title": "Students Project Marathon"}]


def seed(stdout) -> None:
    office = User.objects.filter(is_staff=True).order_by("pk").first()
    issued = 0
    for edition in Edition.objects.filter(year__lt=2021).order_by("year"):
        if office is None or content.published_snapshot(edition) is None:
            continue
        CertificateSettings.objects.update_or_create(edition=edition, defaults={
            "workload_hours": 120, "ects": 4, "signatories": SIGNATORIES})
        if Certificate.objects.filter(edition=edition).exists():
            continue
        run = IssueRun.objects.create(edition=edition, started_by=office,
                                      total=content.eligible_person_ids(edition).count())
        services.run_issue(run_id=run.pk)
        issued += Certificate.objects.filter(edition=edition).count()
    stdout.write(f"  certificates: {issued} issued ({Certificate.objects.count()} in all)")
