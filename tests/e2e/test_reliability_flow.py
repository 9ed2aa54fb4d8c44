"""Issue 12 in a real browser: logging in while Redis hangs; retrying an export that stalled."""

import time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from marathon import resilience
from marathon.settings import redis_cache
from reports.models import ExportJob
from reports.services import stalled_after
from reports.tasks import fail_stalled_exports
from tests.e2e.helpers import login_in_browser
from tests.factories import UserFactory
from tests.reliability.redis_server import PrivateRedis, use_broker
from tests.reports.conftest import world as world  # noqa: F401 - the fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


@pytest.fixture
def frozen_redis(tmp_path, settings):
    server = PrivateRedis(tmp_path)
    settings.REDIS_URL = server.url
    settings.CACHES = {"default": redis_cache(server.url)}
    use_broker(server.url)
    resilience.reset()
    server.freeze()
    yield server
    server.stop()
    use_broker(None)
    resilience.reset()


def test_student_logs_in_and_browses_while_redis_hangs(page: Page, live_url, frozen_redis):
    student = UserFactory(status="bachelor", full_name="Rita Redisless")
    started = time.monotonic()
    login_in_browser(page, live_url, student)
    page.goto(f"{live_url}/projects/")
    expect(page.locator("h1").first).to_be_visible()
    assert time.monotonic() - started < 15
    response = page.request.get(f"{live_url}/healthz")
    assert response.status == 503


def test_office_retries_a_stalled_export(page: Page, live_url, world):
    office = UserFactory(is_staff=True, full_name="Olga Officer")
    job = ExportJob.objects.create(owner=office, year_from=2018, year_to=2020, format="csv",
                                   status="running", progress=45, attempts=1, run_token="dead",
                                   heartbeat_at=timezone.now() - stalled_after() * 2)
    assert fail_stalled_exports() == 1
    login_in_browser(page, live_url, office)
    page.goto(f"{live_url}/reports/exports/{job.pk}/")
    expect(page.locator("#export-state")).to_have_text("Failed")
    expect(page.locator("#export-error")).to_have_text("The export stopped unexpectedly; please try again.")
    page.click("#export-retry")
    expect(page.locator("#export-state")).to_have_text("Ready")
    expect(page.locator("#export-download")).to_be_visible()
