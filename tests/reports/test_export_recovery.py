"""Issue 12.2 and 12.18: export jobs finish once, recover from dead workers, can be retried, and
their download works with an API token."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from marathon.models import AuditEntry, Notification
from reports import services
from reports.models import ExportJob
from reports.tasks import fail_stalled_exports, generate_export
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    return UserFactory(is_staff=True)


def job_for(owner, **fields):
    return ExportJob.objects.create(owner=owner, year_from=2018, year_to=2020, format="csv", **fields)


def token_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def test_download_url_works_with_an_api_token(world, office):
    api = token_client(office)
    started = api.post("/api/v1/exports/", {"from": 2018, "to": 2020, "format": "csv"},
                       content_type="application/json").json()
    generate_export(started["id"])
    state = api.get(f"/api/v1/exports/{started['id']}/").json()
    assert state["download_url"] == f"http://testserver/api/v1/exports/{started['id']}/download/"
    response = api.get(state["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="marathon-statistics-2018-2020.csv"'
    assert b"section,key,figure,value" in b"".join(response.streaming_content)


def test_api_download_is_office_only_and_404_until_done(world, office):
    job = job_for(office)
    assert token_client(office).get(f"/api/v1/exports/{job.pk}/download/").status_code == 404
    generate_export(job.pk)
    response = token_client(UserFactory()).get(f"/api/v1/exports/{job.pk}/download/")
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "errors"}
    assert Client().get(f"/api/v1/exports/{job.pk}/download/").status_code in (401, 403)


def test_api_download_of_expired_file_is_404_json(world, office, settings):
    job = job_for(office)
    generate_export(job.pk)
    job.refresh_from_db()
    (settings.EXPORT_ROOT / job.file_name).unlink()
    response = token_client(office).get(f"/api/v1/exports/{job.pk}/download/")
    assert response.status_code == 404
    assert response.json() == {"detail": "The file has expired; please export again.", "errors": {}}


def test_redelivered_task_takes_over_a_dead_runner_and_finishes_once(world, office, settings):
    job = job_for(office, status="running", progress=45, attempts=1, run_token="dead-worker",
                  heartbeat_at=timezone.now() - timedelta(seconds=settings.EXPORT_HEARTBEAT_TIMEOUT + 1))
    assert generate_export(job.pk) == "done"
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("done", 100, 2)
    assert generate_export(job.pk) == "finished-or-missing"
    assert AuditEntry.objects.filter(action="reports.export_finished", object_id=str(job.pk)).count() == 1
    assert [p.name for p in settings.EXPORT_ROOT.iterdir() if p.name.startswith(f"export-{job.pk}-")] == [
        job.file_name]


def test_redelivered_task_waits_while_the_runner_is_alive(world, office):
    job = job_for(office, status="running", progress=45, attempts=1, run_token="alive",
                  heartbeat_at=timezone.now())
    with pytest.raises(services.ExportBusy):
        services.run_export(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.run_token, job.attempts) == ("running", "alive", 1)


def test_superseded_runner_cannot_finish(world, office, monkeypatch):
    job = job_for(office)
    original = services.set_progress

    def taken_over(job_id, token, percent):
        ExportJob.objects.filter(pk=job_id).update(run_token="someone-else")
        original(job_id, token, percent)

    monkeypatch.setattr(services, "set_progress", taken_over)
    assert generate_export(job.pk) == "superseded"
    job.refresh_from_db()
    assert (job.status, job.file_name) == ("running", "")


def test_job_interrupted_too_often_ends_failed(world, office):
    job = job_for(office, status="running", attempts=3, run_token="x",
                  heartbeat_at=timezone.now() - timedelta(hours=1))
    assert generate_export(job.pk) == "failed"
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "The export was interrupted 3 times; please try again.")


def test_beat_fails_stalled_and_never_started_jobs_only(world, office, settings):
    long_ago = timezone.now() - services.stalled_after() - timedelta(seconds=1)
    stalled = job_for(office, status="running", run_token="x", heartbeat_at=long_ago)
    never_started = job_for(office, created_at=long_ago)
    alive = job_for(office, status="running", run_token="y", heartbeat_at=timezone.now())
    waiting = job_for(office)
    assert fail_stalled_exports() == 2
    states = dict(ExportJob.objects.values_list("pk", "status"))
    assert states == {stalled.pk: "failed", never_started.pk: "failed", alive.pk: "running",
                      waiting.pk: "pending"}
    assert ExportJob.objects.get(pk=stalled.pk).error == "The export stopped unexpectedly; please try again."
    assert Notification.objects.filter(recipient=office, subject="Statistics export failed").count() == 2


def test_beat_runs_the_stalled_export_check_every_minute():
    from marathon.celery import app

    assert app.conf.beat_schedule["reports-fail-stalled-exports"]["task"] == "reports.fail_stalled_exports"


def test_retry_api_restarts_a_failed_job(world, office, django_capture_on_commit_callbacks):
    job = job_for(office, status="failed", error="The export stopped unexpectedly; please try again.",
                  attempts=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(office).post(f"/api/v1/exports/{job.pk}/retry/")
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)  # eager Celery in tests
    assert AuditEntry.objects.filter(action="reports.export_retried", actor=office).count() == 1


def test_retry_api_refuses_a_job_that_has_not_failed(world, office):
    job = job_for(office)
    response = token_client(office).post(f"/api/v1/exports/{job.pk}/retry/")
    assert response.status_code == 409
    assert response.json() == {"detail": "Only a failed export can be tried again.",
                               "errors": {"non_field_errors": ["Only a failed export can be tried again."]}}
    assert token_client(UserFactory()).post(f"/api/v1/exports/{job.pk}/retry/").status_code == 403


def test_failed_export_page_has_a_retry_button(world, office, login, django_capture_on_commit_callbacks):
    job = job_for(office, status="failed", error="The export stopped unexpectedly; please try again.")
    client = login(office)
    html = client.get(f"/reports/exports/{job.pk}/").content.decode()
    assert "The export stopped unexpectedly; please try again." in html
    assert f'action="/reports/exports/{job.pk}/retry/"' in html and 'id="export-retry"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/exports/{job.pk}/retry/")
    assert (response.status_code, response["Location"]) == (302, f"/reports/exports/{job.pk}/")
    html = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in html and 'id="export-download"' in html


def test_retry_page_is_office_only(world, office, login):
    job = job_for(office, status="failed")
    assert login(UserFactory()).post(f"/reports/exports/{job.pk}/retry/").status_code == 403
    job.refresh_from_db()
    assert job.status == "failed"
