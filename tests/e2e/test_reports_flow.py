import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from reports.models import ExportJob
from reports.tasks import generate_export
from tests.e2e.helpers import click_nav, login_in_browser
from tests.factories import UserFactory
from tests.outcomes.factories import publication_by
from tests.reports.conftest import add_project
from tests.reports.conftest import world as world  # noqa: F401 - the fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


@pytest.fixture
def office(world):
    add_project(world, students=[world.graz, world.madrid], area=world.energy)
    publication_by(world.host, world.graz, year=2019)
    return UserFactory(is_staff=True, full_name="Olga Officer")


def test_office_exports_xlsx_and_downloads_it(page: Page, live_url, office, tmp_path):
    login_in_browser(page, live_url, office)
    click_nav(page, "#nav-statistics")
    page.fill("#year-range input[name=from]", "2018")
    page.fill("#year-range input[name=to]", "2020")
    page.click("#year-range button[type=submit]")
    expect(page.locator("#results-heading")).to_have_text("Results for 2018 – 2020")
    expect(page.locator("#figure-joint_publications .figure-value")).to_have_text("1")
    expect(page.locator("#chart-figures")).to_be_visible()

    page.select_option("#export-form select[name=format]", "xlsx")
    page.click("#export-form button[type=submit]")
    bar = page.locator("#export-status .progress-bar")
    expect(bar).to_have_attribute("data-progress", "100")
    expect(bar).to_have_text("100%")
    with page.expect_download() as download_info:
        page.click("#export-download")
    path = tmp_path / "stats.xlsx"
    download_info.value.save_as(path)
    assert download_info.value.suggested_filename == "marathon-statistics-2018-2020.xlsx"
    workbook = load_workbook(path)
    assert "By year" in workbook.sheetnames
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(min_row=3, values_only=True)}
    assert summary["Joint scientific publications"] == 1


def test_progress_bar_polls_until_the_worker_finishes(page: Page, live_url, office):
    job = ExportJob.objects.create(owner=office, year_from=2018, year_to=2020, format="pdf")
    login_in_browser(page, live_url, office)
    page.goto(f"{live_url}/reports/exports/{job.pk}/")
    expect(page.locator("#export-state")).to_have_text("Waiting")
    expect(page.locator("#export-download")).to_have_count(0)
    # the "worker" finishes while the page is open; htmx polling shows the result
    assert generate_export(job.pk) == "done"
    expect(page.locator("#export-download")).to_be_visible(timeout=10000)
    expect(page.locator("#export-status .progress-bar")).to_have_attribute("data-progress", "100")
    expect(page.locator("#export-state")).to_have_text("Ready")
