import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from marathon.models import Notification
from workspace import jobs, periods, services
from workspace.exports import ELN_MEDIA_TYPE
from workspace.models import Activity, DigestSent, ReportReminder, WorkspaceExport

from .helpers import CSV, entry_data, signed_entry

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# --- reminders -------------------------------------------------------------------------------
def _reminder_day(team):
    period = periods.current_period(team.edition, "monthly", timezone.localdate())
    return period, period.due - timedelta(days=1)


def test_report_reminder_fires_once_per_period(team, member, second_member):
    period, day = _reminder_day(team)
    assert jobs.send_report_reminders(today=day) == 1
    assert jobs.send_report_reminders(today=day) == 0
    assert jobs.send_report_reminders(today=period.due) == 0
    reminders = Notification.objects.filter(kind="workspace_report_reminder")
    assert sorted(reminders.values_list("recipient", flat=True)) == sorted([member.pk, second_member.pk])
    assert ReportReminder.objects.get().period_start == period.start


def test_no_reminder_before_the_window_or_when_handed_in(team, member, supervisor):
    period, day = _reminder_day(team)
    assert jobs.send_report_reminders(today=period.due - timedelta(days=10)) == 0
    report = services.start_report(team=team, actor=member, period_start=period.start) \
        if period.start <= timezone.localdate() else None
    services.update_report(report=report, actor=member, data={"done": "x"})
    services.submit_report(report=report, actor=member)
    assert jobs.send_report_reminders(today=day) == 0


# --- digest ----------------------------------------------------------------------------------
def test_digest_sent_once_a_day_with_others_activity(team, member, second_member):
    signed_entry(team, second_member, title="Furnace calibration")
    assert jobs.send_daily_digests() >= 1
    assert jobs.send_daily_digests() == 0
    digest = Notification.objects.get(recipient=member, kind="workspace_digest")
    assert "Furnace calibration" in digest.body
    assert DigestSent.objects.filter(user=member).count() == 1


def test_digest_respects_opt_out(team, member, second_member):
    services.set_digest_opt_out(user=member, opted_out=True)
    signed_entry(team, second_member)
    jobs.send_daily_digests()
    assert Notification.objects.filter(recipient=member, kind="workspace_digest").count() == 0


def test_digest_skips_members_with_only_their_own_activity(team, member):
    signed_entry(team, member)
    Activity.objects.exclude(actor=member).delete()
    jobs.send_daily_digests()
    assert Notification.objects.filter(recipient=member, kind="workspace_digest").count() == 0


def test_digest_email_is_delivered(team, member, second_member, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    signed_entry(team, second_member, title="Furnace calibration")
    with django_capture_on_commit_callbacks(execute=True):
        jobs.send_daily_digests()
    assert any("Furnace calibration" in m.body for m in mail.outbox if m.to == [member.email])


# --- exports ---------------------------------------------------------------------------------
def test_pdf_export_contains_journal_and_reports(team, member, supervisor, django_capture_on_commit_callbacks,
                                                 login):
    signed_entry(team, member, title="Tensile test of AZ31", measurements={"columns": ["S", "N"],
                                                                            "rows": [["S1", 120]]})
    period = periods.current_period(team.edition, "monthly", timezone.localdate())
    report = services.start_report(team=team, actor=member, period_start=period.start)
    services.update_report(report=report, actor=member, data={"done": "Annealing series finished"})
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_pdf_export(team=team, actor=member)
    job = WorkspaceExport.objects.get(pk=job.pk)
    assert (job.status, job.progress) == ("done", 100)
    response = login(member).get(f"/workspace/exports/{job.pk}/download/")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Tensile test of AZ31" in text and "Annealing series finished" in text and "S1,120" in text
    assert login(supervisor).get(f"/workspace/exports/{job.pk}/download/").status_code == 404  # not their job


def test_eln_archive_reads_back_with_rocrate(team, member, login, tmp_path):
    from rocrate.rocrate import ROCrate

    entry = services.create_entry(team=team, actor=member, data=entry_data(title="Micrograph"),
                                  files=[SimpleUploadedFile("micrograph.png", PNG)])
    services.update_entry(entry=entry, actor=member, data={"measurements": {"columns": ["S", "N"],
                                                                            "rows": [["S1", 1]]}})
    services.sign_entry(entry=entry, actor=member)
    response = login(member).get(f"/workspace/teams/{team.pk}/journal.eln")
    assert response["Content-Type"] == ELN_MEDIA_TYPE
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    top = {name.split("/")[0] for name in archive.namelist()}
    assert len(top) == 1
    archive.extractall(tmp_path)
    crate = ROCrate(tmp_path / top.pop())
    datasets = [e for e in crate.get_entities() if "Dataset" in e.type and e.id != "./"]
    assert [d["name"] for d in datasets] == ["Micrograph"]
    parts = sorted(p.id.rsplit("/", 1)[-1] for p in datasets[0]["hasPart"])
    assert parts == ["measurements.csv", "micrograph.png"]
    metadata = json.loads(archive.read(next(n for n in archive.namelist() if n.endswith("ro-crate-metadata.json"))))
    assert metadata["@graph"][0]["conformsTo"]["@id"] == "https://w3id.org/ro/crate/1.1"


def test_measurements_csv_upload_round_trips_into_the_eln(team, member):
    from workspace import measurements

    table = measurements.parse_upload(SimpleUploadedFile("m.csv", CSV.encode()))
    assert measurements.as_csv(table) == "Sample,Load (N),Elongation (mm)\nS1,120.5,0.8\nS2,131,0.9\n"


def test_measurements_xlsx_upload_is_read(team):
    from openpyxl import Workbook

    from workspace import measurements

    book = Workbook()
    book.active.append(["Sample", "Load"])
    book.active.append(["S1", 12.5])
    book.active.append(["S2", "bad"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(Exception) as error:
        measurements.parse_upload(SimpleUploadedFile("m.xlsx", buffer.getvalue()))
    assert error.value.message_dict == {"measurements": ["Row 3, column “Load”: “bad” is not a number."]}
