"""Browser flow of the chair's dashboard at size: pages, sorting and the "fewer than N sheets"
filter of the projects' progress, and the full ranking one click away."""

import pytest
from playwright.sync_api import expect

from evaluation import services, tables
from evaluation.models import ExpertGroup
from tests.e2e.helpers import login_in_browser
from tests.evaluation.conftest import seat
from tests.evaluation.factories import CommissionFactory, CriterionFactory
from tests.evaluation.helpers import full_scores
from tests.factories import EditionFactory, approved_project_with_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_chair_pages_sorts_and_filters_dashboard_tables(page, live_url, db):
    edition = EditionFactory()
    commission = CommissionFactory(edition=edition)
    criteria = [CriterionFactory(edition=edition, name="Quality", weight=1)]
    chair = seat(commission, group=ExpertGroup.HOST_PROFESSOR, is_chair=True).user
    member = seat(commission, group=ExpertGroup.CUSTOMER)
    for number in range(tables.PER_PAGE + 5):
        project = approved_project_with_team(edition=edition, title=f"Project {number:02d}")
        sheet = services.assign_expert(member=member, project=project, actor=chair).sheet
        services.save_score_sheet(sheet=sheet, actor=member.user, scores=full_scores(criteria, [3 + number % 3]))
        if number >= 4:  # Project 00..03 still without a submitted sheet
            services.submit_score_sheet(sheet=sheet, actor=member.user)

    login_in_browser(page, live_url, chair)
    page.goto(f"{live_url}/evaluation/commission/{edition.year}/")
    progress = page.locator("#progress-projects")
    expect(progress.locator(".project-progress")).to_have_count(tables.PER_PAGE)
    expect(page.locator("#p-pager")).to_contain_text(f"Page 1 of 2 ({tables.PER_PAGE + 5} rows)")
    page.locator("#p-pager").get_by_role("link", name="Next").click()
    expect(progress.locator(".project-progress")).to_have_count(5)

    page.locator("#p-sort").get_by_role("link", name="submitted").click()
    page.fill("#p-lt", "1")  # projects with no submitted sheet yet
    page.locator("#p-filter button[type=submit]").click()
    expect(progress.locator(".project-progress")).to_have_count(4)
    expect(progress).not_to_contain_text("Project 04")
    expect(progress.locator(".project-progress").first).to_contain_text("Project 00")

    expect(page.locator("#results-table tbody tr")).to_have_count(tables.PER_PAGE)
    page.click("#r-all")  # the full ranking, one click away
    expect(page.locator("#results-table tbody tr")).to_have_count(tables.PER_PAGE + 1)
    expect(page.locator("#r-pager")).to_contain_text(f"All {tables.PER_PAGE + 1} rows")
