import csv
import io
import os
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from marathon.models import Notification
from reports import exports, services
from reports.models import ExportJob
from reports.statistics import compute_statistics
from reports.tasks import cleanup_exports, generate_export
from tests.factories import UserFactory
from tests.outcomes.factories import publication_by
from tests.reports.conftest import add_mobility, add_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    add_project(world, students=[world.graz, world.madrid], area=world.energy)
    publication_by(world.host, world.graz, year=2019)
    add_mobility(world)
    return world


def job_for(fmt, **fields):
    return ExportJob.objects.create(owner=UserFactory(is_staff=True), year_from=2018, year_to=2020,
                                    format=fmt, **fields)


def test_xlsx_export_has_one_sheet_per_breakdown_and_the_figures(data, settings):
    job = job_for("xlsx")
    assert generate_export(job.pk) == "done"
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)
    workbook = load_workbook(settings.EXPORT_ROOT / job.file_name)
    assert workbook.sheetnames == ["Summary", "By year", "By university", "By country", "By area",
                                   "By degree level"]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(min_row=3, values_only=True)}
    assert summary["Participants"] == 3
    assert summary["Projects"] == 1
    assert summary["Joint scientific publications"] == 1
    assert summary["ERASMUS+ mobility grants"] == 1
    assert summary["Partner universities"] == "TU Graz, Technical University of Madrid"
    years = list(workbook["By year"].iter_rows(values_only=True))
    assert years[0] == ("Year", "Participants", "Projects", "Joint publications", "Grant applications",
                        "Conferences", "ERASMUS+ grants", "Implementations")
    assert [row[0] for row in years[1:]] == [2018, 2019, 2020]


def test_csv_export_lists_summary_and_breakdowns(data, settings):
    job = job_for("csv")
    generate_export(job.pk)
    job.refresh_from_db()
    rows = list(csv.reader(io.StringIO((settings.EXPORT_ROOT / job.file_name).read_text())))
    assert rows[0] == ["section", "key", "figure", "value"]
    assert ["summary", "2018-2020", "participants", "3"] in rows
    assert ["summary", "2018-2020", "joint_publications", "1"] in rows
    assert ["by_year", "2019", "erasmus_mobility_grants", "1"] in rows
    assert ["by_area", "Energy", "projects", "1"] in rows


def test_pdf_export_is_one_page_like_the_seed_block(data, settings):
    job = job_for("pdf")
    generate_export(job.pk)
    job.refresh_from_db()
    reader = PdfReader(settings.EXPORT_ROOT / job.file_name)
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Results for 2018 – 2020" in text
    assert "Partner universities: TU Graz (Austria), Technical University of Madrid (Spain)" in text
    assert "3 participants" in text
    assert "1 projects" in text
    assert "1 joint scientific publications" in text
    assert "1 ERASMUS+ mobility grants" in text


def test_builders_report_progress_up_to_100(data):
    stats = compute_statistics(year_from=2018, year_to=2020)
    for builder in exports.BUILDERS.values():
        seen = []
        builder(stats, seen.append)
        assert seen == sorted(seen) and seen[-1] in (90, 100)
        assert seen


def test_task_progress_is_stored_while_running(data, monkeypatch):
    job = job_for("xlsx")
    seen = []
    original = services.set_progress

    def spy(job_id, token, percent):
        original(job_id, token, percent)
        seen.append(ExportJob.objects.get(pk=job_id).progress)

    monkeypatch.setattr(services, "set_progress", spy)
    generate_export(job.pk)
    assert seen[0] == 40 and seen == sorted(seen) and len(seen) >= 4
    job.refresh_from_db()
    assert job.progress == 100


def test_task_is_idempotent_for_a_finished_job(data):
    job = job_for("csv")
    generate_export(job.pk)
    assert generate_export(job.pk) == "finished-or-missing"


