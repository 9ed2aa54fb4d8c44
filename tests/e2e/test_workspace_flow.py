"""The research phase in a browser: a student plans a milestone and records an experiment with a
CSV of measurements; the supervisor sends the monthly report back with a comment, the student
resubmits, the supervisor approves; the commission's chair sees it on the score sheet."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from evaluation import services as evaluation_services
from evaluation.models import ExpertGroup
from marathon.models import User
from tests.e2e.helpers import login_in_browser, logout_in_browser
from tests.evaluation.conftest import seat
from tests.evaluation.factories import CommissionFactory
from tests.factories import MembershipFactory, UserFactory, approved_project_with_team
from tests.workspace.conftest import research_edition
from workspace.models import JournalEntry, ProgressReport

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


@pytest.fixture
def setup(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    edition = research_edition()
    project = approved_project_with_team(edition=edition, title="Magnesium implants")
    student = MembershipFactory(team=project.team, user=UserFactory(status=User.Status.BACHELOR,
                                                                    full_name="Anna Kovaleva")).user
    commission = CommissionFactory(edition=edition)
    chair = seat(commission, group=ExpertGroup.HOST_PROFESSOR, is_chair=True).user
    expert = seat(commission, group=ExpertGroup.PARTNER_PROFESSOR).user
    sheet = evaluation_services.assign_expert(member=commission.members.get(user=expert), project=project,
                                              actor=chair).sheet
    return {"team": project.team, "student": student, "supervisor": project.proposer, "chair": chair,
            "sheet": sheet}


def _open_report(page: Page, live_url: str, team) -> None:
    page.goto(f"{live_url}/workspace/teams/{team.pk}/reports/")
    page.locator(".report-row a").last.click()


def test_student_plans_records_reports_and_the_chair_sees_it(page: Page, live_url, setup):
    team, student = setup["team"], setup["student"]
    page.on("dialog", lambda dialog: dialog.accept())
    login_in_browser(page, live_url, student)

    # The team page leads to the workspace; the student adds a milestone.
    page.goto(f"{live_url}/teams/{team.pk}/")
    page.click("#open-workspace")
    page.click("#add-milestone")
    page.fill("#id_title", "Corrosion series finished")
    page.fill("#id_start_date", str(timezone.localdate() - timedelta(days=5)))
    page.fill("#id_due_date", str(timezone.localdate() + timedelta(days=20)))
    page.select_option("#id_owners", label="Anna Kovaleva")
    page.click("#save-milestone")
    expect(page.locator(".alert-success")).to_contain_text("The milestone is added to the work plan.")
    expect(page.locator("#milestones")).to_contain_text("Corrosion series finished")
    expect(page.locator("#timeline rect")).to_have_count(1)

    # A journal entry with a CSV of measurements; a bad cell is named first.
    page.click("#add-entry")
    page.select_option("#id_kind", "experiment")
    page.fill("#id_title", "Immersion test in SBF")
    page.fill("#id_aim", "Degradation rate of coated samples")
    page.fill("#id_measurements_text", "Sample,Mass loss (mg)\nC1,1.2\nC2,n/a\n")
    page.click("#save-entry")
    expect(page.locator(".invalid-feedback")).to_contain_text("Row 3, column “Mass loss (mg)”: “n/a” is not a number.")
    page.fill("#id_measurements_text", "Sample,Mass loss (mg)\nC1,1.2\nC2,1.5\n")
    page.select_option("#id_milestones", label="Corrosion series finished")
    page.click("#save-entry")
    expect(page.locator("#measurements")).to_contain_text("Mass loss (mg)")
    expect(page.locator("#measurements td").first).to_have_text("1.2")
    page.click("#sign-entry")
    expect(page.locator("#entry-status")).to_have_text("Signed")
    page.click("#tab-journal")
    expect(page.locator("#chain-status")).to_contain_text("verifies")

    # The monthly report: drafted from the period, submitted.
    page.click("#tab-reports")
    page.locator(".start-report").last.click()
    expect(page.locator("#id_done")).to_have_value("- Experiment: Immersion test in SBF")
    page.click("#submit-report")
    expect(page.locator("#report-status")).to_have_text("Submitted")
    logout_in_browser(page)

    # The supervisor sends it back with a comment.
    login_in_browser(page, live_url, setup["supervisor"])
    _open_report(page, live_url, team)
    page.fill("#id_comment", "Add the risks: the furnace is booked in March.")
    page.click("#request-changes")
    expect(page.locator("#report-status")).to_have_text("Changes requested")
    logout_in_browser(page)

    # The student sees the comment and resubmits.
    login_in_browser(page, live_url, student)
    _open_report(page, live_url, team)
    expect(page.locator("#reviews")).to_contain_text("Add the risks: the furnace is booked in March.")
    page.fill("#id_risks", "Furnace booked in March; we use the partner lab.")
    page.click("#submit-report")
    expect(page.locator("#report-status")).to_have_text("Submitted")
    logout_in_browser(page)

    # The supervisor approves.
    login_in_browser(page, live_url, setup["supervisor"])
    _open_report(page, live_url, team)
    page.click("#approve-report")
    expect(page.locator("#report-status")).to_have_text("Approved")
    logout_in_browser(page)
    assert list(ProgressReport.objects.values_list("status", flat=True)) == ["approved"]
    assert JournalEntry.objects.get().status == "signed"

    # The chair sees the record on the score sheet.
    login_in_browser(page, live_url, setup["chair"])
    page.goto(f"{live_url}/evaluation/sheets/{setup['sheet'].pk}/")
    summary = page.locator("#workspace-summary")
    expect(summary).to_contain_text("Immersion test in SBF")
    expect(summary.locator("#summary-milestones")).to_contain_text("Corrosion series finished")
    expect(summary.locator("#summary-journal")).to_contain_text("Experiment: 1")