def test_task_failure_is_reported_to_the_owner(data, monkeypatch):
    job = job_for("pdf")

    def broken(stats, on_progress):
        raise OSError("disk full")

    monkeypatch.setitem(exports.BUILDERS, "pdf", broken)
    assert generate_export(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "The export failed: OSError"
    notification = Notification.objects.get(recipient=job.owner)
    assert notification.subject == "Statistics export failed"
    assert notification.url == f"/reports/exports/{job.pk}/"


def test_start_export_enqueues_after_commit_and_is_audited(data, django_capture_on_commit_callbacks):
    office = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_export(actor=office, year_from=2018, year_to=2020, format="csv")
    job.refresh_from_db()
    assert job.status == "done"  # eager Celery in tests
    from marathon.models import AuditEntry
    assert AuditEntry.objects.filter(action="reports.export_started", actor=office).count() == 1


def test_start_export_refuses_non_office_and_bad_input(data):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.start_export(actor=UserFactory(), year_from=2018, year_to=2020, format="csv")
    office = UserFactory(is_staff=True)
    with pytest.raises(ValidationError):
        services.start_export(actor=office, year_from=2020, year_to=2018, format="csv")
    with pytest.raises(ValidationError):
        services.start_export(actor=office, year_from=2018, year_to=2020, format="doc")
    assert ExportJob.objects.count() == 0


def test_cleanup_deletes_old_jobs_and_files_only(data, settings):
    old, new = job_for("csv"), job_for("csv")
    generate_export(old.pk)
    generate_export(new.pk)
    old.refresh_from_db()
    new.refresh_from_db()
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.EXPORT_RETENTION_DAYS + 1))
    stray = settings.EXPORT_ROOT / "stray.csv"
    stray.write_text("x")
    past = time.time() - (settings.EXPORT_RETENTION_DAYS + 1) * 86400
    os.utime(stray, (past, past))
    assert cleanup_exports() == 1
    assert not (settings.EXPORT_ROOT / old.file_name).exists() and not stray.exists()
    assert (settings.EXPORT_ROOT / new.file_name).exists()
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [new.pk]


def test_export_stats_command_writes_xlsx(data, tmp_path):
    output = tmp_path / "stats.xlsx"
    call_command("export_stats", "--from", "2018", "--to", "2020", "--format", "xlsx",
                 "--output", str(output))
    workbook = load_workbook(output)
    assert "By degree level" in workbook.sheetnames


def test_export_stats_command_rejects_bad_range(data, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_stats", "--from", "2020", "--to", "2018", "--output", str(tmp_path / "x"))


def test_exports_never_write_formulas(world, settings):
    world.graz.name = "=HYPERLINK(\"http://evil\")"
    world.graz.save()
    add_project(world, students=[world.graz])
    stats = compute_statistics(year_from=2018, year_to=2020)
    rows = list(csv.reader(io.StringIO(exports.build_csv(stats).decode())))
    assert ["summary", "2018-2020", "partner_universities", "'=HYPERLINK(\"http://evil\")"] in rows
    workbook = load_workbook(io.BytesIO(exports.build_xlsx(stats)))
    names = [row[0] for row in workbook["By university"].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://evil\")" in names


def test_cleanup_runs_daily_from_beat():
    from marathon.celery import app

    entry = app.conf.beat_schedule["reports-cleanup-exports"]
    assert entry["task"] == "reports.cleanup_exports"
    assert cleanup_exports.name == "reports.cleanup_exports"


def test_xlsx_export_titles_columns_in_the_requesters_language(data, settings):
    owner = UserFactory(is_staff=True, preferred_language="ru")
    job = services.start_export(actor=owner, year_from=2018, year_to=2020, format="xlsx")
    assert job.language == "ru"
    generate_export(job.pk)
    job.refresh_from_db()
    workbook = load_workbook(settings.EXPORT_ROOT / job.file_name)
    assert workbook.sheetnames[1] == "По годам"
    assert list(workbook["По годам"].iter_rows(values_only=True))[0][:3] == ("Год", "Участники", "Проекты")
    headers = [c.value for c in next(workbook.worksheets[2].iter_rows(max_row=1))]
    assert "_" not in "".join(headers)


def test_xlsx_breakdown_headers_are_words_not_keys(data):
    stats = compute_statistics(year_from=2018, year_to=2020)
    workbook = load_workbook(io.BytesIO(exports.build_xlsx(stats)))
    headers = {ws.title: [c.value for c in next(ws.iter_rows(max_row=1))] for ws in workbook.worksheets[1:]}
    assert headers["By university"] == ["University", "Country code", "Host university", "Participants",
                                        "Projects", "Joint publications", "Grant applications",
                                        "ERASMUS+ grants"]
    assert headers["By degree level"] == ["Degree level code", "Degree level", "Participants"]
